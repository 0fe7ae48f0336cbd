import { z } from 'zod';
import { RotationRecord, SecretMeta } from '../store/schema';

/**
 * The rotation feature's record in the app state (store/schema.ts `RotationRecord` is loose, so these
 * fields persist beside the common ones). Names, dates and flags only — never a value.
 */

export const RotationStatus = z.enum([
  /** Created; the new value is being staged in the keychain. */
  'staging',
  /** Staged; steps are being performed. */
  'in-progress',
  /** The admin confirmed; the previous value is being dropped. */
  'confirming',
  'confirmed',
  /** A rollback started and has not finished (a crash in between resumes it). */
  'rolling-back',
  'rolled-back',
]);
export type RotationStatus = z.infer<typeof RotationStatus>;

export const PENDING: readonly RotationStatus[] = ['staging', 'in-progress', 'confirming', 'rolling-back'];

/** Why a command step failed, in words (host/diagnose.ts). Never command output: that may hold anything. */
export const StepFailure = z.object({
  kind: z.string().max(40),
  summary: z.string().max(500),
  hint: z.string().max(500),
  exitCode: z.number().int(),
});
export type StepFailure = z.infer<typeof StepFailure>;

export const StepState = z.object({
  id: z.string(),
  /**
   * `running`: intent recorded, completion not (a crash in between is reconciled at next use).
   * `failed`: a command the app ran exited non-zero; the run waits for Retry, "done by hand" or Roll back.
   */
  state: z.enum(['todo', 'running', 'done', 'failed']),
  at: z.string().nullable(),
  by: z.enum(['app', 'admin', 'command']).nullable(),
  failure: StepFailure.nullable().optional(),
});
export type StepState = z.infer<typeof StepState>;

export const RotationRun = RotationRecord.extend({
  variable: z.string(),
  playbook: z.string(),
  status: RotationStatus,
  reason: z.string().max(500),
  steps: z.array(StepState),
  /** Whether the previous value existed in the keychain / in `.env` when the rotation was staged. */
  previous: z.object({ inKeychain: z.boolean(), inEnv: z.boolean() }).nullable(),
  /** The secret's metadata before the rotation, put back by a rollback. */
  metaBefore: SecretMeta.nullable(),
  /** The generation the new value gets. */
  generation: z.number().int().min(1),
  /** Where the encryption-key playbook reads the export and writes the SQL. */
  exportFile: z.string().optional(),
  sqlFile: z.string().optional(),
  /** Set when a rollback found commands that still have to run (names of steps to undo). */
  rollbackCommands: z.array(z.string()).optional(),
});
export type RotationRun = z.infer<typeof RotationRun>;

/** Reads the rotation runs out of the state's generic records (others' records are ignored). */
export function runsOf(rotations: readonly RotationRecord[]): RotationRun[] {
  const out: RotationRun[] = [];
  for (const r of rotations) {
    const p = RotationRun.safeParse(r);
    if (p.success) out.push(p.data);
  }
  return out;
}
