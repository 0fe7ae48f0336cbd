import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../common/errors';

/**
 * The one way core reads a file it did not write itself (issue 19): only a regular file, never through a
 * symlink, never blocking on a FIFO or a device, and never more than the cap of its kind. A hostile folder
 * can plant `.env` as a FIFO (a plain read waits forever), as a link to `/dev/zero` (a read never ends) or
 * as a 400 MB sparse file (a read takes the memory): each is refused with an error naming the cap.
 */

/** What is being read; each kind has its own cap (docs/security.md "Input limits"). */
export type ReadKind = 'env' | 'compose' | 'gitignore' | 'backup' | 'export-json';

const MiB = 1024 * 1024;

/**
 * The largest file of each kind that is read. A `.env` is a few kilobytes and a compose file tens of
 * kilobytes (the YAML library needs about a second for 1 MiB of services; the largest real ones are ~30 KiB); a backup is bounded by its format (format.ts MAX_CIPHERTEXT_LENGTH, well under 64 MiB); the
 * provider-keys export holds one row per user.
 */
export const READ_CAPS: Readonly<Record<ReadKind, number>> = {
  env: 1 * MiB,
  compose: 512 * 1024,
  gitignore: 1 * MiB,
  backup: 64 * MiB,
  'export-json': 64 * MiB,
};

const LABEL: Record<ReadKind, string> = {
  env: '.env file',
  compose: 'compose file',
  gitignore: '.gitignore',
  backup: 'backup file',
  'export-json': 'export file',
};

const flags = constants as Partial<typeof constants>;
/** O_NOFOLLOW: the last path component must not be a symlink; O_NONBLOCK: opening a FIFO does not wait for a writer. */
const OPEN_FLAGS = constants.O_RDONLY | (flags.O_NOFOLLOW ?? 0) | (flags.O_NONBLOCK ?? 0);

function sizeText(bytes: number): string {
  return bytes >= MiB ? `${String(Math.round((bytes / MiB) * 10) / 10)} MiB` : `${String(Math.ceil(bytes / 1024))} KiB`;
}

export interface BoundedReadOptions {
  /** Overrides the kind's cap (tests use a small one). */
  maxBytes?: number;
}

/**
 * Reads a regular file of a known kind, whole, up to its cap.
 * @throws AppError FILE_NOT_FOUND when it does not exist; FILE_NOT_REGULAR for a symlink, FIFO, device,
 *   socket or folder; FILE_TOO_LARGE naming the cap; FILE_READ_FAILED for any other I/O error (with its code).
 */
export async function readBoundedFile(path: string, kind: ReadKind, options: BoundedReadOptions = {}): Promise<Buffer> {
  const cap = options.maxBytes ?? READ_CAPS[kind];
  const name = basename(path);
  const label = LABEL[kind];
  const notRegular = () =>
    new AppError(
      'FILE_NOT_REGULAR',
      `${name} is not a regular file (a link, pipe, device or folder), so it is not read as a ${label}. Replace it with the file itself.`,
    );
  const tooLarge = () =>
    new AppError(
      'FILE_TOO_LARGE',
      `${name} is larger than ${sizeText(cap)}, the most a ${label} may be, so it is not read. Check that it is the right file.`,
    );
  const failed = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return new AppError('FILE_NOT_FOUND', `${name} does not exist.`);
    if (code === 'ELOOP' || code === 'EMLINK') return notRegular(); // O_NOFOLLOW on a symlink (EMLINK on FreeBSD)
    return new AppError(
      'FILE_READ_FAILED',
      `${name} could not be read (${code ?? 'error'}). Check that it exists and that you may read it.`,
    );
  };
  // lstat first: Windows has no O_NOFOLLOW, and it refuses a FIFO without even opening it.
  const link = await lstat(path).catch((e: unknown) => {
    throw failed(e);
  });
  if (!link.isFile()) throw notRegular();
  if (link.size > cap) throw tooLarge();
  const handle = await open(path, OPEN_FLAGS).catch((e: unknown) => {
    throw failed(e);
  });
  try {
    // fstat of what was opened: the path may have been swapped between lstat and open.
    const st = await handle.stat();
    if (!st.isFile()) throw notRegular();
    if (st.size > cap) throw tooLarge();
    // Read at most cap + 1 bytes whatever the size said: a file growing while read (or a filesystem that
    // reports 0, like /proc) still cannot take more than the cap.
    const buf = Buffer.allocUnsafe(Math.min(cap + 1, Math.max(st.size, 64 * 1024)));
    let total = 0;
    let chunk = buf;
    for (;;) {
      if (total === chunk.length) {
        if (chunk.length > cap) break;
        const bigger = Buffer.allocUnsafe(Math.min(cap + 1, chunk.length * 2));
        chunk.copy(bigger, 0, 0, total);
        chunk = bigger;
      }
      const { bytesRead } = await handle.read(chunk, total, chunk.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    if (total > cap) throw tooLarge();
    return chunk.subarray(0, total);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw failed(e);
  } finally {
    await handle.close();
  }
}

/** {@link readBoundedFile} decoded as UTF-8 (invalid bytes become U+FFFD). Same errors. */
export async function readBoundedText(path: string, kind: ReadKind, options: BoundedReadOptions = {}): Promise<string> {
  return (await readBoundedFile(path, kind, options)).toString('utf8');
}
