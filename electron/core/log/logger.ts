import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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

export function createLogger(options: { sink: LogSink; level?: LogLevel; clock?: () => Date; redactor?: Redactor }): Logger {
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

/** Appends to a 0600 file; the folder is created 0700. Synchronous so a crash never loses the last line. */
export function fileSink(path: string): LogSink {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  return (line) => appendFileSync(path, line + '\n', { mode: 0o600 });
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
