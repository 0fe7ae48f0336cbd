import { z } from 'zod';
import { channel, NoRequest, req } from './contract';

/**
 * The Rotation page's channels (issue 7). Answers carry names, steps, commands (display text) and dates —
 * never a secret value. A typed new value (login password, provider key) crosses renderer → main once, in
 * `start`, and is never echoed back. The one exception is `revealNewPassword`: a login password the app
 * generated is shown once (the keychain and `.env` only ever hold its bcrypt hash), then forgotten.
 */

export const StepKind = z.enum(['app', 'command', 'manual']);

export const BlastRadius = z.object({
  cost: z.string(),
  servicesRecreated: z.array(z.string()),
  usersLose: z.string(),
  downtime: z.string(),
});
export type BlastRadius = z.infer<typeof BlastRadius>;

export const PlanStepView = z.object({
  id: z.string(),
  kind: StepKind,
  title: z.string(),
  detail: z.string(),
  /** The exact commands, as the admin would type them (stdin shown as a heredoc or redirection). */
  commands: z.array(z.string()),
  requires: z.array(z.string()),
  optional: z.boolean(),
});
export type PlanStepView = z.infer<typeof PlanStepView>;

export const PlanView = z.object({
  variable: z.string(),
  playbook: z.string(),
  rotatable: z.boolean(),
  notRotatableReason: z.string().nullable(),
  alternative: z.string().nullable(),
  input: z.enum(['none', 'optional', 'required']),
  blastRadius: BlastRadius,
  steps: z.array(PlanStepView),
  verify: z.array(z.string()),
});
export type PlanView = z.infer<typeof PlanView>;

export const RotationStatus = z.enum([
  'staging',
  'in-progress',
  'confirming',
  'confirmed',
  'rolling-back',
  'rolled-back',
]);

/** Why a command step failed: a diagnosis in words, the exit status; never the command's output. */
export const StepFailureView = z.object({
  kind: z.string(),
  summary: z.string(),
  hint: z.string(),
  exitCode: z.number().int(),
});
export type StepFailureView = z.infer<typeof StepFailureView>;

export const StepView = PlanStepView.extend({
  state: z.enum(['todo', 'running', 'done', 'failed']),
  /** Set when state is `failed`. */
  failure: StepFailureView.nullable(),
  at: z.string().nullable(),
  by: z.enum(['app', 'admin', 'command']).nullable(),
  /** Every step it requires is done. */
  ready: z.boolean(),
});
export type StepView = z.infer<typeof StepView>;

export const RotationView = z.object({
  id: z.string(),
  deploymentId: z.string(),
  variable: z.string(),
  playbook: z.string(),
  status: RotationStatus,
  reason: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  generation: z.number().int(),
  blastRadius: BlastRadius,
  verify: z.array(z.string()),
  steps: z.array(StepView),
  /** The app can run command steps itself (docker on this machine, local deployment). */
  canRunCommands: z.boolean(),
  /** Steps that still block confirmation. */
  blocking: z.array(z.string()),
  exportFile: z.string().nullable(),
  sqlFile: z.string().nullable(),
  /** A generated login password waits to be shown once (`revealNewPassword`); the flag, never the value. */
  newPasswordWaiting: z.boolean(),
});
export type RotationView = z.infer<typeof RotationView>;

/** One command the app ran: its exit status and the last lines of its output (redacted). */
export const CommandOutput = z.object({
  command: z.string(),
  code: z.number().int(),
  stdout: z.string(),
  stderr: z.string(),
  diagnosis: StepFailureView.nullable().optional(),
});

export const StepOutcome = z.object({
  view: RotationView,
  ok: z.boolean(),
  output: z.array(CommandOutput),
  failure: StepFailureView.nullable().optional(),
});
export type StepOutcome = z.infer<typeof StepOutcome>;

export const RollbackResult = z.object({
  view: RotationView,
  /** Commands still to run so the services use the previous value again. */
  commands: z.array(z.string()),
  ran: z.boolean(),
  output: z.array(CommandOutput),
});
export type RollbackResult = z.infer<typeof RollbackResult>;

export const HistoryItem = z.object({
  id: z.string(),
  variable: z.string(),
  status: RotationStatus,
  reason: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  generation: z.number().int(),
  /** As RotationView's: a generated login password of this run (e.g. from rotate-all) waits to be shown once. */
  newPasswordWaiting: z.boolean(),
});
export type HistoryItem = z.infer<typeof HistoryItem>;

export const PolicyItem = z.object({
  variable: z.string(),
  playbook: z.string(),
  rotatable: z.boolean(),
  maxAgeDays: z.number().int().nullable(),
  /** When the value was created or last rotated (null: the app has no record). */
  lastChanged: z.string().nullable(),
  ageDays: z.number().int().nullable(),
  overdue: z.boolean(),
  generation: z.number().int().nullable(),
  /** The unfinished rotation of this secret, if any. */
  pendingId: z.string().nullable(),
});
export type PolicyItem = z.infer<typeof PolicyItem>;

export const RotationOverview = z.object({
  deploymentId: z.string(),
  /** Rotatable secrets in dependency order (rotate-all). */
  order: z.array(z.string()),
  items: z.array(PolicyItem),
  pending: z.array(RotationView),
});
export type RotationOverview = z.infer<typeof RotationOverview>;

const DeploymentId = z.string().max(64);
const VariableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
  .max(128);
const RunId = z.string().regex(/^rot-[0-9a-f]{16}$/);
const StepName = z.string().regex(/^[a-z-]{1,40}$/);

export const rotationChannels = {
  overview: channel('rotation', 'overview', req({ deploymentId: DeploymentId }), RotationOverview),
  plan: channel('rotation', 'plan', req({ deploymentId: DeploymentId, variable: VariableName }), PlanView),
  /** Starts (or resumes) a rotation and stages the new value. `newValue` only for the login password (optional) and provider keys (required). */
  start: channel(
    'rotation',
    'start',
    req({
      deploymentId: DeploymentId,
      variable: VariableName,
      reason: z.string().max(500).optional(),
      newValue: z.string().max(4096).optional(),
    }),
    RotationView,
  ),
  view: channel('rotation', 'view', req({ id: RunId }), RotationView),
  /** Every unfinished rotation (offered for resume or rollback at start). */
  pending: channel('rotation', 'pending', NoRequest, z.array(RotationView)),
  /** `loginPassword`: typed by the admin for the service check only (the login, the stored keys); never stored or echoed. */
  perform: channel(
    'rotation',
    'perform',
    req({ id: RunId, step: StepName, loginPassword: z.string().min(1).max(1024).optional() }),
    StepOutcome,
  ),
  tick: channel('rotation', 'tick', req({ id: RunId, step: StepName }), RotationView),
  /** Main opens the file dialog for the encryption-key export; the renderer never sends a path. */
  pickExport: channel('rotation', 'pickExport', req({ id: RunId }), RotationView.nullable()),
  confirm: channel('rotation', 'confirm', req({ id: RunId }), RotationView),
  rollback: channel('rotation', 'rollback', req({ id: RunId, runCommands: z.boolean().optional() }), RollbackResult),
  /** The generated login password of a run, once (then main forgets it). */
  revealNewPassword: channel('rotation', 'revealNewPassword', req({ id: RunId }), z.object({ password: z.string() })),
  history: channel(
    'rotation',
    'history',
    req({ deploymentId: DeploymentId, variable: VariableName.optional() }),
    z.array(HistoryItem),
  ),
};
