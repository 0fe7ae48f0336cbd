import type { Environment } from '../../common/model/deployment';
import { HstsChoice, ProxyTuning, type ProxyServer } from '../../common/ipc/proxy.ipc';
import { checkCertificateFiles } from './certificates';
import {
  checkEmail,
  checkHsts,
  checkPort,
  checkTuning,
  hstsHeaderValue,
  parseUpstream,
  resolveAddress,
} from './validate';

/**
 * A front-door plan: every choice validated and resolved. Renderers take a plan and only format it, so
 * nothing unchecked can reach a generated file.
 */

export type TlsInput = { mode: 'acme'; email?: string } | { mode: 'files'; certPath: string; keyPath: string };

export interface ProxyInput {
  server: ProxyServer;
  domain?: string;
  publicUrl?: string;
  environment: Environment;
  tls: TlsInput;
  hsts?: Partial<HstsChoice>;
  tuning?: Partial<ProxyTuning>;
  /** Upstreams as host:port; defaults 127.0.0.1:8000 (api) and 127.0.0.1:3000 (frontend). */
  apiUpstream?: string;
  frontendUpstream?: string;
  /** Where the proxy listens; defaults to every interface, ports 80 and the public https port. */
  listen?: { address?: string; httpPort?: number; httpsPort?: number };
}

export interface ProxyPlan {
  server: ProxyServer;
  environment: Environment;
  domain: string;
  publicHttpsPort: number;
  origin: string;
  tls:
    | { mode: 'acme'; email: string | null }
    | { mode: 'files'; certPath: string; keyPath: string; notAfter: string | null };
  hsts: HstsChoice;
  hstsHeader: string;
  tuning: ProxyTuning;
  api: { host: string; port: number };
  frontend: { host: string; port: number };
  listen: { address: string | null; httpPort: number; httpsPort: number };
  /** A name fragment unique per domain, for nginx zones and variables shared across the http block. */
  slug: string;
  warnings: string[];
}

const RESERVED_TLDS = ['local', 'localhost', 'test', 'invalid', 'example', 'internal', 'lan', 'home'];

/**
 * Validates the input and resolves defaults.
 * @throws AppError from validate.ts and certificates.ts (bad domain, http in production, HSTS too short,
 *   certificate path missing…). Nothing is written by this function.
 */
export async function planProxy(input: ProxyInput, now: Date): Promise<ProxyPlan> {
  const address = resolveAddress({ domain: input.domain, publicUrl: input.publicUrl }, input.environment);
  const hsts = checkHsts(HstsChoice.parse(input.hsts ?? {}));
  const tuning = checkTuning(ProxyTuning.parse(input.tuning ?? {}));
  const api = parseUpstream(input.apiUpstream ?? '127.0.0.1:8000');
  const frontend = parseUpstream(input.frontendUpstream ?? '127.0.0.1:3000');
  const listenAddress = input.listen?.address ?? null;
  if (listenAddress !== null) parseUpstream(`${listenAddress}:1`);
  const listen = {
    address: listenAddress,
    httpPort: checkPort('The HTTP port', input.listen?.httpPort ?? 80),
    httpsPort: checkPort('The HTTPS port', input.listen?.httpsPort ?? address.httpsPort),
  };
  const warnings: string[] = [];
  for (const [name, u] of [
    ['api', api],
    ['frontend', frontend],
  ] as const) {
    if (!/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]|localhost)$/i.test(u.host)) {
      warnings.push(
        `The ${name} upstream ${u.host} is a name: the proxy must be able to resolve it when it starts (nginx -t fails otherwise), e.g. a compose service name when the proxy runs on the same Docker network.`,
      );
    }
  }
  let tls: ProxyPlan['tls'];
  if (input.tls.mode === 'files') {
    const c = await checkCertificateFiles(input.tls.certPath, input.tls.keyPath, address.domain, now);
    warnings.push(...c.warnings);
    tls = { mode: 'files', certPath: c.certPath, keyPath: c.keyPath, notAfter: c.notAfter };
  } else {
    const email = input.tls.email === undefined || input.tls.email === '' ? null : checkEmail(input.tls.email);
    tls = { mode: 'acme', email };
    const tld = address.domain.split('.').pop() ?? '';
    if (RESERVED_TLDS.includes(tld))
      warnings.push(
        `${address.domain} ends in .${tld}, which no public certificate authority issues for. Use a public name, or give certificate files.`,
      );
    if (listen.httpPort !== 80)
      warnings.push(
        `Let's Encrypt's HTTP challenge reaches port 80; the proxy listens for HTTP on ${String(listen.httpPort)}, so make sure port 80 is forwarded to it.`,
      );
  }
  if (hsts.preload)
    warnings.push(
      "HSTS preload is on: once the domain is on the browsers' preload list, every subdomain must serve HTTPS for months after you ask for removal.",
    );
  return {
    server: input.server,
    environment: input.environment,
    domain: address.domain,
    publicHttpsPort: address.httpsPort,
    origin: address.origin,
    tls,
    hsts,
    hstsHeader: hstsHeaderValue(hsts),
    tuning,
    api,
    frontend,
    listen,
    slug: address.domain.replace(/[^a-z0-9]+/g, '_'),
    warnings,
  };
}

/** The text explaining HSTS preload, shown in the generated files and the UI. */
export const PRELOAD_EXPLAINED =
  'HSTS preload (off unless chosen): browsers ship a built-in list of domains that are HTTPS-only before the first visit. ' +
  'Joining (hstspreload.org) needs max-age >= 1 year, includeSubDomains and preload, and applies to every subdomain; ' +
  'removal takes months to reach users. Only opt in when every name under the parent domain serves HTTPS for good.';
