import { UNDO, type UndoId } from '../../common/model/rotation-steps';
import type { PlaybookId, StackProfile } from '../stack/profile';
import { findVariable } from '../stack/profile-lookup';
import { alterRoleCommand, applySqlCommand, recreateCommands, type PlannedCommand } from './commands';
import { recreateTargets, sqlFileOf, userFor, type PlanContext } from './playbooks';

/**
 * What a rollback runs (or prints) once the previous value is back in `.env`: built with the same command
 * builders as the playbook's own steps (commands.ts), never by editing a step's display text.
 */

/** The playbooks whose plan has a `recreate` step (a rollback recreates the same services). */
const WITH_RECREATE: readonly PlaybookId[] = [
  'env-and-recreate',
  'community-password',
  'postgres-password',
  'redis-password',
  'encryption-key-reencrypt',
  'provider-key-at-provider',
];

/**
 * The commands that make the services use the previous value again after a rollback put it back in `.env`,
 * in order, built like the playbook's own: the role password set back (ALTER ROLE from
 * `rollbackAlterRoleFile`, the previous password's verifier), the reverse SQL applied (`ctx.sqlFile`), and
 * the recreate. Only what `undo` names and the variable's playbook has.
 */
export function buildRollbackCommands(
  profile: StackProfile,
  variableName: string,
  ctx: PlanContext,
  undo: readonly string[],
  rollbackAlterRoleFile: string,
): PlannedCommand[] {
  const v = findVariable(profile, variableName);
  if (!v) return [];
  const playbook = v.rotation.playbook;
  const user = userFor(ctx);
  const out: PlannedCommand[] = [];
  const wants = (u: UndoId) => undo.includes(u);
  if (wants(UNDO.alterRole) && playbook === 'postgres-password')
    out.push(alterRoleCommand(ctx.deployment, user, rollbackAlterRoleFile, 'previous'));
  if (wants(UNDO.applyReverseSql) && playbook === 'encryption-key-reencrypt')
    out.push(applySqlCommand(ctx.deployment, user, sqlFileOf(ctx)));
  if (wants(UNDO.recreate) && WITH_RECREATE.includes(playbook)) {
    const targets = recreateTargets(v, ctx);
    out.push(...recreateCommands(ctx.deployment, targets.services, targets.forceRecreate));
  }
  return out;
}
