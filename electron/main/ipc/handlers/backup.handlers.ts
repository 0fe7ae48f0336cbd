import type { BackupProgress } from '../../../common/ipc/backup.ipc';
import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';

const BACKUP_FILTER = [{ name: 'Crucible Secrets backup', extensions: ['csbackup'] }];

/**
 * The backup domain. Main chooses every path through its own dialogs; the renderer sends only ids, the
 * passphrase (once per call, never echoed) and the admin's choices.
 */
export function backupHandlers({ core, platform }: HandlerDeps): Handlers['backup'] {
  const progress = (p: BackupProgress) => platform.emit('backupProgress', p);
  return {
    status: () => core.backup.status(),
    export: async ({ deploymentIds, passphrase, confirmation }) => {
      // Refuse a weak passphrase before asking where to save.
      await core.backup.checkExportPassphrase(passphrase, confirmation, deploymentIds);
      const target = await platform.pickSaveFile('Save the encrypted backup', core.backup.defaultFileName(deploymentIds), BACKUP_FILTER);
      if (target === null) return null;
      return core.backup.exportTo(target, deploymentIds, passphrase, confirmation, progress);
    },
    saveRecoverySheet: async ({ exportId }) => {
      const sheet = core.backup.recoverySheet(exportId);
      const target = await platform.pickSaveFile('Save the printable recovery sheet', sheet.fileName, [{ name: 'Web page (print it)', extensions: ['html'] }]);
      if (target === null) return null;
      await core.backup.writeRecoverySheet(exportId, target);
      return { fileName: sheet.fileName, path: target };
    },
    pickFile: async () => {
      const path = await platform.pickOpenFile('Choose a backup file', BACKUP_FILTER);
      return path === null ? null : core.backup.registerFile(path);
    },
    verify: ({ fileId, passphrase }) => core.backup.verify(fileId, passphrase, progress),
    planRestore: ({ fileId, passphrase }) => core.backup.planRestore(fileId, passphrase, progress),
    chooseFolder: async ({ sessionId, deploymentId }) => {
      const folder = await platform.pickFolder(`Choose the folder to restore ${deploymentId} into`);
      return folder === null ? core.backup.currentPlan(sessionId) : core.backup.setFolder(sessionId, deploymentId, folder);
    },
    applyRestore: (selection) => core.backup.applyRestore(selection, progress),
    cancelRestore: ({ sessionId }) => Promise.resolve({ cancelled: core.backup.cancel(sessionId) }),
  };
}
