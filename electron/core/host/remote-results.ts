import { posix } from 'node:path';
import { AppError } from '../../common/errors';
import { HostErrorCode } from './errors';
import type { HostFileStat } from './host';
import { formatBytes } from './defaults';
import { ScriptExit } from './remote-scripts';
import type { Captured } from './spawn-capture';

/**
 * What the remote scripts' answers mean (remote-scripts.ts): their exit statuses as AppErrors that say what
 * to do, and the stat line as a HostFileStat.
 */

/** The AppError for a file operation that ran on the server and did not succeed. */
export function scriptError(r: Captured, p: string, label: string, op: 'read' | 'write', keep = ''): AppError {
  const name = posix.basename(p);
  const why = lastLine(r.stderr.toString('utf8'));
  if (r.timedOut)
    return new AppError(
      op === 'read' ? HostErrorCode.ReadFailed : HostErrorCode.WriteFailed,
      `${label} did not answer in time while the app ${op === 'read' ? 'read' : 'wrote'} ${p}.${op === 'write' ? ' The previous file is unchanged unless the server finished on its own; check it.' : ''}`,
    );
  switch (r.code) {
    case ScriptExit.NotFound:
      return new AppError(HostErrorCode.FileNotFound, `${p} does not exist on ${label}.`);
    case ScriptExit.Symlink:
      return new AppError(
        HostErrorCode.NotAFile,
        `${name} on ${label} is a symbolic link; the app reads and writes regular files only. Replace the link with the file itself.`,
      );
    case ScriptExit.Folder:
      return new AppError(HostErrorCode.NotAFile, `${p} on ${label} is a folder, not a file.`);
    case ScriptExit.Special:
      return new AppError(
        HostErrorCode.NotAFile,
        `${name} on ${label} is not a regular file (a FIFO, socket or device); the app reads and writes regular files only.`,
      );
    case ScriptExit.Changed:
      return new AppError(
        HostErrorCode.FileChanged,
        `${name} on ${label} changed since it was read. Nothing was written; reload it and apply your change again.`,
      );
    case ScriptExit.KeepFailed:
      return new AppError(
        HostErrorCode.WriteFailed,
        `Could not keep the previous version of ${name} in ${keep} on ${label}${why ? ` (${why})` : ''}. Nothing was written.`,
      );
    case ScriptExit.TempFailed:
      return new AppError(
        HostErrorCode.WriteFailed,
        `Could not create a temporary file next to ${name} on ${label}${why ? ` (${why})` : ''}: the app needs write permission on the folder. Nothing was written.`,
      );
    case ScriptExit.Incomplete:
      return new AppError(
        HostErrorCode.WriteFailed,
        `The new ${name} did not arrive whole on ${label} (connection interrupted or disk full). The previous file is unchanged.`,
      );
    default:
      return new AppError(
        op === 'read' ? HostErrorCode.ReadFailed : HostErrorCode.WriteFailed,
        `Could not ${op} ${p} on ${label}${why ? ` (${why})` : ` (exit status ${r.code})`}.${op === 'write' ? ' The previous file is unchanged.' : ''}`,
      );
  }
}

export function tooLarge(p: string, cap: number): AppError {
  return new AppError(
    HostErrorCode.FileTooLarge,
    `${posix.basename(p)} is larger than ${formatBytes(cap)}, the most the app reads; it is not the file it expects. Check the path.`,
  );
}

/** The last non-empty line of a stream, shortened: the reason shown in a message (never file content). */
function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return (lines[lines.length - 1] ?? '').trim().slice(0, 200);
}

/** `rawmode-hex|size|uid|gid|mtime-seconds|mtime-text` → HostFileStat. */
export function parseStat(line: string, p: string): HostFileStat {
  const [rawMode, size, uid, gid, secs, text] = line.trim().split('|');
  const mode = Number.parseInt(rawMode ?? '', 16);
  if (Number.isNaN(mode) || size === undefined || uid === undefined || gid === undefined || secs === undefined)
    throw new AppError(HostErrorCode.ReadFailed, `The server's stat answer for ${p} was not understood.`);
  const type = mode & 0o170000;
  const kind: HostFileStat['kind'] =
    type === 0o100000 ? 'file' : type === 0o040000 ? 'dir' : type === 0o120000 ? 'symlink' : 'other';
  // %Y is whole seconds everywhere; %y carries the fraction ("2026-12-06 01:39:53.763804656 +0000").
  const frac = /\.(\d{1,9})/.exec(text ?? '')?.[1] ?? '';
  const ms = frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  return {
    kind,
    size: Number(size),
    mode: mode & 0o7777,
    uid: Number(uid),
    gid: Number(gid),
    mtimeMs: Number(secs) * 1000 + ms,
  };
}
