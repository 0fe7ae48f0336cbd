import { z } from 'zod';
import { channel, NoRequest, req } from './contract';
import { AssessAnswers, Incident, ItemTick, RunbookItem, StepId, StepOverride } from '../model/incident';

/**
 * The incident runbook's channels (issue 9). Every answer carries names, ticks, commands and the admin's own
 * text; never a secret value. Reports are written by main to a file chosen in main's save dialog.
 */

export const RotationAvailability = z.object({
  available: z.boolean(),
  /** Why not, and what to do instead. */
  reason: z.string().nullable(),
  /** Secrets the run can rotate, in dependency order (or the profile's secrets when unavailable). */
  candidates: z.array(z.string()),
});
export type RotationAvailability = z.infer<typeof RotationAvailability>;

export const IncidentView = z.object({
  incident: Incident,
  deploymentName: z.string(),
  /** `cd <deployment folder>`: every command runs from there. */
  workdir: z.string(),
  currentStep: StepId.nullable(),
  steps: z.array(
    z.object({
      id: StepId,
      title: z.string(),
      startedAt: z.string().nullable(),
      completedAt: z.string().nullable(),
      /** Item ids (or `assess.what-exposed`) still open. */
      blockers: z.array(z.string()),
      /** Essential items not done (or failed): completing needs an override with a reason. */
      unmet: z.array(z.object({ itemId: z.string(), problem: z.string() })),
      /** Set when the step was completed with an override. */
      override: StepOverride.nullable(),
    }),
  ),
  items: z.array(RunbookItem),
  /** The user notice filled from the incident. */
  notice: z.string(),
  rotation: RotationAvailability,
  /** Variable names the Assess question offers. */
  secretChoices: z.array(z.string()),
});
export type IncidentView = z.infer<typeof IncidentView>;

export const IncidentSummary = z.object({
  id: z.string(),
  deploymentId: z.string(),
  deploymentName: z.string(),
  title: z.string(),
  status: z.enum(['active', 'closed']),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  currentStep: StepId.nullable(),
});
export type IncidentSummary = z.infer<typeof IncidentSummary>;

const Id = z
  .string()
  .regex(/^inc-[a-z0-9-]+$/)
  .max(64);
const Text = z.string().max(4000);

export const incidentChannels = {
  list: channel('incident', 'list', NoRequest, z.object({ incidents: z.array(IncidentSummary) })),
  /** Open incidents only (the shell banner). */
  active: channel('incident', 'active', NoRequest, z.object({ incidents: z.array(IncidentSummary) })),
  get: channel('incident', 'get', req({ id: Id }), IncidentView),
  start: channel(
    'incident',
    'start',
    req({ deploymentId: z.string().max(64), title: z.string().min(1).max(200) }),
    IncidentView,
  ),
  tick: channel(
    'incident',
    'tick',
    req({ id: Id, itemId: z.string().max(80), outcome: ItemTick.shape.outcome, note: Text.optional() }),
    IncidentView,
  ),
  untick: channel('incident', 'untick', req({ id: Id, itemId: z.string().max(80) }), IncidentView),
  /** The answers object is strict too: a key the contract does not name is refused, not dropped. */
  answer: channel('incident', 'answer', req({ id: Id, answers: z.strictObject(AssessAnswers.shape) }), IncidentView),
  addTimeline: channel('incident', 'addTimeline', req({ id: Id, at: z.string().max(40), text: Text }), IncidentView),
  removeTimeline: channel('incident', 'removeTimeline', req({ id: Id, entryId: z.string().max(20) }), IncidentView),
  setNoticeExtra: channel('incident', 'setNoticeExtra', req({ id: Id, text: Text }), IncidentView),
  /** `override` completes a step whose essential items are not done; its reason is journalled and reported. */
  completeStep: channel(
    'incident',
    'completeStep',
    req({ id: Id, step: StepId, override: z.strictObject({ reason: Text.trim().min(1) }).optional() }),
    IncidentView,
  ),
  /** All rotatable secrets in dependency order, or only `variables`. */
  planRotation: channel(
    'incident',
    'planRotation',
    req({ id: Id, variables: z.array(z.string().max(128)).max(100).optional() }),
    IncidentView,
  ),
  /** Rotates the next secret of the run; call again until the run is finished (progress after each). */
  rotateNext: channel('incident', 'rotateNext', req({ id: Id }), IncidentView),
  /** Closes and writes the final report to the app home; the view's `incident.finalReport` says where. */
  close: channel('incident', 'close', req({ id: Id, summary: Text.min(1) }), IncidentView),
  /** Main copies the notice to the clipboard (it holds no secret, so it is not cleared). */
  copyNotice: channel('incident', 'copyNotice', req({ id: Id }), z.object({ copied: z.boolean() })),
  /** Main asks where to save, writes the report (Markdown or HTML) and answers with the file name. */
  exportReport: channel(
    'incident',
    'exportReport',
    req({ id: Id, format: z.enum(['markdown', 'html']) }),
    z.object({ file: z.string().nullable(), view: IncidentView }),
  ),
};
