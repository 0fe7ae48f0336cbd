import { basename } from 'node:path';
import { AppError, type ErrorCode } from '../../common/errors';
import { readBoundedFile } from '../fs/read-bounded';
import { MAX_ENV_CHARS, parseEnv, tooLargeDoc, type ParseOptions } from './parse';
import type { EnvDoc } from './types';

/*
 * Reading a `.env` file's bytes and decoding them. file.ts adds the SHA-256 the writer needs; this module
 * loads no node:crypto (nor the writer), so the CLI's check-env reads a file without them (issue 20).
 */

/** Files above this size are not read at all (a `.env` is a few kilobytes). */
const MAX_READ_BYTES = 64 * 1024 * 1024;

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
  if (buf.length > MAX_ENV_CHARS)
    return tooLargeDoc(
      '',
      false,
      `The file is ${(buf.length / (1024 * 1024)).toFixed(1)} MiB; a .env file is a few kilobytes, so the app does not read it.`,
    );
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
 * Reads and parses a `.env` file; `buf` is its bytes (file.ts `readEnvFile` adds their SHA-256 for writing back).
 * @throws AppError ENV_FILE_NOT_FOUND, ENV_NOT_A_FILE (also a symlink or FIFO), ENV_TOO_LARGE (over 64 MiB),
 *   ENV_READ_FAILED.
 */
export async function readEnvDoc(path: string, options: ParseOptions = {}): Promise<{ doc: EnvDoc; buf: Buffer }> {
  const buf = await readEnvBytes(path);
  if (buf === null) throw new AppError('ENV_FILE_NOT_FOUND', `${basename(path)} does not exist.`);
  return { doc: decodeEnvBytes(buf, options), buf };
}

/**
 * The bytes of a `.env` through the bounded reader (only a regular file, no symlink, no FIFO, at most
 * 64 MiB: a larger one is reported as ENV_TOO_LARGE without being read), or null when it does not exist.
 */
export async function readEnvBytes(path: string): Promise<Buffer | null> {
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
