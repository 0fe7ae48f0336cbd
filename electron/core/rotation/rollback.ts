import type { RollbackResult, StepOutcome } from '../../common/ipc/rotation.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import { STEP, UNDO, type UndoId } from '../../common/model/rotation-steps';
import type { Keychain } from '../keychain/keychain';
import { runCommands } from './command-steps';
import { err, type RotationCore } from './core';
import { buildRollbackCommands } from './rollback-commands';
import type { RotationRun } from './record';
import { runReencryptionJob } from './reencrypt-job';
import { saveRun, stepState } from './run-store';
import type { RollbackOptions } from './types';
import { nextValue, oldEncryptionKey, restoreKeychain } from './values';
import { planContextFor, toView } from './views';
import { dropRollbackFile, dropWorkFiles, rollbackAlterRoleFile, writeAlterRoleFile } from './work-files';

/**
 * Rollback: the previous value goes back into `.env` and the keychain, the secret's metadata is restored,
 * and the commands that make the services use it again are listed (and run, when asked and possible).
 * The run is marked `rolling-back` with its undo list first, so a crash in between resumes the rollback.
 */

/**
 * What the rollback must undo with commands, from the steps done so far. After the re-encryption SQL was
 * applied, the stored keys are re-encrypted back to the previous key first (`options.reverse`).
 * @throws ROTATION_ROLLBACK_NEEDS_REENCRYPT when the SQL was applied and no reverse files were given
 */
async function undoList(
  core: RotationCore,
  kc: Keychain,
  run: RotationRun,
  options: RollbackOptions,
): Promise<UndoId[]> {
  const undo: UndoId[] = [];
  if (stepState(run, STEP.alterRole) !== 'todo') undo.push(UNDO.alterRole);
  if (stepState(run, STEP.applySql) !== 'todo') {
    if (!options.reverse) {
      throw err(
        'ROTATION_ROLLBACK_NEEDS_REENCRYPT',
        'The database already holds the provider keys encrypted with the new key. To roll back, export user_settings again and re-encrypt back to the previous key (CLI: --rollback --export FILE --sql-out FILE), or finish the rotation.',
      );
    }
    const oldKey = await nextValue(core, kc, run);
    const newKey = await oldEncryptionKey(core, kc, run);
    await runReencryptionJob({
      exportFile: options.reverse.exportFile,
      sqlOut: options.reverse.sqlFile,
      oldKey,
      newKey,
      onSecret: (s) => core.deps.logger.redactor.register(s),
    });
    undo.push(UNDO.applyReverseSql);
  }
  if (stepState(run, STEP.writeEnv) !== 'todo' || undo.length > 0) undo.push(UNDO.recreate);
  return undo;
}

/** Puts the previous `.env` value back (or removes the entry it did not have) and the keychain's. */
async function restorePrevious(core: RotationCore, kc: Keychain, run: RotationRun, d: DeploymentRef): Promise<void> {
  if (run.previous === null) return;
  const { values, sha, path } = await core.access.readEnv(d);
  const current = values.get(run.variable);
  if (run.previous.inEnv) {
    const prevEnv = await core.staging(kc, run).get('previous-env');
    if (prevEnv === null)
      throw err(
        'ROTATION_PREVIOUS_MISSING',
        `The saved previous .env value of ${run.variable} is missing from the keychain; put back the previous .env from the app's previous versions (the Secrets page, or \`crucible-secrets secrets previous DIR --restore ID\`).`,
      );
    if (current !== prevEnv)
      await core.access.writeEnvAt(d, path, [{ op: 'set', key: run.variable, value: prevEnv }], sha);
  } else if (current !== undefined) {
    await core.access.writeEnvAt(d, path, [{ op: 'unset', key: run.variable }], sha);
  }
  await restoreKeychain(core, kc, run);
}

/**
 * Rolls the run back (or finishes an interrupted rollback).
 * @throws ROTATION_ROLLBACK_NEEDS_REENCRYPT, ROTATION_PREVIOUS_MISSING, KEYCHAIN_*, ENV_*, JOURNAL_*
 */
export async function doRollback(
  core: RotationCore,
  run: RotationRun,
  d: DeploymentRef,
  options: RollbackOptions,
): Promise<RollbackResult> {
  const kc = await core.keychain();
  if (run.status !== 'rolling-back') {
    const undo = await undoList(core, kc, run, options);
    run = await saveRun(core, run.id, (r) => {
      r.status = 'rolling-back';
      r.rollbackCommands = undo;
      if (options.reverse) r.sqlFile = options.reverse.sqlFile;
    });
  }
  await restorePrevious(core, kc, run, d);
  const commands = buildRollbackCommands(
    core.deps.profile,
    run.variable,
    await planContextFor(core, run, d),
    run.rollbackCommands ?? [],
    rollbackAlterRoleFile(core, run),
  );
  if (commands.some((c) => c.stdin?.kind === 'alter-role'))
    await writeAlterRoleFile(core, run, d, kc, 'previous', rollbackAlterRoleFile(core, run));
  // Drop the staged values only once nothing may still need them (the ALTER ROLE back needs the previous value: it is live again now).
  await core.staging(kc, run).clear();
  // The forward export and SQL are not needed by any undo (a reverse SQL is a file the admin named).
  await dropWorkFiles(core, run, d);
  run = await saveRun(
    core,
    run.id,
    (r) => {
      r.status = 'rolled-back';
      r.finishedAt = core.now();
    },
    (s) => {
      const metas = (s.secrets[run.deploymentId] ??= {});
      if (run.metaBefore) metas[run.variable] = run.metaBefore;
      else Reflect.deleteProperty(metas, run.variable);
    },
  );
  await core.journal('rotation.rolled-back', run, { undo: run.rollbackCommands ?? [] });
  // A generated password that was never live is of no use any more.
  core.waiting.delete(run.id);
  let output: StepOutcome['output'] = [];
  let ran = false;
  if (options.runCommands && commands.length > 0 && (await core.access.canRun(d))) {
    const r = await runCommands(core, commands, run, d);
    output = r.output;
    ran = r.failure === null;
    // Run by the app: the SQL file for doing it by hand is not needed any more.
    if (ran) await dropRollbackFile(core, run);
  }
  return { view: await toView(core, run, d), commands: commands.map((c) => c.display), ran, output };
}
