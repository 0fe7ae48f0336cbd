import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';

const FILTERS = {
  markdown: [{ name: 'Markdown', extensions: ['md'] }],
  html: [{ name: 'Web page (print it)', extensions: ['html'] }],
};

/** The audit domain: everything goes through core.audit; the save dialog for the report is main's. */
export function auditHandlers({ core, platform }: HandlerDeps): Handlers['audit'] {
  return {
    run: ({ deploymentId }) => core.audit.run(deploymentId),
    previewFix: ({ deploymentId, fixId }) => core.audit.previewFix(deploymentId, fixId),
    applyFix: async ({ deploymentId, fixId, token }) => {
      const { applied, audit } = await core.audit.applyFix(deploymentId, fixId, token);
      return { file: applied.file, backupKept: applied.backupPath !== null, audit };
    },
    checklist: ({ deploymentId }) => core.audit.checklist(deploymentId),
    tick: ({ deploymentId, itemId, done, note }) => core.audit.tick(deploymentId, itemId, done, note),
    exportReport: async ({ deploymentId, format }) => {
      const report = await core.audit.report(deploymentId, format);
      const path = await platform.pickSaveFile('Save the audit report', report.fileName, FILTERS[format]);
      if (path === null) return { saved: false };
      return { saved: true, ...(await core.audit.exportReport(deploymentId, format, path, report)) };
    },
    dashboard: async () => ({ deployments: await core.audit.dashboard() }),
  };
}
