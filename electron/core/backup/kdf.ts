import { hash as argon2Hash, argon2id } from 'argon2';
import { createHmac } from 'node:crypto';
import { AppError } from '../../common/errors';
import { BackupErrorCode } from './errors';
import type { KdfParams } from './format';

/** Argon2id defaults for every export (RFC 9106 §4 "second recommended option": 64 MiB, t = 3, p = 4). */
export const DEFAULT_KDF: Readonly<KdfParams> = Object.freeze({ memoryKiB: 64 * 1024, iterations: 3, parallelism: 4 });

/**
 * Bounds checked before the KDF runs. The upper bounds stop a crafted file from making the app allocate
 * gigabytes or spin for minutes; the lower bounds stop an export (or a downgraded file) from being cheap to
 * brute-force.
 */
export const KDF_BOUNDS = Object.freeze({
  minMemoryKiB: 64 * 1024,
  maxMemoryKiB: 1024 * 1024,
  minIterations: 3,
  maxIterations: 10,
  minParallelism: 1,
  maxParallelism: 16,
  /** memory × iterations, in KiB·passes: 1 GiB × 4 or 64 MiB × 10 at most (a few seconds on a laptop). */
  maxWork: 4 * 1024 * 1024,
});

/**
 * Lower bounds that only tests may use (Argon2's own minimum): lets a byte-flip sweep run thousands of
 * decryptions. Never reachable from the app, the IPC or the CLI: only an explicit `weakKdfForTests` option.
 */
const TEST_BOUNDS = Object.freeze({ ...KDF_BOUNDS, minMemoryKiB: 8, minIterations: 1 });

export interface KdfPolicy {
  /** Tests only: accept Argon2's minimum parameters. */
  weakKdfForTests?: boolean;
}

/**
 * Refuses parameters outside the bounds; runs before any KDF so a crafted file cannot hang the app.
 * @throws AppError BACKUP_UNSAFE_PARAMETERS
 */
export function assertKdfParams(p: KdfParams, policy: KdfPolicy = {}): void {
  const b = policy.weakKdfForTests === true ? TEST_BOUNDS : KDF_BOUNDS;
  const ok =
    Number.isInteger(p.memoryKiB) &&
    Number.isInteger(p.iterations) &&
    Number.isInteger(p.parallelism) &&
    p.parallelism >= b.minParallelism &&
    p.parallelism <= b.maxParallelism &&
    p.memoryKiB >= Math.max(b.minMemoryKiB, 8 * p.parallelism) &&
    p.memoryKiB <= b.maxMemoryKiB &&
    p.iterations >= b.minIterations &&
    p.iterations <= b.maxIterations &&
    p.memoryKiB * p.iterations <= b.maxWork;
  if (!ok) {
    throw new AppError(
      BackupErrorCode.UnsafeParameters,
      `This backup asks for key-derivation parameters outside the accepted range (memory ${p.memoryKiB} KiB, ${p.iterations} iterations, ${p.parallelism} lanes). It was not opened; it was not made by this app or was crafted.`,
    );
  }
}

/** Passphrases are compared as NFKC so the same words typed on another keyboard or OS give the same key. */
export function normalisePassphrase(passphrase: string): Buffer {
  return Buffer.from(passphrase.normalize('NFKC'), 'utf8');
}

export interface DerivedKeys {
  /** AES-256-GCM key: Argon2id output bytes 0..31. */
  encKey: Buffer;
  /** HMAC-SHA256 key for the key check: output bytes 32..63. */
  macKey: Buffer;
}

/**
 * Argon2id(passphrase NFKC UTF-8, salt, m, t, p, version 0x13, tag length 64). Runs on libuv's thread pool
 * (the argon2 addon is asynchronous), so the event loop stays free while it works.
 * @throws AppError BACKUP_UNSAFE_PARAMETERS before any work when the parameters are out of bounds.
 */
export async function deriveKeys(
  passphrase: string,
  salt: Buffer,
  params: KdfParams,
  policy: KdfPolicy = {},
): Promise<DerivedKeys> {
  assertKdfParams(params, policy);
  const out = await argon2Hash(normalisePassphrase(passphrase), {
    raw: true,
    type: argon2id,
    version: 0x13,
    salt,
    hashLength: 64,
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
  });
  const keys = { encKey: Buffer.from(out.subarray(0, 32)), macKey: Buffer.from(out.subarray(32, 64)) };
  out.fill(0);
  return keys;
}

/** The key check stored in the header: HMAC-SHA256(macKey, header bytes before it). */
export function keyCheck(macKey: Buffer, headerPrefix: Buffer): Buffer {
  return createHmac('sha256', macKey).update(headerPrefix).digest();
}
