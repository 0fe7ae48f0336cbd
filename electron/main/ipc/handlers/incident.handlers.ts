import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';
import type { FileFilter } from '../platform';

const FILTERS: Record<'markdown' | 'html', FileFilter[]> = {
  markdown: [{ name: 'Markdown', extensions: ['md'] }],
  html: [{ name: 'Web page (print it)', extensions: ['html'] }],
};

/** The incident runbook. Reports are written where the admin chose in main's save dialog. */
export function incidentHandlers({ core, platform }: HandlerDeps): Handlers['incident'] {
  const s = core.incident;
  return {
    list: async () => ({ incidents: await s.list() }),
    active: async () => ({ incidents: await s.active() }),
    get: ({ id }) => s.view(id),
    start: ({ deploymentId, title }) => s.start(deploymentId, title),
    tick: ({ id, itemId, outcome, note }) => s.tick(id, itemId, outcome, note),
    untick: ({ id, itemId }) => s.untick(id, itemId),
    answer: ({ id, answers }) => s.answer(id, answers),
    addTimeline: ({ id, at, text }) => s.addTimeline(id, { at, text }),
    removeTimeline: ({ id, entryId }) => s.removeTimeline(id, entryId),
    setNoticeExtra: ({ id, text }) => s.setNoticeExtra(id, text),
    completeStep: ({ id, step, override }) => s.completeStep(id, step, override),
    planRotation: ({ id, variables }) => s.planRotation(id, variables),
    rotateNext: ({ id }) => s.rotateNext(id),
    close: ({ id, summary }) => s.close(id, summary),
    copyNotice: async ({ id }) => {
      platform.clipboard.writeText(await s.notice(id));
      return { copied: true };
    },
    exportReport: async ({ id, format }) => {
      const { baseName } = await s.report(id);
      const name = `${baseName}.${format === 'html' ? 'html' : 'md'}`;
      const target = await platform.pickSaveFile(
        format === 'html' ? 'Save the printable incident report' : 'Save the incident report (Markdown)',
        name,
        FILTERS[format],
      );
      if (target === null) return { file: null, view: await s.view(id) };
      const view = await s.exportReport(id, format, target);
      return { file: target.split(/[\\/]/).pop() ?? name, view };
    },
  };
}
