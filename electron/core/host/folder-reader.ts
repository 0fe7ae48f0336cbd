import { posix } from 'node:path';
import { AppError } from '../../common/errors';
import type { FolderReader } from '../fs/folder-reader';
import { READ_CAPS } from '../fs/read-bounded';
import { HostErrorCode } from './errors';
import type { DeploymentHost } from './host';

/**
 * A deployment folder on a server, read through its host (the admin's OpenSSH): the same bounded, regular-
 * file-only reads as on this computer (the host checks the type and the cap there), the listing, the modes
 * and git, run on the server. `label` is what messages call the folder (its ssh:// location).
 */
export function hostFolderReader(host: DeploymentHost, path: string, label: string): FolderReader {
  const abs = (rel: string) => posix.resolve(path, rel);
  const mapped = (e: unknown, rel: string): never => {
    if (!(e instanceof AppError)) throw e;
    const name = posix.basename(rel);
    if (e.code === HostErrorCode.FileNotFound)
      throw new AppError('FILE_NOT_FOUND', `${name} does not exist on ${host.label}.`);
    if (e.code === HostErrorCode.NotAFile) throw new AppError('FILE_NOT_REGULAR', e.message);
    if (e.code === HostErrorCode.FileTooLarge) throw new AppError('FILE_TOO_LARGE', e.message);
    throw e;
  };
  return {
    folder: label,
    isFile: async (rel) => (await host.stat(abs(rel)))?.kind === 'file',
    async readText(rel, kind, maxBytes) {
      try {
        return (await host.readFile(abs(rel), { maxBytes: maxBytes ?? READ_CAPS[kind] })).toString('utf8');
      } catch (e) {
        return mapped(e, rel);
      }
    },
    async list(rel) {
      try {
        return await host.list(rel === undefined ? path : abs(rel));
      } catch (e) {
        const absent =
          e instanceof AppError && (e.code === HostErrorCode.FileNotFound || e.code === HostErrorCode.NotAFolder);
        if (absent && rel !== undefined) return [];
        if (absent)
          throw new AppError(
            'AUDIT_FOLDER_UNREADABLE',
            `The deployment folder ${path} cannot be read on ${host.label}. Check that it still exists there.`,
          );
        throw e;
      }
    },
    mode: async (rel) => {
      const st = await host.stat(abs(rel));
      return st === null ? null : st.mode & 0o777;
    },
    async git(args) {
      const r = await host.run(['git', '-C', path, ...args], {
        env: { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', GIT_PAGER: 'cat' },
        timeoutMs: 15_000,
      });
      return r.code === 127 ? null : { code: r.code, stdout: r.stdout };
    },
  };
}
