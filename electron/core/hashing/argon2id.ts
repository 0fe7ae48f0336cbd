import argon2 from 'argon2';
import { AppError } from '../../common/errors';

/**
 * argon2id for our own key derivation (backup and vault passphrases). Parameters are checked against
 * bounds before the native call, which runs on libuv's thread pool (never on the event loop).
 */

export interface Argon2idParams {
  /** Memory in KiB. */
  memoryCost: number;
  /** Iterations. */
  timeCost: number;
  parallelism: number;
  /** Output length in bytes. */
  hashLength: number;
}

/** RFC 9106 §4 second recommended option (64 MiB, t=3, p=4). */
export const ARGON2ID_DEFAULTS: Readonly<Argon2idParams> = {
  memoryCost: 65536,
  timeCost: 3,
  parallelism: 4,
  hashLength: 32,
};

/**
 * Accepted ranges. The lower bounds follow OWASP's minimum for argon2id (19 MiB, t ≥ 2); the upper
 * bounds keep a tampered backup header from making us allocate gigabytes or loop for minutes.
 */
export const ARGON2ID_BOUNDS = {
  memoryCost: { min: 19456, max: 1048576 },
  timeCost: { min: 2, max: 10 },
  parallelism: { min: 1, max: 16 },
  hashLength: { min: 16, max: 64 },
  saltBytes: { min: 16, max: 64 },
} as const;

/**
 * Checks parameters against {@link ARGON2ID_BOUNDS}.
 * @throws AppError KDF_BAD_PARAMS naming the parameter and its allowed range.
 */
export function assertArgon2idParams(params: Argon2idParams): void {
  for (const key of ['memoryCost', 'timeCost', 'parallelism', 'hashLength'] as const) {
    const v = params[key];
    const { min, max } = ARGON2ID_BOUNDS[key];
    if (!Number.isInteger(v) || v < min || v > max)
      throw new AppError('KDF_BAD_PARAMS', `argon2id ${key} must be an integer from ${min} to ${max}.`);
  }
  if (params.memoryCost < 8 * params.parallelism)
    throw new AppError('KDF_BAD_PARAMS', 'argon2id memoryCost must be at least 8 KiB per lane.');
}

/**
 * Derives a raw key from a passphrase with argon2id.
 * @throws AppError KDF_BAD_PARAMS (parameters or salt length out of bounds); KDF_FAILED (native failure).
 */
export async function deriveKeyArgon2id(
  passphrase: string | Uint8Array,
  salt: Uint8Array,
  params: Argon2idParams = ARGON2ID_DEFAULTS,
): Promise<Buffer> {
  assertArgon2idParams(params);
  const { min, max } = ARGON2ID_BOUNDS.saltBytes;
  if (salt.length < min || salt.length > max)
    throw new AppError('KDF_BAD_PARAMS', `The argon2id salt must be ${min} to ${max} bytes.`);
  try {
    return await argon2.hash(typeof passphrase === 'string' ? passphrase : Buffer.from(passphrase), {
      type: argon2.argon2id,
      raw: true,
      salt: Buffer.from(salt),
      memoryCost: params.memoryCost,
      timeCost: params.timeCost,
      parallelism: params.parallelism,
      hashLength: params.hashLength,
    });
  } catch {
    throw new AppError(
      'KDF_FAILED',
      'The argon2 library failed to derive the key. Reinstall the app (npm ci) and try again.',
    );
  }
}

/**
 * An encoded `$argon2id$v=19$m=…,t=…,p=…$salt$hash` string (canonical m,t,p order, readable by libargon2).
 * @throws AppError KDF_BAD_PARAMS; KDF_FAILED.
 */
export async function hashArgon2id(passphrase: string, params: Argon2idParams = ARGON2ID_DEFAULTS): Promise<string> {
  assertArgon2idParams(params);
  try {
    return await argon2.hash(passphrase, {
      type: argon2.argon2id,
      memoryCost: params.memoryCost,
      timeCost: params.timeCost,
      parallelism: params.parallelism,
      hashLength: params.hashLength,
    });
  } catch {
    throw new AppError('KDF_FAILED', 'The argon2 library failed to hash the passphrase.');
  }
}

const ENCODED = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$([A-Za-z0-9+/]+)$/;

/**
 * Verifies a passphrase against an encoded argon2id hash. The parameters inside the hash are bounds-checked
 * first, so a tampered hash cannot make us allocate unbounded memory.
 * @throws AppError KDF_BAD_PARAMS when the encoded parameters are out of bounds or the string is malformed.
 */
export async function verifyArgon2id(encoded: string, passphrase: string): Promise<boolean> {
  const m = ENCODED.exec(encoded);
  if (!m) throw new AppError('KDF_BAD_PARAMS', 'Not an argon2id v19 hash.');
  const hashLength = Math.floor(((m[4] ?? '').length * 3) / 4);
  assertArgon2idParams({ memoryCost: Number(m[1]), timeCost: Number(m[2]), parallelism: Number(m[3]), hashLength });
  try {
    return await argon2.verify(encoded, passphrase);
  } catch {
    return false;
  }
}
