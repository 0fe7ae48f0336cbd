import * as fsp from 'node:fs/promises';
import { constants } from 'node:fs';
import { randomBytes, createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../common/errors';

/**
 * Atomic file replacement (ARCHITECTURE.md §4 `fs/`): write a temp file in the same folder, fsync it,
 * keep the previous version as a timestamped backup, rename over the target, fsync the folder. A failure
 * at any step leaves the original untouched and no temp file behind.
 */

/** The filesystem operations used, injectable so tests can fail each step. */
export interface FsOps {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  unlink: typeof fsp.unlink;
  copyFile: typeof fsp.copyFile;
  lstat: typeof fsp.lstat;
  readdir: typeof fsp.readdir;
  chmod: typeof fsp.chmod;
  chown: typeof fsp.chown;
}

export const realFs: FsOps = {
  open: fsp.open,
  rename: fsp.rename,
  unlink: fsp.unlink,
  copyFile: fsp.copyFile,
  lstat: fsp.lstat,
  readdir: fsp.readdir,
  chmod: fsp.chmod,
  chown: fsp.chown,
};

export interface AtomicWriteOptions {
  /** File mode of the new file. Default 0600: everything we write may hold secrets. */
  mode?: number;
  /** Keep the replaced file as `<name>.bak-<timestamp>` beside it. Default true. */
  keepPrevious?: boolean;
  /** How many backups of this file to keep (oldest removed first). Default 5. */
  maxBackups?: number;
  /**
   * Refuse to replace the file if it no longer matches what was read: pass the SHA-256 (hex) of the
   * content the caller based its change on, or null to require that the file does not exist.
   */
  expectedSha256?: string | null;
  /**
   * fsync the folder after the rename, so that the rename itself survives a power cut. Default true; only
   * a file whose older version is as good after a crash may skip it (the journal's head).
   */
  syncFolder?: boolean;
  /**
   * Give the new file the owner and group of the file it replaces, where permitted (root, or a group the
   * process is in). Default false. A deployment's `.env` may belong to another account than the app's.
   */
  preserveOwner?: boolean;
  clock?: () => Date;
  fs?: FsOps;
}

export interface AtomicWriteResult {
  path: string;
  backupPath: string | null;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Timestamp safe in file names on every OS. */
function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.(\d{3})Z$/, '$1Z');
}

export function backupPrefix(target: string): string {
  return `${basename(target)}.bak-`;
}

async function currentHash(ops: FsOps, path: string): Promise<string | null> {
  try {
    const fh = await ops.open(path, constants.O_RDONLY | ((constants.O_NOFOLLOW as number | undefined) ?? 0));
    try {
      return sha256(await fh.readFile());
    } finally {
      await fh.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Refuses to write through a symlink (target or its replacement could point anywhere); the owner when it exists. */
async function assertNotSymlink(ops: FsOps, path: string): Promise<{ uid: number; gid: number } | null> {
  try {
    const st = await ops.lstat(path);
    if (st.isSymbolicLink())
      throw new AppError(
        'FS_SYMLINK_REFUSED',
        `${basename(path)} is a symbolic link; the app only writes regular files. Replace the link with the file itself.`,
      );
    if (!st.isFile()) throw new AppError('FS_NOT_A_FILE', `${basename(path)} is not a regular file.`);
    return { uid: st.uid, gid: st.gid };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Replaces `target` with `data` atomically.
 * @throws AppError FS_CHANGED_ON_DISK when `expectedSha256` no longer matches; FS_SYMLINK_REFUSED;
 *   FS_WRITE_FAILED for any I/O failure (the original is intact).
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<AtomicWriteResult> {
  const ops = options.fs ?? realFs;
  const mode = options.mode ?? 0o600;
  const dir = dirname(target);
  const owner = await assertNotSymlink(ops, target);
  const exists = owner !== null;

  if (options.expectedSha256 !== undefined) {
    const now = exists ? await currentHash(ops, target) : null;
    if (now !== options.expectedSha256) {
      throw new AppError(
        'FS_CHANGED_ON_DISK',
        `${basename(target)} changed on disk since it was read. Nothing was written; reload it and apply your change again.`,
      );
    }
  }

  const tmp = join(dir, `.${basename(target)}.tmp-${randomBytes(6).toString('hex')}`);
  let backupPath: string | null = null;
  try {
    const fh = await ops.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await ops.chmod(tmp, mode); // the umask may have narrowed or the FS ignored the open mode
    if (options.preserveOwner === true && owner !== null) {
      // Not permitted (EPERM) for an unprivileged process giving the file away: it stays ours, as documented.
      await ops.chown(tmp, owner.uid, owner.gid).catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
      });
    }
    if (exists && options.keepPrevious !== false) {
      backupPath = join(dir, `${backupPrefix(target)}${stamp((options.clock ?? (() => new Date()))())}`);
      await ops.copyFile(target, backupPath, constants.COPYFILE_EXCL);
      await ops.chmod(backupPath, 0o600);
    }
    await ops.rename(tmp, target);
  } catch (e) {
    await ops.unlink(tmp).catch(() => undefined);
    if (backupPath) await ops.unlink(backupPath).catch(() => undefined);
    if (e instanceof AppError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new AppError(
      'FS_WRITE_FAILED',
      `Could not write ${basename(target)} (${code}). The previous file is unchanged.`,
    );
  }
  // Make the rename durable. Some platforms cannot fsync a folder; the write itself already succeeded.
  if (options.syncFolder !== false) {
    try {
      const dh = await ops.open(dir, constants.O_RDONLY);
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    } catch {
      /* best effort */
    }
  }
  // Only a write that kept a copy can have pushed the count over the limit.
  if (backupPath !== null) await pruneBackups(ops, target, options.maxBackups ?? 5);
  return { path: target, backupPath };
}

/** Lists the kept backups of a file, newest first. */
export async function listBackups(target: string, ops: FsOps = realFs): Promise<string[]> {
  const prefix = backupPrefix(target);
  const names = (await ops.readdir(dirname(target))).filter((n) => n.startsWith(prefix));
  return names
    .sort()
    .reverse()
    .map((n) => join(dirname(target), n));
}

async function pruneBackups(ops: FsOps, target: string, max: number): Promise<void> {
  const all = await listBackups(target, ops).catch(() => []);
  for (const old of all.slice(max)) await ops.unlink(old).catch(() => undefined);
}
