import { readFile, stat } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { AppError } from '../../common/errors';

/**
 * Checks certificate paths the admin gave before they go into a configuration: absolute, free of
 * characters that would change the config's meaning, existing regular files. The certificate (public) is
 * parsed for its names and expiry; the private key is only stat'ed, never read.
 */

export const CertErrorCode = {
  Relative: 'PROXY_CERT_PATH_RELATIVE',
  Unsafe: 'PROXY_CERT_PATH_UNSAFE',
  NotFound: 'PROXY_CERT_NOT_FOUND',
  Unreadable: 'PROXY_CERT_UNREADABLE',
  NotAFile: 'PROXY_CERT_NOT_A_FILE',
  NotPem: 'PROXY_CERT_NOT_PEM',
} as const;

export interface CertCheck {
  certPath: string;
  keyPath: string;
  /** Facts worth showing (names covered, expiry) and problems that do not block generation. */
  warnings: string[];
  notAfter: string | null;
}

// Whitespace, quotes, braces, `;`, `$` (nginx variables), `#` (comments) and control characters would
// change the meaning of a config line.
const UNSAFE = /[\s"'`;{}$#\\\p{Cc}]/u;

async function checkFile(role: string, path: string): Promise<void> {
  if (!isAbsolute(path))
    throw new AppError(
      CertErrorCode.Relative,
      `The ${role} path must be absolute (start with /); ${JSON.stringify(path)} is relative.`,
    );
  if (UNSAFE.test(path))
    throw new AppError(
      CertErrorCode.Unsafe,
      `The ${role} path contains a space, quote, brace, ';', '$', '#' or control character. Move or link the file to a plain path such as /etc/ssl/crucible/${role === 'private key' ? 'privkey' : 'fullchain'}.pem.`,
    );
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new AppError(CertErrorCode.NotAFile, `The ${role} path ${path} is not a regular file.`);
  } catch (e) {
    if (e instanceof AppError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new AppError(
        CertErrorCode.NotFound,
        `The ${role} file ${path} does not exist. Check the path, or use Let's Encrypt (ACME) instead. Nothing was written.`,
      );
    }
    throw new AppError(
      CertErrorCode.Unreadable,
      `The ${role} file ${path} cannot be checked (${code ?? 'error'}). Run as a user allowed to read it, or copy it somewhere readable. Nothing was written.`,
    );
  }
}

/**
 * @throws AppError PROXY_CERT_PATH_RELATIVE, PROXY_CERT_PATH_UNSAFE, PROXY_CERT_NOT_FOUND,
 *   PROXY_CERT_UNREADABLE, PROXY_CERT_NOT_A_FILE, PROXY_CERT_NOT_PEM.
 */
export async function checkCertificateFiles(
  certPath: string,
  keyPath: string,
  domain: string,
  now: Date,
): Promise<CertCheck> {
  await checkFile('certificate', certPath);
  await checkFile('private key', keyPath);
  const warnings: string[] = [];
  let notAfter: string;
  let pem: string;
  try {
    const fh = await readFile(certPath);
    pem = fh.subarray(0, 1_000_000).toString('utf8');
  } catch (e) {
    throw new AppError(
      CertErrorCode.Unreadable,
      `The certificate file ${certPath} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!block) {
    throw new AppError(
      CertErrorCode.NotPem,
      `The certificate file ${certPath} is not a PEM certificate (no "BEGIN CERTIFICATE" block). Give the full-chain PEM file, not the key.`,
    );
  }
  try {
    const cert = new X509Certificate(block[0]);
    notAfter = new Date(cert.validTo).toISOString();
    if (cert.checkHost(domain) === undefined)
      warnings.push(
        `The certificate does not cover ${domain} (${cert.subjectAltName ?? cert.subject}); browsers will refuse it.`,
      );
    if (new Date(cert.validTo).getTime() < now.getTime())
      warnings.push(`The certificate expired on ${notAfter}; renew it before going live.`);
    else if (new Date(cert.validTo).getTime() - now.getTime() < 14 * 86_400_000)
      warnings.push(`The certificate expires on ${notAfter}, in less than two weeks.`);
    if (cert.issuer === cert.subject)
      warnings.push('The certificate is self-signed; browsers will warn unless it is trusted explicitly.');
  } catch {
    throw new AppError(
      CertErrorCode.NotPem,
      `The certificate file ${certPath} could not be parsed as an X.509 certificate.`,
    );
  }
  try {
    const st = await stat(keyPath);
    if ((st.mode & 0o077) !== 0)
      warnings.push(
        `The private key ${keyPath} is readable by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it.`,
      );
  } catch {
    /* already checked above */
  }
  return { certPath, keyPath, warnings, notAfter };
}
