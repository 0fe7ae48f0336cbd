import { z } from 'zod';
import { INCIDENT_STEPS } from './incident-steps';

/**
 * An incident as the app records it (issue 9): the six steps of the security guide's "If Compromised"
 * list, the admin's ticks, answers and timeline, the rotation progress, and the closing summary.
 * Never a secret value: admin text is checked against known secrets before it is stored
 * (core/incident/incident.service.ts), and rotation progress holds names and generations only.
 */

export { INCIDENT_STEPS, STEP_TITLES } from './incident-steps';
export const StepId = z.enum(INCIDENT_STEPS);
export type StepId = z.infer<typeof StepId>;

const isoDate = z.string().min(10);
/** Free text typed by the admin. Bounded so a report stays printable. */
export const AdminText = z.string().trim().max(4000);

export const ItemId = z
  .string()
  .regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/)
  .max(80);

export const ItemKind = z.enum(['action', 'evidence', 'check', 'rotation', 'export']);
export type ItemKind = z.infer<typeof ItemKind>;

/** One runbook item as core/incident/runbook.ts fills it in for a deployment (no values, only commands). */
export const RunbookItem = z.object({
  id: z.string(),
  step: StepId,
  /** A required item must be done or skipped (with a reason) before its step can be completed. */
  required: z.boolean(),
  /**
   * What an essential item promises (e.g. "every chosen secret rotated"), or null. A step whose essential
   * item is skipped, failed or not done completes only with an override and its reason (machine.ts).
   */
  essential: z.string().nullable(),
  kind: ItemKind,
  title: z.string(),
  /** Why, and what to look for. */
  detail: z.string(),
  /** Exact commands, run from the deployment folder. */
  commands: z.array(z.string()),
});
export type RunbookItem = z.infer<typeof RunbookItem>;

/** One ticked (done) or skipped (not applicable, with why) item. */
export const ItemTick = z.object({
  at: isoDate,
  outcome: z.enum(['done', 'skipped']),
  note: AdminText.optional(),
});
export type ItemTick = z.infer<typeof ItemTick>;

/** A step completed although an essential item was not done: who decided it, why, and what was left. */
export const StepOverride = z.object({
  at: isoDate,
  reason: AdminText.min(1),
  /** The unmet promises in words (e.g. "every chosen secret rotated: 0 of 6 rotated"). */
  unmet: z.array(z.string().max(500)),
});
export type StepOverride = z.infer<typeof StepOverride>;

export const StepState = z.object({
  startedAt: isoDate.nullable(),
  completedAt: isoDate.nullable(),
  /** Set when the step was completed with an override (records written before it have none). */
  override: StepOverride.nullable().default(null),
});
export type StepState = z.infer<typeof StepState>;

/** The Assess questions. `secrets` are variable names the admin believes exposed. */
export const AssessAnswers = z.object({
  whatExposed: AdminText,
  /** Since when (ISO date-time, UTC), as far as the admin knows. */
  since: isoDate.nullable(),
  secrets: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).max(100),
  users: AdminText,
});
export type AssessAnswers = z.infer<typeof AssessAnswers>;

export const TimelineEntry = z.object({
  id: z.string().regex(/^t[0-9]+$/),
  /** When it happened (may be before the incident was opened). */
  at: isoDate,
  text: AdminText.min(1),
  /** When the admin wrote it down. */
  recordedAt: isoDate,
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const RotationItemStatus = z.enum(['pending', 'rotated', 'failed', 'skipped']);
export const RotationProgressItem = z.object({
  variable: z.string(),
  status: RotationItemStatus,
  /** The generation the secret reached (store/schema.ts SecretMeta.generation). */
  generation: z.number().int().min(1).nullable(),
  at: isoDate.nullable(),
  /** The error code and safe message of a failure, or why it was skipped. */
  reason: z.string().max(500).nullable(),
});
export type RotationProgressItem = z.infer<typeof RotationProgressItem>;

/** The Rotate step's run: the selection in dependency order and how far it got (resumable). */
export const RotationProgress = z.object({
  startedAt: isoDate,
  finishedAt: isoDate.nullable(),
  items: z.array(RotationProgressItem),
});
export type RotationProgress = z.infer<typeof RotationProgress>;

export const IncidentStatus = z.enum(['active', 'closed']);

export const Incident = z.object({
  id: z.string().regex(/^inc-[a-z0-9-]+$/),
  deploymentId: z.string(),
  title: AdminText.min(1).max(200),
  openedAt: isoDate,
  closedAt: isoDate.nullable(),
  status: IncidentStatus,
  summary: AdminText.nullable(),
  steps: z.record(StepId, StepState),
  /** item id → tick. Item ids are defined by core/incident/runbook.ts. */
  ticks: z.record(z.string(), ItemTick),
  answers: AssessAnswers,
  timeline: z.array(TimelineEntry),
  rotation: RotationProgress.nullable(),
  /** The admin's additions to the user notice ("what users should do"), kept between restarts. */
  noticeExtra: AdminText,
  /** When a report was last exported, and in which formats. */
  reportExportedAt: isoDate.nullable(),
  /** The final report closing wrote to the app home (absolute paths), or null while open. */
  finalReport: z.object({ markdown: z.string(), html: z.string() }).nullable().default(null),
});
export type Incident = z.infer<typeof Incident>;
