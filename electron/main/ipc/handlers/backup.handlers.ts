import type { BackupProgress } from '../../../common/ipc/backup.ipc';
import { createGeneratedPassphrases } from '../../../core/backup/generated-passphrase';
import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';

const BACKUP_FILTER = [{ name: 'Crucible Secrets backup', extensions: ['csbackup'] }];

/**
 * The backup domain. Main chooses every path through its own dialogs; the renderer sends only ids, the
 * passphrase (once per call, never echoed) and the admin's choices.
 */
export function backupHandlers({ core, platform }: HandlerDeps): Handlers['backup'] {
  const progress = (p: BackupProgress) => platform.emit('backupProgress', p);
  const generated = createGeneratedPassphrases();
  // The commands of the last restore, for their Copy buttons (not secret: folders and compose files).
  const applyCommands = new Map<string, string>();
  return {
    status: () => core.backup.status(),
    // Nothing is logged or journalled: the value goes to the admin who clicked, once.
    // Registered with the redactor all the same, so that it is masked should any later error or log quote it.
    generatePassphrase: async () => {
      const g = await generated.generate();
      core.logger.redactor.register(g.passphrase);
      return g;
    },
    copyGeneratedPassphrase() {
      const { clearsAt } = core.clipboardGuard.copy(platform.clipboard, generated.forCopy());
      return Promise.resolve({ clearsAt: clearsAt.toISOString() });
    },
    export: async ({ deploymentIds, passphrase, confirmation }) => {
      // A typed passphrase is a secret too: never in a log line, never copied through app.copyCommand.
      core.logger.redactor.register(passphrase);
      // Refuse a weak passphrase before asking where to save.
      await core.backup.checkExportPassphrase(passphrase, confirmation, deploymentIds);
      const target = await platform.pickSaveFile(
        'Save the encrypted backup',
        core.backup.defaultFileName(deploymentIds),
        BACKUP_FILTER,
      );
      if (target === null) return null;
      const result = await core.backup.exportTo(target, deploymentIds, passphrase, confirmation, progress);
      generated.forget();
      return result;
    },
    saveRecoverySheet: async ({ exportId }) => {
      const sheet = core.backup.recoverySheet(exportId);
      const target = await platform.pickSaveFile('Save the printable recovery sheet', sheet.fileName, [
        { name: 'Web page (print it)', extensions: ['html'] },
      ]);
      if (target === null) return null;
      await core.backup.writeRecoverySheet(exportId, target);
      return { fileName: sheet.fileName, path: target };
    },
    pickFile: async () => {
      const path = await platform.pickOpenFile('Choose a backup file', BACKUP_FILTER);
      return path === null ? null : core.backup.registerFile(path);
    },
    verify: ({ fileId, passphrase }) => {
      core.logger.redactor.register(passphrase);
      return core.backup.verify(fileId, passphrase, progress);
    },
    planRestore: ({ fileId, passphrase }) => {
      core.logger.redactor.register(passphrase);
      return core.backup.planRestore(fileId, passphrase, progress);
    },
    chooseFolder: async ({ sessionId, deploymentId }) => {
      const folder = await platform.pickFolder(`Choose the folder to restore ${deploymentId} into`);
      return folder === null
        ? core.backup.currentPlan(sessionId)
        : core.backup.setFolder(sessionId, deploymentId, folder);
    },
    applyRestore: async (selection) => {
      const result = await core.backup.applyRestore(selection, progress);
      applyCommands.clear();
      for (const d of result.deployments) if (d.applyCommand !== null) applyCommands.set(d.id, d.applyCommand);
      return result;
    },
    copyApplyCommand: ({ deploymentId }) => {
      const command = applyCommands.get(deploymentId);
      if (command !== undefined) platform.clipboard.writeText(command);
      return Promise.resolve({ copied: command !== undefined });
    },
    cancelRestore: ({ sessionId }) => Promise.resolve({ cancelled: core.backup.cancel(sessionId) }),
  };
}
