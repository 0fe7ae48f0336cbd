import { AppError } from '../../common/errors';
import { hashPassword, isBcryptHash } from './bcrypt';

/**
 * One rule for the login password (ROUNDTABLE_COMMUNITY_AUTH_PASSWORD and any variable of kind
 * `login-password`): the keychain holds exactly what `.env` holds — its bcrypt hash. The plain password is
 * shown to the admin once (setup, rotation) and stored nowhere. Every path that carries a keychain value
 * into `.env` (backup restore, rotation's write-env, the inventory's store) goes through these checks, so
 * a plain password that reached the keychain some other way (an older version, a hand edit) is hashed or
 * refused, never written to `.env` as is.
 */

/** The variables of a profile whose stored form is a bcrypt hash. */
export function passwordHashVariables(profile: {
  variables: ReadonlyArray<{ name: string; kind: string }>;
}): Set<string> {
  return new Set(profile.variables.filter((v) => v.kind === 'login-password').map((v) => v.name));
}

/**
 * The stored (keychain and `.env`) form of a login password: the value itself when it is already a bcrypt
 * hash, else its bcrypt hash.
 * @param isHash the hash test (tests that inject a cheap hash inject its test too).
 * @throws AppError HASH_* when a plain value cannot be hashed faithfully (empty, NUL, > 72 bytes).
 */
export async function storedPasswordForm(
  value: string,
  hash: (p: string) => Promise<string> = (p) => hashPassword(p),
  isHash: (v: string) => boolean = isBcryptHash,
): Promise<string> {
  return isHash(value) ? value : hash(value);
}

/**
 * Refuses a plain value for a login-password variable.
 * @throws AppError SECRET_PASSWORD_NOT_HASHED naming the variable (never the value).
 */
export function assertStoredPasswordForm(
  name: string,
  value: string,
  isHash: (v: string) => boolean = isBcryptHash,
): void {
  if (!isHash(value)) {
    throw new AppError(
      'SECRET_PASSWORD_NOT_HASHED',
      `${name.slice(0, 80)} must be stored as a bcrypt hash ($2b$, 60 characters), the form .env holds; a plain password is never stored. Hash it first (crucible-secrets hash-password).`,
    );
  }
}
