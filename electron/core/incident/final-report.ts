import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Incident } from '../../common/model/incident';
import { writeFileAtomic } from '../fs/atomic-write';
import { requireDeployment } from '../inventory/inventory';
import type { Journal } from '../journal/journal';
import type { AppState } from '../store/schema';
import { renderNotice } from './notice';
import { buildReport, reportHtml, reportMarkdown, type ReportDoc } from './report';
import { renderRunbook } from './runbook';

/**
 * Rendering an incident's report (for an export, and the final report closing writes) and writing the final
 * report to the app home. Split from incident.service.ts so the service stays about state transitions.
 */

export interface RenderedReport {
  doc: ReportDoc;
  markdown: string;
  html: string;
  /** A file name without extension: `incident-<date>-<id>`. */
  baseName: string;
}

export interface ReportContext {
  journal: Journal;
  clock: () => Date;
  /** The logger's redactor. */
  redact: (text: string) => string;
  /** Teaches the redactor the deployment's current values (from the keychain). */
  learnSecrets: (deploymentId: string) => Promise<unknown>;
  /** The app home; the final report goes to its `incidents` folder. */
  home: string;
}

/**
 * The report of `inc`, which need not be saved yet (closing renders the closed incident before saving it).
 * @throws AppError DEPLOYMENT_UNKNOWN
 */
export async function renderIncidentReport(
  ctx: ReportContext,
  inc: Incident,
  state: AppState,
): Promise<RenderedReport> {
  const dep = requireDeployment(state, inc.deploymentId);
  // Make sure the redactor knows the deployment's current values before anything is rendered.
  await ctx.learnSecrets(inc.deploymentId);
  const items = renderRunbook({ deployment: dep, incident: inc, now: ctx.clock() });
  const notice = renderNotice({ incident: inc, deploymentName: dep.name });
  const [entries, check] = await Promise.all([
    ctx.journal.read({ deploymentId: inc.deploymentId }),
    ctx.journal.verify().catch(() => null),
  ]);
  const doc = buildReport({
    incident: inc,
    deployment: dep,
    items,
    journal: entries,
    journalCheck: check,
    secrets: state.secrets[inc.deploymentId] ?? {},
    notice,
    generatedAt: ctx.clock(),
    redact: ctx.redact,
  });
  return {
    doc,
    markdown: reportMarkdown(doc, ctx.redact),
    html: reportHtml(doc, ctx.redact),
    baseName: `incident-${inc.openedAt.slice(0, 10)}-${inc.id.replace(/^inc-/, '')}`,
  };
}

/**
 * Writes the final report of a closed incident as Markdown and printable HTML to `<home>/incidents` (folder
 * 0700, files 0600, atomically) and answers with the two paths.
 * @throws AppError DEPLOYMENT_UNKNOWN, FS_* when a file cannot be written
 */
export async function writeFinalReport(
  ctx: ReportContext,
  inc: Incident,
  state: AppState,
): Promise<NonNullable<Incident['finalReport']>> {
  const r = await renderIncidentReport(ctx, inc, state);
  const dir = join(ctx.home, 'incidents');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = { markdown: join(dir, `${r.baseName}.md`), html: join(dir, `${r.baseName}.html`) };
  await writeFileAtomic(paths.markdown, r.markdown, { mode: 0o600, keepPrevious: false });
  await writeFileAtomic(paths.html, r.html, { mode: 0o600, keepPrevious: false });
  return paths;
}
