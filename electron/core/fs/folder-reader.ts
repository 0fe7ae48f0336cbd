import { lstat, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { READ_CAPS, readBoundedText, type ReadKind } from './read-bounded';

/**
 * How the audit and the compose loader read a deployment folder: on this computer, or on a server through
 * its host (host/folder-reader.ts). Paths are relative to the folder. Reads are bounded (a cap per kind) and
 * refuse anything but a regular file; a missing file is FILE_NOT_FOUND.
 */
export interface FolderReader {
  /** What the folder is, for messages and for resolving relative paths ("/srv/crucible", "ssh://…"). */
  readonly folder: string;
  isFile(rel: string): Promise<boolean>;
  /** @throws AppError FILE_NOT_FOUND, FILE_NOT_REGULAR, FILE_TOO_LARGE, FILE_READ_FAILED */
  readText(rel: string, kind: ReadKind, maxBytes?: number): Promise<string>;
  /** Names in the folder (or a subfolder); [] when it does not exist. @throws AppError AUDIT_FOLDER_UNREADABLE for the folder itself */
  list(rel?: string): Promise<string[]>;
  /** Permission bits without following links; null when absent (or on Windows). */
  mode(rel: string): Promise<number | null>;
  /** `git -C folder …`; null when git is not installed there (or turned off). */
  git(args: string[]): Promise<{ code: number; stdout: string } | null>;
}

/** The folder on this computer. `gitBinary: null` turns the git checks off (tests, machines without git). */
export function localFolderReader(
  folder: string,
  options: { gitBinary?: string | null; platform?: NodeJS.Platform } = {},
): FolderReader {
  const platform = options.platform ?? process.platform;
  const bin = options.gitBinary === undefined ? 'git' : options.gitBinary;
  return {
    folder,
    isFile: (rel) =>
      stat(resolve(folder, rel)).then(
        (s) => s.isFile(),
        () => false,
      ),
    readText: (rel, kind, maxBytes) =>
      readBoundedText(resolve(folder, rel), kind, { maxBytes: maxBytes ?? READ_CAPS[kind] }),
    async list(rel) {
      try {
        return await readdir(rel === undefined ? folder : join(folder, rel));
      } catch {
        if (rel !== undefined) return [];
        throw new AppError(
          'AUDIT_FOLDER_UNREADABLE',
          'The deployment folder cannot be read. Check that it still exists and that you may read it.',
        );
      }
    },
    async mode(rel) {
      if (platform === 'win32') return null;
      return lstat(join(folder, rel)).then(
        (s) => s.mode & 0o777,
        () => null,
      );
    },
    async git(args) {
      if (bin === null) return null;
      // Loaded on first use: the CLI's check-env reads a folder without git and starts faster (issue 20).
      const { execFile } = await import('node:child_process');
      return new Promise((done) => {
        execFile(
          bin,
          ['-C', folder, ...args],
          { timeout: 5000, maxBuffer: 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } },
          (err, stdout) => {
            if (err && typeof err.code !== 'number') return done(null); // not installed, timed out
            done({ code: err ? Number(err.code) : 0, stdout });
          },
        );
      });
    },
  };
}
