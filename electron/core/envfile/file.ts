import { basename } from 'node:path';
import { AppError } from '../../common/errors';
import { sha256, writeFileAtomic, type AtomicWriteResult, type FsOps } from '../fs/atomic-write';
import { keepPreviousVersion } from '../fs/previous-versions';
import { applyEnvChanges, type ApplyResult } from './edit';
import { parseEnv, type ParseOptions } from './parse';
import { decodeEnvBytes, readEnvBytes, readEnvDoc } from './read';
import type { EnvChange, EnvDoc } from './types';

export interface ReadEnvResult {
  doc: EnvDoc;
  /** SHA-256 (hex) of the bytes read: pass it back as `expectedSha256` when writing. */
  sha256: string;
  bytes: number;
}

/**
 * Reads and parses a `.env` file, with the SHA-256 of its bytes for change detection.
 * @throws AppError ENV_FILE_NOT_FOUND, ENV_NOT_A_FILE (also a symlink or FIFO), ENV_TOO_LARGE (over 64 MiB),
 *   ENV_READ_FAILED.
 */
export async function readEnvFile(path: string, options: ParseOptions = {}): Promise<ReadEnvResult> {
  const { doc, buf } = await readEnvDoc(path, options);
  return { doc, sha256: sha256(buf), bytes: buf.length };
}

export interface WriteEnvOptions {
  /**
   * SHA-256 of the content the change was based on (from {@link readEnvFile}); null to create a file that
   * must not exist yet. Required: a file changed on disk since it was read is never overwritten.
   */
  expectedSha256: string | null;
  /**
   * Folder for the previous version (fs/previous-versions.ts: the app home, never the deployment folder, where
   * a plaintext copy could reach git). null: none kept.
   */
  keepPreviousIn: string | null;
  clock?: () => Date;
  fs?: FsOps;
}

export interface WriteEnvResult extends ApplyResult, AtomicWriteResult {
  /** SHA-256 of the new content. */
  sha256: string;
}

/**
 * Applies changes to a `.env` file atomically (temp file in the same folder, fsync, rename, mode 0600,
 * previous version kept in `keepPreviousIn`). Only the managed statements change.
 * @throws AppError FS_CHANGED_ON_DISK when the file no longer matches `expectedSha256`; ENV_PARSE_ERROR,
 *   ENV_UNSAFE_VALUE, ENV_INVALID_KEY (nothing written); FS_WRITE_FAILED / FS_SYMLINK_REFUSED from the writer.
 */
export async function writeEnvFile(
  path: string,
  changes: readonly EnvChange[],
  options: WriteEnvOptions,
): Promise<WriteEnvResult> {
  const buf = await readEnvBytes(path);
  const current = buf === null ? null : sha256(buf);
  if (current !== options.expectedSha256) {
    throw new AppError(
      'FS_CHANGED_ON_DISK',
      `${basename(path)} changed on disk since it was read. Nothing was written; reload it and apply your change again.`,
    );
  }
  const doc = buf === null ? parseEnv('') : decodeEnvBytes(buf);
  const applied = applyEnvChanges(doc.text, changes, doc);
  // Kept before the write: a failed write then leaves both the old file and its copy.
  const kept =
    buf !== null && options.keepPreviousIn !== null
      ? await keepPreviousVersion(options.keepPreviousIn, basename(path), buf, options.clock)
      : null;
  const written = await writeFileAtomic(path, applied.text, {
    expectedSha256: options.expectedSha256,
    mode: 0o600,
    keepPrevious: false,
    clock: options.clock,
    fs: options.fs,
  });
  return { ...applied, ...written, backupPath: kept, sha256: sha256(applied.text) };
}
