import { readFile, stat, unlink } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import { AppError } from '../../common/errors';
import { sha256, writeFileAtomic, type FsOps } from '../fs/atomic-write';
import { keepPreviousVersion } from '../fs/previous-versions';
import type { DeploymentHost } from '../host/host';

/**
 * The files setup writes (`.env`, compose files, `.gitignore`), where the deployment lives: this computer's
 * filesystem, or a server through its host. The commit (commit.ts) decides what to write and undoes it on
 * failure; this only reads, writes atomically and removes.
 */
export interface SetupFiles {
  /** SHA-256 of the file now, or null when it does not exist. */
  sha(path: string): Promise<string | null>;
  /** Permission bits, or null when it does not exist. */
  mode(path: string): Promise<number | null>;
  /**
   * Writes atomically, refusing when the file no longer has `expectedSha256` (null: must not exist). The
   * previous version, if any, is kept on this computer in `keepIn` (fs/previous-versions.ts: under the app
   * home, never beside the file where git could pick it up); none when `keepIn` is null.
   * @returns where the previous version was kept (null when none was kept)
   */
  write(
    path: string,
    content: string,
    o: { expectedSha256: string | null; mode: number; keepIn: string | null },
  ): Promise<{ backupPath: string | null }>;
  remove(path: string): Promise<void>;
}

/** This computer: the atomic writer, with the same `fs` operations (tests fail each step through them). */
export function localSetupFiles(o: { fs?: FsOps; clock?: () => Date } = {}): SetupFiles {
  const current = (path: string): Promise<Buffer | null> =>
    readFile(path).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    });
  return {
    sha: async (path) => {
      const b = await current(path);
      return b === null ? null : sha256(b);
    },
    mode: (path) =>
      stat(path).then(
        (s) => s.mode & 0o777,
        () => null,
      ),
    async write(path, content, w) {
      const before = w.keepIn === null ? null : await current(path);
      const backupPath =
        before === null || w.keepIn === null
          ? null
          : await keepPreviousVersion(w.keepIn, basename(path), before, o.clock);
      await writeFileAtomic(path, content, {
        expectedSha256: w.expectedSha256,
        fs: o.fs,
        clock: o.clock,
        mode: w.mode,
        keepPrevious: false,
      });
      return { backupPath };
    },
    remove: (path) => unlink(path),
  };
}

/** A server: every read and write through the host (atomic there, owner kept); previous versions kept here. */
export function hostSetupFiles(host: DeploymentHost, clock: () => Date = () => new Date()): SetupFiles {
  const current = async (path: string): Promise<Buffer | null> => {
    try {
      return await host.readFile(path, { maxBytes: 4 * 1024 * 1024 });
    } catch (e) {
      if (e instanceof AppError && e.code === 'HOST_FILE_NOT_FOUND') return null;
      throw e;
    }
  };
  return {
    sha: async (path) => {
      const b = await current(path);
      return b === null ? null : sha256(b);
    },
    mode: async (path) => (await host.stat(path))?.mode ?? null,
    async write(path, content, w) {
      const before = w.keepIn === null ? null : await current(path);
      const backupPath =
        before === null || w.keepIn === null
          ? null
          : await keepPreviousVersion(w.keepIn, posix.basename(path), before, clock);
      await host.writeFileAtomic(path, content, {
        mode: w.mode,
        expectedSha256: w.expectedSha256,
        keepPreviousIn: null,
      });
      return { backupPath };
    },
    async remove(path) {
      const r = await host.run(['rm', '-f', '--', path]);
      if (r.code !== 0)
        throw new AppError(
          'SETUP_REMOVE_FAILED',
          `${posix.basename(path)} on ${host.label} could not be removed (exit ${r.code}).`,
        );
    },
  };
}
