import type { DeploymentRef } from '../../common/model/deployment';
import { STEP } from '../../common/model/rotation-steps';
import { serviceFor, type Keychain } from '../keychain/keychain';
import { err, type RotationCore } from './core';
import type { RotationRun } from './record';
import { runReencryptionJob } from './reencrypt-job';
import { saveRun, setStep } from './run-store';
import { generate, metaAfterWrite, nextValue, oldEncryptionKey, storedForm } from './values';
import { alterRoleFile, prepareFile, writeAlterRoleFile } from './work-files';

/**
 * The steps the app performs itself: staging the new value in the keychain, writing it to `.env`, and
 * re-encrypting the stored provider keys. Each marks its step `running` before it changes anything and
 * `done` after (reconcile.ts settles a `running` step found later), and each is idempotent.
 */

/**
 * Stages the new value (typed, or generated) beside copies of the previous ones, in the run's keychain
 * service. Nothing the services read changes.
 * @throws JOURNAL_*, KEYCHAIN_*, ENV_*, HASH_*, ROTATION_VALUE_REQUIRED (a provider key with no typed value)
 */
export async function doStage(
  core: RotationCore,
  run: RotationRun,
  d: DeploymentRef,
  newValue?: string,
): Promise<RotationRun> {
  const v = core.variableOf(run.variable);
  // The journal's usual refusals (a symlinked journal, say) come before anything changes.
  await core.journalPreflight(run, STEP.stage);
  run = await saveRun(core, run.id, (r) => setStep(core, r, STEP.stage, 'running', 'app'));
  const kc = await core.keychain();
  const st = core.staging(kc, run);
  let previous = run.previous;
  if (previous === null) {
    // Nothing live has changed before `stage` is done, so the live values ARE the previous ones.
    const live = await kc.get(serviceFor(run.deploymentId), run.variable);
    const envValue = (await core.access.readEnv(d)).values.get(run.variable);
    if (live !== null) {
      // The login password's previous value is kept in its stored form too: the `.env` hash when the
      // keychain still held a plain password (an older version), else the keychain's own hash.
      const prev =
        v.kind !== 'login-password' || core.isHash(live)
          ? live
          : envValue !== undefined && core.isHash(envValue) && (await core.verifyHash(live, envValue))
            ? envValue
            : await storedForm(core, v, live);
      await st.set('previous', prev);
    }
    if (envValue !== undefined) await st.set('previous-env', envValue);
    previous = { inKeychain: live !== null, inEnv: envValue !== undefined };
  }
  if (newValue !== undefined) {
    // A typed login password is hashed now: only its hash is ever stored (the admin knows the password).
    await st.set('next', await storedForm(core, v, newValue));
    core.waiting.delete(run.id);
  } else if ((await st.get('next')) === null) {
    const fresh = generate(core, v);
    if (v.kind === 'login-password') {
      // Generated: the hash is staged and the password kept in memory until it is shown once.
      core.deps.logger.redactor.register(fresh);
      const hashed = await storedForm(core, v, fresh);
      core.waiting.set(run.id, fresh);
      await st.set('next', hashed);
    } else await st.set('next', fresh);
  }
  const saved = previous;
  run = await saveRun(core, run.id, (r) => {
    r.previous = saved;
    setStep(core, r, STEP.stage, 'done', 'app');
    r.status = 'in-progress';
  });
  await writeAlterRoleFile(core, run, d, kc, 'next', alterRoleFile(core, run.id));
  await core.journal('rotation.step', run, { step: STEP.stage, by: 'app' });
  return run;
}

/**
 * Writes the staged value's stored form to `.env` (atomically, previous version kept) and makes it the
 * keychain's current value, with the secret's new metadata.
 * @throws JOURNAL_*, KEYCHAIN_*, ENV_* (changed since read, write failed), ROTATION_STAGED_VALUE_MISSING
 */
export async function doWriteEnv(core: RotationCore, run: RotationRun, d: DeploymentRef): Promise<RotationRun> {
  const v = core.variableOf(run.variable);
  await core.journalPreflight(run, STEP.writeEnv);
  run = await saveRun(core, run.id, (r) => setStep(core, r, STEP.writeEnv, 'running', 'app'));
  const kc = await core.keychain();
  const staged = await nextValue(core, kc, run);
  const next = await storedForm(core, v, staged);
  // A plain login password staged by an older version: from now on the run holds its hash only.
  if (next !== staged) await core.staging(kc, run).set('next', next);
  await kc.set(serviceFor(run.deploymentId), run.variable, next);
  const { sha, path } = await core.access.readEnv(d);
  await core.access.writeEnvAt(d, path, [{ op: 'set', key: run.variable, value: next }], sha);
  run = await markEnvWritten(core, kc, run, next);
  await core.journal('rotation.step', run, { step: STEP.writeEnv, by: 'app', file: '.env' });
  return run;
}

/**
 * Records that `.env` and the keychain hold `stored`: `write-env` done, the secret's new metadata saved.
 * Shared by the step itself and by reconcile.ts settling an interrupted one.
 */
export async function markEnvWritten(
  core: RotationCore,
  kc: Keychain,
  run: RotationRun,
  stored: string,
): Promise<RotationRun> {
  const meta = await metaAfterWrite(core, kc, run, stored);
  return saveRun(
    core,
    run.id,
    (r) => setStep(core, r, STEP.writeEnv, 'done', 'app'),
    (s) => {
      (s.secrets[run.deploymentId] ??= {})[run.variable] = meta;
    },
  );
}

/**
 * Re-encrypts the exported provider keys from the previous key to the staged one into the SQL file.
 * On failure the step goes back to `todo` (nothing was applied).
 * @throws ROTATION_EXPORT_REQUIRED, the re-encryption job's errors (a token that does not decrypt, …)
 */
export async function doReencrypt(core: RotationCore, run: RotationRun): Promise<RotationRun> {
  const { exportFile, sqlFile } = run;
  if (!exportFile || !sqlFile)
    throw err('ROTATION_EXPORT_REQUIRED', 'Choose the export file and where the SQL goes first.');
  run = await saveRun(core, run.id, (r) => setStep(core, r, STEP.reencrypt, 'running', 'app'));
  const kc = await core.keychain();
  const oldKey = await oldEncryptionKey(core, kc, run);
  const newKey = await nextValue(core, kc, run);
  try {
    await prepareFile(core, sqlFile);
    const summary = await runReencryptionJob({
      exportFile,
      sqlOut: sqlFile,
      oldKey,
      newKey,
      onSecret: (s) => core.deps.logger.redactor.register(s),
    });
    run = await saveRun(core, run.id, (r) => setStep(core, r, STEP.reencrypt, 'done', 'app'));
    await core.journal('rotation.step', run, {
      step: STEP.reencrypt,
      by: 'app',
      rows: summary.rows,
      tokens: summary.tokens,
      legacy: summary.legacy,
    });
    return run;
  } catch (e) {
    await saveRun(core, run.id, (r) => setStep(core, r, STEP.reencrypt, 'todo'));
    throw e;
  }
}
