import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError, isAppError } from '../../common/errors';
import { writeFileAtomic } from '../fs/atomic-write';
import { controlledEnv } from './env';
import { HostErrorCode } from './errors';
import type { DeploymentHost, HostFileStat, RunOptions, RunResult, WriteOptions } from './host';
import { DEFAULT_READ_CAP, DEFAULT_RUN_TIMEOUT_MS, formatBytes } from './defaults';
import { keepPreviousVersion } from '../fs/previous-versions';
import { locationLabel, type Location } from './location';
import { spawnCapture, toRunResult } from './spawn-capture';

/**
 * The DeploymentHost of a deployment on this computer: commands through `spawn` with argv, files through
 * Node's fs with the same refusals as over SSH (regular files only, a size cap, atomic writes).
 */

export interface LocalHostOptions {
  /** The environment commands start from (default process.env), before the controlled removals. */
  env?: NodeJS.ProcessEnv;
  /** The stack profile's variable names: removed from every command's environment. */
  profileNames?: readonly string[];
  clock?: () => Date;
}

function kindOf(st: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): HostFileStat['kind'] {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  return 'other';
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

export class LocalHost implements DeploymentHost {
  readonly label: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly profileNames: readonly string[];
  private readonly clock: () => Date;

  constructor(
    readonly location: Extract<Location, { kind: 'local' }>,
    options: LocalHostOptions = {},
  ) {
    this.label = locationLabel(location);
    this.env = options.env ?? process.env;
    this.profileNames = options.profileNames ?? [];
    this.clock = options.clock ?? (() => new Date());
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file, ...args] = argv;
    if (file === undefined || file === '') return { code: 127, stdout: '', stderr: 'no command given\n' };
    const r = await spawnCapture(file, args, {
      cwd: options.cwd ?? this.location.path,
      env: { ...controlledEnv(this.env, this.profileNames), ...options.env },
      stdin: options.stdin,
      timeoutMs: options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS,
      stdoutFile: options.stdoutFile,
      stdoutEncryptTo: options.stdoutEncryptTo,
    });
    return toRunResult(r);
  }

  /**
   * Reads a regular file: a symlink, FIFO or device is refused before it is opened, and again after (the
   * file could be swapped in between: O_NOFOLLOW refuses a link, O_NONBLOCK keeps a FIFO from hanging us).
   * @throws AppError HOST_FILE_NOT_FOUND, HOST_NOT_A_FILE, HOST_FILE_TOO_LARGE, HOST_READ_FAILED
   */
  async readFile(path: string, options: { maxBytes?: number } = {}): Promise<Buffer> {
    const cap = options.maxBytes ?? DEFAULT_READ_CAP;
    const name = basename(path);
    let st;
    try {
      st = await fsp.lstat(path);
    } catch (e) {
      throw readError(e, path);
    }
    if (!st.isFile()) throw notAFile(name, kindOf(st));
    if (st.size > cap) throw tooLarge(name, cap);
    let fh;
    try {
      fh = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (e) {
      if (errno(e) === 'ELOOP') throw notAFile(name, 'symlink');
      throw readError(e, path);
    }
    try {
      const now = await fh.stat();
      if (!now.isFile()) throw notAFile(name, kindOf(now));
      if (now.size > cap) throw tooLarge(name, cap);
      // Read to the end, but never more than one byte past the cap: a file that grew since fstat is read
      // whole or refused, never cut at its old size.
      const chunks: Buffer[] = [];
      let got = 0;
      while (got <= cap) {
        const chunk = Buffer.alloc(Math.min(64 * 1024, cap + 1 - got));
        const { bytesRead } = await fh.read(chunk, 0, chunk.length, got);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        got += bytesRead;
      }
      if (got > cap) throw tooLarge(name, cap);
      return Buffer.concat(chunks);
    } catch (e) {
      throw isAppError(e) ? e : readError(e, path);
    } finally {
      await fh.close();
    }
  }

  async stat(path: string): Promise<HostFileStat | null> {
    try {
      const st = await fsp.lstat(path);
      return { kind: kindOf(st), size: st.size, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs };
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return null;
      throw readError(e, path);
    }
  }

  /**
   * Atomic replacement through fs/atomic-write.ts (temp file in the same folder, fsync, rename, folder
   * fsync), the owner of the previous file kept where permitted, and its content copied to
   * `keepPreviousIn` first.
   * @throws AppError HOST_FILE_CHANGED, HOST_NOT_A_FILE, HOST_NOT_A_FOLDER, HOST_WRITE_FAILED
   */
  async writeFileAtomic(
    path: string,
    data: string | Buffer,
    options: WriteOptions = {},
  ): Promise<{ previousKeptAs: string | null }> {
    const name = basename(path);
    const current = await this.stat(path);
    if (current !== null && current.kind !== 'file') throw notAFile(name, current.kind);
    let kept: string | null = null;
    if (current !== null && options.keepPreviousIn != null) kept = await this.keepCopy(path, options.keepPreviousIn);
    try {
      await writeFileAtomic(path, data, {
        mode: options.mode ?? 0o600,
        keepPrevious: false,
        preserveOwner: true,
        ...(options.expectedSha256 !== undefined ? { expectedSha256: options.expectedSha256 } : {}),
      });
    } catch (e) {
      if (kept !== null) await fsp.unlink(kept).catch(() => undefined);
      if (!isAppError(e))
        throw new AppError(
          HostErrorCode.WriteFailed,
          `Could not write ${name} (${errno(e) ?? 'error'}). The previous file is unchanged.`,
        );
      if (e.code === 'FS_CHANGED_ON_DISK') throw new AppError(HostErrorCode.FileChanged, e.message);
      if (e.code === 'FS_SYMLINK_REFUSED' || e.code === 'FS_NOT_A_FILE')
        throw new AppError(HostErrorCode.NotAFile, e.message);
      throw new AppError(HostErrorCode.WriteFailed, e.message);
    }
    return { previousKeptAs: kept };
  }

  /** Keeps the current file's bytes in `dir` (fs/previous-versions.ts: 0600 in a 0700 folder, pruned). */
  private async keepCopy(path: string, dir: string): Promise<string> {
    try {
      return await keepPreviousVersion(dir, basename(path), await fsp.readFile(path), this.clock);
    } catch (e) {
      if (isAppError(e)) throw e;
      throw new AppError(
        HostErrorCode.WriteFailed,
        `Could not keep the previous version of ${basename(path)} in ${dir} (${errno(e) ?? 'error'}). Nothing was written.`,
      );
    }
  }

  async list(dir: string): Promise<string[]> {
    try {
      return (await fsp.readdir(dir)).sort();
    } catch (e) {
      if (errno(e) === 'ENOENT')
        throw new AppError(HostErrorCode.FileNotFound, `The folder ${dir} does not exist on ${this.label}.`);
      if (errno(e) === 'ENOTDIR') throw new AppError(HostErrorCode.NotAFolder, `${dir} is not a folder.`);
      throw readError(e, dir);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function notAFile(name: string, kind: HostFileStat['kind']): AppError {
  const what =
    kind === 'symlink'
      ? 'a symbolic link'
      : kind === 'dir'
        ? 'a folder'
        : 'not a regular file (a FIFO, socket or device)';
  return new AppError(
    HostErrorCode.NotAFile,
    `${name} is ${what}; the app reads and writes regular files only. Replace it with the file itself.`,
  );
}

function tooLarge(name: string, cap: number): AppError {
  return new AppError(
    HostErrorCode.FileTooLarge,
    `${name} is larger than ${formatBytes(cap)}, the most the app reads; it is not the file it expects. Check the path.`,
  );
}

function readError(e: unknown, path: string): AppError {
  if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR')
    return new AppError(HostErrorCode.FileNotFound, `${path} does not exist.`);
  if (errno(e) === 'EACCES' || errno(e) === 'EPERM')
    return new AppError(
      HostErrorCode.ReadFailed,
      `Permission denied reading ${path}: run the app as a user who may read it.`,
    );
  return new AppError(HostErrorCode.ReadFailed, `Could not read ${path} (${errno(e) ?? 'error'}).`);
}
