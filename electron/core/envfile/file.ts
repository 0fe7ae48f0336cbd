import { basename } from 'node:path';
import { AppError, type ErrorCode } from '../../common/errors';
import { readBoundedFile } from '../fs/read-bounded';
import { sha256, writeFileAtomic, type AtomicWriteResult, type FsOps } from '../fs/atomic-write';
import { keepPreviousVersion } from '../fs/previous-versions';
import { applyEnvChanges, type ApplyResult } from './edit';
import { MAX_ENV_CHARS, parseEnv, type ParseOptions } from './parse';
import type { EnvChange, EnvDoc } from './types';

/** Files above this size are not read at all (a `.env` is a few kilobytes). */
const MAX_READ_BYTES = 64 * 1024 * 1024;

export interface ReadEnvResult {
  doc: EnvDoc;
  /** SHA-256 (hex) of the bytes read: pass it back as `expectedSha256` when writing. */
  sha256: string;
  bytes: number;
}

/** The 1-based line of the first byte sequence that is not valid UTF-8, or null. */
function firstInvalidUtf8Line(buf: Buffer): number | null {
  const dec = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  while (start <= buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    try {
      dec.decode(buf.subarray(start, end));
    } catch {
      return line;
    }
    line++;
    start = end + 1;
  }
  return null;
}

/**
 * Decodes `.env` bytes. Invalid UTF-8 and oversize input become fatal problems of the document (with a
 * line number), never an exception, so check-env can report them.
 */
export function decodeEnvBytes(buf: Buffer, options: ParseOptions = {}): EnvDoc {
  if (buf.length > MAX_ENV_CHARS) {
    return {
      text: '',
      bom: false,
      eol: 'none',
      entries: [],
      problems: [
        {
          code: 'ENV_TOO_LARGE',
          fatal: true,
          line: 1,
          message: `The file is ${(buf.length / (1024 * 1024)).toFixed(1)} MiB; a .env file is a few kilobytes, so the app does not read it.`,
        },
      ],
    };
  }
  const bad = firstInvalidUtf8Line(buf);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(buf);
  if (bad === null) return parseEnv(text, options);
  const doc = parseEnv(text, { ...options, skipPythonComparison: true });
  doc.problems.unshift({
    code: 'ENV_NOT_UTF8',
    fatal: true,
    line: bad,
    message: `Line ${bad} is not valid UTF-8 (binary data or another encoding). Save the file as UTF-8.`,
  });
  return doc;
}

/**
 * Reads and parses a `.env` file, with the SHA-256 of its bytes for change detection.
 * @throws AppError ENV_FILE_NOT_FOUND, ENV_NOT_A_FILE (also a symlink or FIFO), ENV_TOO_LARGE (over 64 MiB),
 *   ENV_READ_FAILED.
 */
export async function readEnvFile(path: string, options: ParseOptions = {}): Promise<ReadEnvResult> {
  const buf = await readEnvBytes(path);
  if (buf === null) throw new AppError('ENV_FILE_NOT_FOUND', `${basename(path)} does not exist.`);
  return { doc: decodeEnvBytes(buf, options), sha256: sha256(buf), bytes: buf.length };
}

/**
 * The bytes of a `.env` through the bounded reader (only a regular file, no symlink, no FIFO, at most
 * 64 MiB: a larger one is reported as ENV_TOO_LARGE without being read), or null when it does not exist.
 */
async function readEnvBytes(path: string): Promise<Buffer | null> {
  try {
    return await readBoundedFile(path, 'env', { maxBytes: MAX_READ_BYTES });
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    if (e.code === 'FILE_NOT_FOUND') return null;
    throw new AppError(ENV_CODE[e.code] ?? 'ENV_READ_FAILED', e.message);
  }
}

const ENV_CODE: Partial<Record<ErrorCode, ErrorCode>> = {
  FILE_NOT_REGULAR: 'ENV_NOT_A_FILE',
  FILE_TOO_LARGE: 'ENV_TOO_LARGE',
};

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
