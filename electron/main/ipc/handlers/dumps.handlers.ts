import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';

/** The Backup page's database dumps: list, delete, decrypt to a path chosen in the save dialog. */
export function dumpsHandlers({ core, platform }: HandlerDeps): Handlers['dumps'] {
  return {
    list: async ({ deploymentId }) => ({
      folder: core.dumps.folder(deploymentId),
      dumps: await core.dumps.list(deploymentId),
    }),
    remove: async ({ deploymentId, id }) => {
      await core.dumps.remove(deploymentId, id);
      return { removed: id };
    },
    decrypt: async ({ deploymentId, id }) => {
      const path = await platform.pickSaveFile(
        'Save the decrypted database dump (plain SQL: delete it once restored)',
        id.replace(/\.age$/, ''),
        [{ name: 'SQL', extensions: ['sql'] }],
      );
      if (path === null) return { savedTo: null };
      await core.dumps.decrypt(deploymentId, id, path);
      return { savedTo: path };
    },
  };
}
