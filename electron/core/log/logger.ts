import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { AppError } from '../../common/errors';
import { Redactor } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  readonly redactor: Redactor;
}

/** A sink receives finished, already-redacted lines. */
export type LogSink = (line: string) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Errors are reduced to name, code and message: stacks carry paths, and neither belongs in a shared log. */
function serialise(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof Error) {
      out[k] = { name: v.name, message: v.message, code: (v as { code?: unknown }).code };
    } else out[k] = v;
  }
  return out;
}

export function createLogger(options: {
  sink: LogSink;
  level?: LogLevel;
  clock?: () => Date;
  redactor?: Redactor;
}): Logger {
  const redactor = options.redactor ?? new Redactor();
  const min = ORDER[options.level ?? 'info'];
  const clock = options.clock ?? (() => new Date());
  const write = (level: LogLevel, event: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    let line: string;
    try {
      line = JSON.stringify({ t: clock().toISOString(), level, event, ...serialise(fields ?? {}) });
    } catch {
      line = JSON.stringify({ t: clock().toISOString(), level, event, note: 'fields not serialisable' });
    }
    options.sink(redactor.redact(line));
  };
  return {
    redactor,
    debug: (e, f) => write('debug', e, f),
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
  };
}

/** `O_NOFOLLOW` where the platform has it (not on Windows, where the lstat check stands alone). */
const NOFOLLOW = (constants.O_NOFOLLOW as number | undefined) ?? 0;

function symlinkRefused(path: string): AppError {
  return new AppError(
    'FS_SYMLINK_REFUSED',
    `The log file ${basename(path)} is a symbolic link; the app only writes to a regular file in its own folder. Delete the link (${path}) and start again.`,
  );
}

/** Throws FS_SYMLINK_REFUSED when `path` exists and is a symbolic link. */
function refuseSymlink(path: string): void {
  try {
    if (lstatSync(path).isSymbolicLink()) throw symlinkRefused(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * Appends to a 0600 file; the folder is created 0700. Synchronous so a crash never loses the last line.
 * The file is opened with `O_NOFOLLOW` and an existing file is set back to 0600, so a symbolic link planted
 * in the app home cannot redirect the log (or loosen its mode).
 * @throws AppError FS_SYMLINK_REFUSED when the log path is a symbolic link (at creation and on any write).
 */
export function fileSink(path: string): LogSink {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  refuseSymlink(path);
  return (line) => {
    if (NOFOLLOW === 0) refuseSymlink(path);
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefused(path);
      throw e;
    }
    try {
      if ((fstatSync(fd).mode & 0o777) !== 0o600) fchmodSync(fd, 0o600);
      writeSync(fd, line + '\n');
    } finally {
      closeSync(fd);
    }
  };
}

export const nullSink: LogSink = () => undefined;

/** Collects lines in memory: for tests that look for canary secrets. */
export function memorySink(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  const sink = ((line: string) => {
    lines.push(line);
  }) as LogSink & { lines: string[] };
  sink.lines = lines;
  return sink;
}
