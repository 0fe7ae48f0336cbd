import { posix } from 'node:path';
import { AppError } from '../../common/errors';
import type { EnvDoc } from '../../core/envfile';
import { readEnvOnHost } from '../../core/envfile/on-host';
import type { FolderReader } from '../../core/fs/folder-reader';
import { hostFolderReader } from '../../core/host/folder-reader';
import { parseLocation } from '../../core/host/location';
import type { CoreServices } from '../../core/services';

/**
 * A `.env` on a server (`ssh://[user@]host[:port]/path/.env`), read through the admin's OpenSSH; `beside`
 * reads what check-env needs from the folder there while the connection is open. check-env.ts imports this
 * module only for an ssh:// file, so a local one starts without the host code (issue 20).
 * @throws AppError HOST_* (unreachable, host key), ENV_FILE_NOT_FOUND
 */
export async function readOnServer<T>(
  core: CoreServices,
  file: string,
  beside: (reader: FolderReader, doc: EnvDoc) => Promise<T>,
): Promise<{ doc: EnvDoc; beside: T }> {
  const loc = parseLocation(file, '/');
  const host = core.openHost(loc);
  try {
    const r = await readEnvOnHost(host, loc.path);
    if (r === null)
      throw new AppError('ENV_FILE_NOT_FOUND', `${posix.basename(loc.path)} does not exist on ${host.label}.`);
    const folder = posix.dirname(loc.path);
    return { doc: r.doc, beside: await beside(hostFolderReader(host, folder, folder), r.doc) };
  } finally {
    await host.close();
  }
}
