import { constants } from 'node:fs';
import { access, lstat, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { AppError } from '../../common/errors';
import type { AtomicWriteResult } from './atomic-write';

/**
 * All or nothing for a command that writes several files (issue 19): every target is checked before the
 * first byte is written, and what was written is taken back when a later write fails. The atomic writer
 * already refuses a symlink, but only when it gets to that file, after the earlier ones exist.
 */

/**
 * Checks that `path` can be written by writeFileAtomic: not a symlink, not a folder or device, in an
 * existing folder we may write to.
 * @throws AppError FS_SYMLINK_REFUSED, FS_NOT_A_FILE, FS_FOLDER_MISSING, FS_NOT_WRITABLE.
 */
export async function assertWritableTarget(path: string): Promise<void> {
  const name = basename(path);
  const st = await lstat(path).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError(
      'FS_NOT_WRITABLE',
      `${name} cannot be checked (${(e as NodeJS.ErrnoException).code ?? 'error'}). Choose another place.`,
    );
  });
  if (st?.isSymbolicLink())
    throw new AppError(
      'FS_SYMLINK_REFUSED',
      `${name} is a symbolic link; the app only writes regular files. Choose another name, or replace the link with a file.`,
    );
  if (st && !st.isFile())
    throw new AppError('FS_NOT_A_FILE', `${name} exists and is not a regular file. Choose another name.`);
  const dir = dirname(path);
  const folder = await stat(dir).catch(() => null);
  if (!folder?.isDirectory())
    throw new AppError(
      'FS_FOLDER_MISSING',
      `The folder for ${name} does not exist. Create it first or choose another place.`,
    );
  await access(dir, constants.W_OK).catch(() => {
    throw new AppError('FS_NOT_WRITABLE', `You may not write in the folder for ${name}. Choose another place.`);
  });
}

/**
 * Checks every target of a multi-file write, and that no two are the same file.
 * @throws AppError FS_SAME_TARGET, or any error of {@link assertWritableTarget}.
 */
export async function assertWritableTargets(paths: readonly string[]): Promise<void> {
  if (new Set(paths).size !== paths.length)
    throw new AppError('FS_SAME_TARGET', 'Two of the files to write have the same name. Give each its own.');
  for (const p of paths) await assertWritableTarget(p);
}

/**
 * Takes back one atomic write: the kept previous version goes back into place, or the new file is removed
 * when there was none. Best effort by design (it runs while another error is reported); returns whether
 * the file is back as it was.
 */
export async function undoAtomicWrite(written: AtomicWriteResult): Promise<boolean> {
  try {
    if (written.backupPath !== null) await rename(written.backupPath, written.path);
    else await unlink(written.path);
    return true;
  } catch {
    return false;
  }
}
