/**
 * Password hashing: bcrypt for Crucible's login password, argon2id for our own key derivation.
 * Both native libraries run on the libuv thread pool; nothing here blocks the event loop.
 */
export {
  BCRYPT_DEFAULT_COST,
  BCRYPT_MAX_COST,
  BCRYPT_MAX_PASSWORD_BYTES,
  BCRYPT_MIN_COST,
  assertHashablePassword,
  bcryptCost,
  hashPassword,
  isBcryptHash,
  verifyPassword,
} from './bcrypt';
export {
  ARGON2ID_BOUNDS,
  ARGON2ID_DEFAULTS,
  assertArgon2idParams,
  deriveKeyArgon2id,
  hashArgon2id,
  verifyArgon2id,
  type Argon2idParams,
} from './argon2id';
