/**
 * The ids of a rotation playbook's steps, shared by the playbooks (core/rotation/playbooks.ts), the rotation
 * service, the CLI and the Rotation page, so a misspelt step id fails to compile. Plain data with no
 * imports: the renderer may import it. The ids are persisted in the state (`RotationRun.steps[].id`), so a
 * value here never changes once released.
 */
export const STEP = {
  backup: 'backup',
  stop: 'stop',
  providerNewKey: 'provider-new-key',
  stage: 'stage',
  alterRole: 'alter-role',
  export: 'export',
  reencrypt: 'reencrypt',
  writeEnv: 'write-env',
  applySql: 'apply-sql',
  recreate: 'recreate',
  verify: 'verify',
  purgeLogs: 'purge-logs',
  revokeOldKey: 'revoke-old-key',
} as const;

/** One step id of a rotation playbook. */
export type StepId = (typeof STEP)[keyof typeof STEP];

/**
 * What a rollback still has to undo with commands, in order, persisted in `RotationRun.rollbackCommands`:
 * the role password set back, the stored keys re-encrypted back to the previous key, and the containers
 * recreated on the previous value.
 */
export const UNDO = {
  alterRole: 'alter-role',
  applyReverseSql: 'apply-reverse-sql',
  recreate: 'recreate',
} as const;

/** One entry of a rollback's undo list. */
export type UndoId = (typeof UNDO)[keyof typeof UNDO];

const STEP_IDS: ReadonlySet<string> = new Set(Object.values(STEP));

/** Whether a stored or received step id is one of the playbooks' steps. */
export function isStepId(id: string): id is StepId {
  return STEP_IDS.has(id);
}
