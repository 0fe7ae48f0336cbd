import { z } from 'zod';
import { Finding, Severity } from '../model/finding';
import { Environment } from '../model/deployment';
import { channel, NoRequest, req } from './contract';

/**
 * The audit domain: run an audit of a registered deployment, preview and apply one of its safe fixes,
 * read and tick the security checklist, export the report (main opens the save dialog), and the dashboard.
 * Nothing here carries a secret value: findings, diffs (secret lines withheld) and checklist evidence only.
 */
const deploymentId = z.string().min(1).max(64);
const fixId = z.string().min(1).max(300);

const Counts = z.object({
  critical: z.number().int(),
  error: z.number().int(),
  warning: z.number().int(),
  info: z.number().int(),
});

export const AuditResultView = z.object({
  deploymentId: z.string(),
  checkedAt: z.string(),
  files: z.array(z.string()),
  findings: z.array(Finding),
  counts: Counts,
  durationMs: z.number(),
});
export type AuditResultView = z.infer<typeof AuditResultView>;

export const FixPreview = z.object({
  fixId: z.string(),
  title: z.string(),
  file: z.string(),
  kind: z.enum(['edit', 'chmod']),
  /** Unified diff (edit) or the mode change (chmod). */
  diff: z.string(),
  /** Identifies exactly the previewed change; apply refuses another. */
  token: z.string(),
});
export type FixPreview = z.infer<typeof FixPreview>;

export const ChecklistStatus = z.enum(['pass', 'fail', 'todo', 'done', 'due', 'overdue', 'unknown']);
export type ChecklistStatus = z.infer<typeof ChecklistStatus>;

/**
 * What an item's "done" rests on (core/checklist/evaluate.ts): `verified` by evidence the app can show,
 * `manual` = ticked by the admin with a note, `failing` = evidence against it, `todo`, `unknown` (no audit).
 */
export const ChecklistState = z.enum(['verified', 'manual', 'failing', 'todo', 'unknown']);
export type ChecklistState = z.infer<typeof ChecklistState>;

export const ChecklistItemView = z.object({
  id: z.string(),
  list: z.enum(['environment', 'pre-production', 'ongoing']),
  title: z.string(),
  help: z.string(),
  mode: z.enum(['evaluated', 'manual', 'ongoing']),
  status: ChecklistStatus,
  state: ChecklistState,
  /** One sentence: the evidence, the admin's tick and note, or what is missing. */
  basis: z.string(),
  evidence: z.array(z.string()),
  tick: z.object({ checkedAt: z.string(), note: z.string().optional() }).optional(),
  periodDays: z.number().int().optional(),
  dueAt: z.string().optional(),
});
export type ChecklistItemView = z.infer<typeof ChecklistItemView>;

export const ChecklistView = z.object({ items: z.array(ChecklistItemView), auditedAt: z.string().nullable() });
export type ChecklistView = z.infer<typeof ChecklistView>;

export const DashboardEntryView = z.object({
  deployment: z.object({ id: z.string(), name: z.string(), environment: Environment }),
  counts: Counts.nullable(),
  worst: Severity.nullable(),
  checkedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** Items by state (verified by evidence apart from ticked by the admin) and the ongoing items due/overdue. */
  checklist: z.object({
    verified: z.number().int(),
    manual: z.number().int(),
    failing: z.number().int(),
    todo: z.number().int(),
    unknown: z.number().int(),
    due: z.number().int(),
    overdue: z.number().int(),
  }),
  /** Secrets past their maximum age (overdue) or within two weeks of it (due), by variable name (rotation policy). */
  rotations: z.object({ overdue: z.array(z.string()), due: z.array(z.string()) }),
  /** The newest `backup.exported` journal entry of this deployment; null = never backed up. */
  newestBackupAt: z.string().nullable(),
  newestBackupAgeDays: z.number().int().nullable(),
  activeIncident: z.boolean(),
});
export type DashboardEntryView = z.infer<typeof DashboardEntryView>;

export const auditChannels = {
  run: channel('audit', 'run', req({ deploymentId }), AuditResultView),
  previewFix: channel('audit', 'previewFix', req({ deploymentId, fixId }), FixPreview),
  applyFix: channel(
    'audit',
    'applyFix',
    req({ deploymentId, fixId, token: z.string().min(1).max(128) }),
    z.object({ file: z.string(), backupKept: z.boolean(), audit: AuditResultView }),
  ),
  checklist: channel('audit', 'checklist', req({ deploymentId }), ChecklistView),
  /** Ticking (done) needs a note saying what was done (CHECKLIST_NOTE_REQUIRED otherwise); clearing takes none. */
  tick: channel(
    'audit',
    'tick',
    req({ deploymentId, itemId: z.string().min(1).max(64), done: z.boolean(), note: z.string().max(500).optional() }),
    ChecklistView,
  ),
  exportReport: channel(
    'audit',
    'exportReport',
    req({ deploymentId, format: z.enum(['markdown', 'html']) }),
    z.object({ saved: z.boolean(), fileName: z.string().optional() }),
  ),
  dashboard: channel('audit', 'dashboard', NoRequest, z.object({ deployments: z.array(DashboardEntryView) })),
};
