import type * as BcryptNs from 'bcrypt';
import { AppError } from '../../common/errors';

type BcryptModule = typeof BcryptNs;

/**
 * bcrypt for Crucible's login password (facts §3): the service verifies `$2a$|$2b$|$2y$` hashes of length
 * 60 with Python's `bcrypt`. We always write `$2b$` at cost ≥ 12 (the service's own default). The native
 * library hashes on libuv's thread pool, so the event loop never blocks.
 */

/** The native module loads on first use: checks that only look at a hash's shape (check-env) never load it. */
async function loadBcrypt(): Promise<BcryptModule> {
  const mod = (await import('bcrypt')) as BcryptModule & { default?: BcryptModule };
  return mod.default ?? mod;
}

export const BCRYPT_MIN_COST = 12;
export const BCRYPT_MAX_COST = 16;
export const BCRYPT_DEFAULT_COST = 12;
/** bcrypt reads at most 72 bytes of the password; bcrypt ≥ 5 (Python) refuses longer input. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

/** The service's own test (`config.py`, `password.py::is_bcrypt_hash`): prefix and total length 60. */
export function isBcryptHash(value: string): boolean {
  return (value.startsWith('$2a$') || value.startsWith('$2b$') || value.startsWith('$2y$')) && value.length === 60;
}

const BCRYPT_SHAPE = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** The cost inside a well-formed bcrypt hash, or null. */
export function bcryptCost(hash: string): number | null {
  const m = BCRYPT_SHAPE.exec(hash);
  return m ? Number(m[1]) : null;
}

/**
 * Checks that a password can be hashed faithfully: not empty, well-formed Unicode, no NUL (the C library
 * stops at NUL), at most 72 UTF-8 bytes (longer input would be silently cut or refused by the service).
 * @throws AppError HASH_EMPTY_PASSWORD, HASH_INVALID_PASSWORD, HASH_PASSWORD_TOO_LONG
 */
export function assertHashablePassword(password: string): void {
  if (password.length === 0) throw new AppError('HASH_EMPTY_PASSWORD', 'The password is empty. Type a password.');
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(password))
    throw new AppError('HASH_INVALID_PASSWORD', 'The password contains an invalid Unicode sequence. Type it again.');
  if (password.includes('\0'))
    throw new AppError(
      'HASH_INVALID_PASSWORD',
      'The password contains a NUL character, which bcrypt cannot hash. Choose another password.',
    );
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > BCRYPT_MAX_PASSWORD_BYTES) {
    throw new AppError(
      'HASH_PASSWORD_TOO_LONG',
      `The password is ${bytes} bytes long in UTF-8; bcrypt uses at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes and Crucible's bcrypt refuses longer passwords. Choose a password of at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes.`,
    );
  }
}

/**
 * Hashes the login password as `$2b$<cost>$…` (60 characters), off the event loop.
 * @param cost bcrypt cost, 12..16 (default 12; never below the service's own 12).
 * @throws AppError HASH_BAD_COST for a cost outside 12..16; the errors of {@link assertHashablePassword};
 *   HASH_FAILED if the native library fails.
 */
export async function hashPassword(password: string, cost: number = BCRYPT_DEFAULT_COST): Promise<string> {
  if (!Number.isInteger(cost) || cost < BCRYPT_MIN_COST || cost > BCRYPT_MAX_COST) {
    throw new AppError(
      'HASH_BAD_COST',
      `The bcrypt cost must be an integer from ${BCRYPT_MIN_COST} to ${BCRYPT_MAX_COST}.`,
    );
  }
  assertHashablePassword(password);
  let hash: string;
  try {
    const bcrypt = await loadBcrypt();
    const salt = await bcrypt.genSalt(cost, 'b');
    hash = await bcrypt.hash(password, salt);
  } catch {
    throw new AppError(
      'HASH_FAILED',
      'The bcrypt library failed to hash the password. Reinstall the app (npm ci) and try again.',
    );
  }
  if (!hash.startsWith('$2b$') || !isBcryptHash(hash))
    throw new AppError('HASH_FAILED', 'The bcrypt library produced an unexpected hash format.');
  return hash;
}

/**
 * Verifies a password against a bcrypt hash (`$2a$`, `$2b$` or `$2y$`), off the event loop.
 * Returns false for a malformed hash or a password bcrypt cannot take (empty, NUL, > 72 bytes).
 */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (!BCRYPT_SHAPE.test(hash)) return false;
  try {
    assertHashablePassword(password);
  } catch {
    return false;
  }
  try {
    // The native library reads $2y$ like $2b$; $2a$ is accepted as is.
    return await (await loadBcrypt()).compare(password, hash.startsWith('$2y$') ? `$2b$${hash.slice(4)}` : hash);
  } catch {
    return false;
  }
}
