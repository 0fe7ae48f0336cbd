import type { DeploymentRef } from '../../common/model/deployment';
import { isStepId, STEP } from '../../common/model/rotation-steps';
import { serviceFor } from '../keychain/keychain';
import { markEnvWritten } from './app-steps';
import type { RotationCore } from './core';
import type { RotationRun } from './record';
import { loadRun, saveRun, setStep, stepState } from './run-store';
import { envHolds, restoreKeychain } from './values';
import { dropWorkFiles } from './work-files';

/**
 * Crash recovery: a run whose last operation was interrupted is brought back to a consistent, resumable
 * state before anything else happens to it. A `running` step is settled against reality: for `write-env`
 * the `.env` on disk decides whether the new value was written; the other steps are idempotent and go
 * back to `todo`. An interrupted confirmation is finished.
 */

/**
 * Ends a confirmed run: drops the staged values and the work files, records the rotation.
 * @throws KEYCHAIN_*, JOURNAL_*
 */
export async function finishConfirm(core: RotationCore, run: RotationRun, d: DeploymentRef): Promise<RotationRun> {
  const kc = await core.keychain();
  await core.staging(kc, run).clear();
  await dropWorkFiles(core, run, d);
  run = await saveRun(core, run.id, (r) => {
    r.status = 'confirmed';
    r.finishedAt = core.now();
  });
  await core.journal('secret.rotated', run, { generation: run.generation, playbook: run.playbook, reason: run.reason });
  return run;
}

/**
 * Brings a run whose last operation was interrupted back to a consistent, resumable state.
 * @throws KEYCHAIN_*, ENV_*, ROTATION_PREVIOUS_MISSING
 */
export async function reconcile(core: RotationCore, run: RotationRun, d: DeploymentRef): Promise<RotationRun> {
  if (run.status === 'confirming') return finishConfirm(core, run, d);
  if (run.status !== 'staging' && run.status !== 'in-progress') return run;
  for (const s of run.steps.filter((x) => x.state === 'running')) {
    // Ids come from the playbooks (a stored id that is none of them has no step to settle).
    const id = s.id;
    if (!isStepId(id)) continue;
    if (id === STEP.writeEnv) {
      const v = core.variableOf(run.variable);
      const kc = await core.keychain();
      const next = await core.staging(kc, run).get('next');
      const envValue = (await core.access.readEnv(d)).values.get(run.variable);
      if (next !== null && envValue !== undefined && (await envHolds(core, v, envValue, next))) {
        // `.env` holds the new value: the keychain gets its stored form (the hash `.env` holds).
        const stored = v.kind === 'login-password' ? envValue : next;
        await kc.set(serviceFor(run.deploymentId), run.variable, stored);
        run = await markEnvWritten(core, kc, run, stored);
      } else {
        await restoreKeychain(core, kc, run);
        run = await saveRun(core, run.id, (r) => setStep(core, r, STEP.writeEnv, 'todo'));
      }
    } else {
      // stage and reencrypt are idempotent; a command may or may not have run: the admin re-runs it.
      run = await saveRun(core, run.id, (r) => setStep(core, r, id, 'todo'));
    }
    await core.journal('rotation.reconciled', run, { step: id, state: stepState(run, id) });
  }
  return run;
}

/** The run with this id, reconciled. @throws ROTATION_UNKNOWN, DEPLOYMENT_UNKNOWN, and reconcile's errors */
export async function reconciled(
  core: RotationCore,
  id: string,
): Promise<{ run: RotationRun; deployment: DeploymentRef }> {
  const { run, deployment } = await loadRun(core, id);
  return { run: await reconcile(core, run, deployment), deployment };
}
