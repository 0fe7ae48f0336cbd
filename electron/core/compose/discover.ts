import { isAbsolute, relative } from 'node:path';
import { AppError } from '../../common/errors';
import { READ_CAPS } from '../fs/read-bounded';
import { localFolderReader, type FolderReader } from '../fs/folder-reader';
import { DEFAULT_COMPOSE_FILES, isComposeFileName, OVERRIDE_COMPOSE_FILES } from './file-names';
import type { Lookup } from './interpolate';

/**
 * Finding the compose files of a deployment and reading their text, as `docker compose` does (parsing them
 * is load.ts; nothing here loads the YAML library, so the CLI's check-env can look for them without it):
 * - with an explicit list (`-f a.yml -f b.yml`, or the deployment's recorded files): exactly those, in order;
 * - else `COMPOSE_FILE` from the project `.env` (split on `COMPOSE_PATH_SEPARATOR`, default `:`, `;` on Windows);
 * - else the first of DEFAULT_COMPOSE_FILES (compose.yaml, ..., docker-compose.yml), plus the first of
 *   OVERRIDE_COMPOSE_FILES (compose.override.yaml, ..., docker-compose.override.yml) that exists.
 */

/**
 * The largest compose file read. Real ones are tens of kilobytes; the YAML library alone needs about 2.5 s
 * for a 3.5 MB file (45,000 services), so the cap bounds time as much as memory (read-bounded.ts).
 * parse-file.ts applies the same cap to text it is given directly.
 */
export const MAX_COMPOSE_BYTES = READ_CAPS.compose;

/** A folder path here, or a reader of a folder anywhere (fs/folder-reader.ts; a server: host/folder-reader.ts). */
export function composeFolderReader(folder: string | FolderReader): FolderReader {
  return typeof folder === 'string' ? localFolderReader(folder, { gitBinary: null }) : folder;
}

/**
 * Every compose file in the folder by its name (file-names.ts), sorted: the defaults, overrides and
 * `docker-compose.prod.yml` alike, whether or not compose would read it. [] when the folder cannot be listed.
 */
export async function listComposeFiles(where: string | FolderReader): Promise<string[]> {
  const names = await composeFolderReader(where)
    .list()
    .catch(() => [] as string[]);
  return names.filter(isComposeFileName).sort();
}

/**
 * Reads one compose file's text through the reader, capped at {@link MAX_COMPOSE_BYTES}.
 * @throws AppError COMPOSE_TOO_LARGE (naming the cap), COMPOSE_READ_FAILED (missing, a link, pipe or device).
 */
export async function readComposeText(reader: FolderReader, file: string): Promise<string> {
  try {
    return await reader.readText(file, 'compose', MAX_COMPOSE_BYTES);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    // Kept as compose codes (the audit's finding and the setup step name them); the message names the cap.
    if (e.code === 'FILE_TOO_LARGE') throw new AppError('COMPOSE_TOO_LARGE', e.message);
    throw new AppError('COMPOSE_READ_FAILED', e.message);
  }
}

export interface DiscoverOptions {
  explicit?: readonly string[];
  lookup?: Lookup;
  platform?: NodeJS.Platform;
}

/**
 * The compose files to read, relative to the folder, in merge order.
 * @throws AppError COMPOSE_NOT_FOUND when none exists (or an explicitly named one is missing).
 */
export async function discoverComposeFiles(
  where: string | FolderReader,
  options: DiscoverOptions = {},
): Promise<string[]> {
  const reader = composeFolderReader(where);
  const folder = reader.folder;
  const isFile = (rel: string) => reader.isFile(rel);
  let explicit = options.explicit && options.explicit.length > 0 ? [...options.explicit] : undefined;
  const fromEnv = options.lookup?.('COMPOSE_FILE');
  if (!explicit && fromEnv) {
    const sep =
      options.lookup?.('COMPOSE_PATH_SEPARATOR') ?? ((options.platform ?? process.platform) === 'win32' ? ';' : ':');
    explicit = fromEnv.split(sep).filter((s) => s.trim() !== '');
  }
  if (explicit) {
    for (const f of explicit) {
      if (!(await isFile(f)))
        throw new AppError(
          'COMPOSE_NOT_FOUND',
          `The compose file ${f} does not exist in the deployment folder. Check the deployment's compose file list.`,
        );
    }
    return explicit.map((f) => (isAbsolute(f) && typeof where === 'string' ? relative(folder, f) : f));
  }
  for (const f of DEFAULT_COMPOSE_FILES) {
    if (await isFile(f)) {
      const out: string[] = [f];
      for (const o of OVERRIDE_COMPOSE_FILES) {
        if (await isFile(o)) {
          out.push(o);
          break;
        }
      }
      return out;
    }
  }
  throw new AppError(
    'COMPOSE_NOT_FOUND',
    `No compose file (${DEFAULT_COMPOSE_FILES.join(', ')}) in the deployment folder. Choose the Crucible checkout folder.`,
  );
}
