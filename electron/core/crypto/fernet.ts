import { createCipheriv, createDecipheriv, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { AppError } from '../../common/errors';

/**
 * Fernet (https://github.com/fernet/spec/blob/master/Spec.md), as written by Python's
 * `cryptography.fernet`, using node:crypto only.
 *
 * Token = base64url WITH `=` padding of: 0x80 ‖ u64be seconds ‖ IV(16) ‖ AES-128-CBC/PKCS7 ciphertext ‖
 * HMAC-SHA256(signing key, everything before it). Key = 32 bytes, url-safe base64: first 16 bytes sign,
 * last 16 encrypt. Python rejects unpadded tokens (crucible-facts.md §5.2), so we always keep the padding.
 */

const pbkdf2Async = promisify(pbkdf2);

export const FernetErrorCode = {
  BadKey: 'FERNET_BAD_KEY',
  InvalidToken: 'FERNET_INVALID_TOKEN',
} as const;

const VERSION = 0x80;
const HEADER = 1 + 8 + 16;
const MAC = 32;

/** A parsed Fernet key: 16-byte signing key and 16-byte encryption key. */
export interface FernetKey {
  readonly signing: Buffer;
  readonly encryption: Buffer;
}

/** Injectable clock and IV source so tokens are reproducible in tests (the spec vectors). */
export interface FernetDeps {
  nowSeconds?: () => number;
  iv?: () => Buffer;
}

/**
 * Parses a url-safe base64 Fernet key (44 chars with padding; 32 bytes).
 * @throws AppError FERNET_BAD_KEY when it is not 32 bytes of url-safe base64.
 */
export function parseFernetKey(key: string): FernetKey {
  if (!/^[A-Za-z0-9_-]{43}=?$/.test(key)) {
    throw new AppError(FernetErrorCode.BadKey, 'A Fernet key must be 32 bytes in url-safe base64 (44 characters).');
  }
  const raw = Buffer.from(key, 'base64url');
  return { signing: raw.subarray(0, 16), encryption: raw.subarray(16, 32) };
}

/** Serialises 32 raw bytes as a Fernet key string (padded url-safe base64, like `base64.urlsafe_b64encode`). */
export function fernetKeyFromBytes(raw: Uint8Array): string {
  if (raw.length !== 32) throw new AppError(FernetErrorCode.BadKey, 'A Fernet key needs exactly 32 bytes.');
  return toB64UrlPadded(Buffer.from(raw));
}

function toB64UrlPadded(b: Buffer): string {
  return b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Strict decode of padded url-safe base64, as Python's `base64.urlsafe_b64decode` (which needs padding). */
function fromB64UrlPadded(s: string): Buffer | null {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9_-]*={0,2}$/.test(s)) return null;
  return Buffer.from(s, 'base64url');
}

/**
 * Encrypts `plaintext` into a Fernet token (padded url-safe base64, starts with `gAAAAA`).
 * @throws AppError FERNET_BAD_KEY for a malformed key.
 */
export function fernetEncrypt(key: string | FernetKey, plaintext: Uint8Array | string, deps: FernetDeps = {}): string {
  const k = typeof key === 'string' ? parseFernetKey(key) : key;
  const iv = deps.iv ? deps.iv() : randomBytes(16);
  const now = deps.nowSeconds ? deps.nowSeconds() : Math.floor(Date.now() / 1000);
  const header = Buffer.alloc(9);
  header[0] = VERSION;
  header.writeBigUInt64BE(BigInt(now), 1);
  const cipher = createCipheriv('aes-128-cbc', k.encryption, iv);
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : Buffer.from(plaintext);
  const body = Buffer.concat([header, iv, cipher.update(data), cipher.final()]);
  const mac = createHmac('sha256', k.signing).update(body).digest();
  return toB64UrlPadded(Buffer.concat([body, mac]));
}

/**
 * Decrypts a Fernet token. No TTL is enforced (Crucible enforces none). The message never contains
 * the token or the key.
 * @throws AppError FERNET_INVALID_TOKEN when the token is malformed, was not made with this key, or was tampered with.
 */
export function fernetDecrypt(key: string | FernetKey, token: string): Buffer {
  const k = typeof key === 'string' ? parseFernetKey(key) : key;
  const invalid = () =>
    new AppError(FernetErrorCode.InvalidToken, 'The Fernet token is malformed or was not made with this key.');
  const raw = fromB64UrlPadded(token);
  if (!raw || raw.length < HEADER + 16 + MAC || raw[0] !== VERSION || (raw.length - HEADER - MAC) % 16 !== 0)
    throw invalid();
  const body = raw.subarray(0, raw.length - MAC);
  const mac = raw.subarray(raw.length - MAC);
  const expected = createHmac('sha256', k.signing).update(body).digest();
  if (!timingSafeEqual(mac, expected)) throw invalid();
  try {
    const decipher = createDecipheriv('aes-128-cbc', k.encryption, raw.subarray(9, HEADER));
    return Buffer.concat([decipher.update(raw.subarray(HEADER, raw.length - MAC)), decipher.final()]);
  } catch {
    throw invalid();
  }
}

/** Crucible's fixed PBKDF2 salt (`service/app/core/encryption.py`, crucible-facts.md §5.1). */
export const CRUCIBLE_SALT = 'crucible_encryption_salt';
export const CRUCIBLE_PBKDF2_ITERATIONS = 100_000;

/**
 * Derives the Fernet key Crucible uses for `API_KEY_ENCRYPTION_KEY`: PBKDF2-HMAC-SHA256 over the exact
 * UTF-8 bytes of the env value (no trimming: a stray space is a different key), 100,000 iterations,
 * 32 bytes, url-safe base64. Runs on libuv's thread pool, off the event loop.
 */
export async function deriveCrucibleFernetKey(envValue: string): Promise<string> {
  const raw = await pbkdf2Async(Buffer.from(envValue, 'utf8'), CRUCIBLE_SALT, CRUCIBLE_PBKDF2_ITERATIONS, 32, 'sha256');
  return fernetKeyFromBytes(raw);
}

/**
 * Crucible's legacy decryption (`_decrypt_xor_legacy`, §5.3): standard base64, XOR with the key's UTF-8
 * bytes cut/padded with '0' to 32 bytes. Returns null when the value is not base64 or not UTF-8.
 * A wrong key yields garbage without error, so callers must judge plausibility.
 */
export function legacyXorDecrypt(envValue: string, value: string): string | null {
  if (value.length === 0 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return null;
  const data = Buffer.from(value, 'base64');
  const keyBytes = Buffer.alloc(32, 0x30);
  Buffer.from(envValue, 'utf8').copy(keyBytes, 0, 0, 32);
  const out = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] ?? 0) ^ (keyBytes[i % 32] ?? 0);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(out);
  } catch {
    return null;
  }
}
