import { basename, join } from 'node:path';
import { AppError } from '../../common/errors';
import { readEnvFile, writeEnvFile } from '../envfile';

/**
 * Writes the `.env` follow-ups of the front door (the public https origin for CORS and the frontend URL)
 * with issue 3's `.env` editor: only these two statements change, comments and every other byte stay,
 * the file is replaced atomically with mode 0600, its previous version kept under the app home (`keepIn`).
 */
export const ENV_ORIGIN_KEYS = ['ROUNDTABLE_CORS_ORIGINS', 'ROUNDTABLE_FRONTEND_URL'] as const;

/**
 * Refuses anything but `https://name[:port]` before a file is written.
 * @throws AppError PROXY_BAD_URL
 */
export function assertHttpsOrigin(origin: string): void {
  if (!/^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/.test(origin))
    throw new AppError('PROXY_BAD_URL', 'The public origin must be https://name[:port].');
}

/**
 * @throws AppError PROXY_NO_ENV when the folder has no `.env` (run setup first); FS_CHANGED_ON_DISK,
 *   ENV_* and FS_* from the editor (nothing written).
 */
export async function applyEnvFollowUps(
  folder: string,
  origin: string,
  keepIn: string,
): Promise<{ changed: string[]; backupName: string | null }> {
  assertHttpsOrigin(origin);
  const path = join(folder, '.env');
  let read;
  try {
    read = await readEnvFile(path);
  } catch (e) {
    if (e instanceof AppError && e.code === 'ENV_FILE_NOT_FOUND')
      throw new AppError(
        'PROXY_NO_ENV',
        'The folder has no .env yet. Create it with the setup first; the origin values are then added to it.',
      );
    throw e;
  }
  const r = await writeEnvFile(
    path,
    ENV_ORIGIN_KEYS.map((key) => ({ op: 'set' as const, key, value: origin })),
    { expectedSha256: read.sha256, keepPreviousIn: keepIn },
  );
  return { changed: [...ENV_ORIGIN_KEYS], backupName: r.backupPath === null ? null : basename(r.backupPath) };
}
