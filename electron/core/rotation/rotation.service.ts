import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { RotationView } from '../../common/ipc/rotation.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import { STEP } from '../../common/model/rotation-steps';
import { assertWritableValue } from '../envfile/edit';
import { assertHashablePassword } from '../hashing/bcrypt';
import { requireDeployment } from '../inventory/inventory';
import { assertNoSecretText } from '../log/secret-text';
import { doReencrypt, doStage, doWriteEnv } from './app-steps';
import { doCommand } from './command-steps';
import { createRotationCore, err } from './core';
import { DEFAULT_EXPORT_NAME, DEFAULT_SQL_NAME, rotationOrder } from './playbooks';
import { policyItems } from './policy';
import { reconcile, finishConfirm, reconciled } from './reconcile';
import { PENDING, runsOf, type RotationRun } from './record';
import { doRollback } from './rollback';
import { loadRun, requirePending, saveRun, setStep, stepState } from './run-store';
import type { RotationDeps, RotationService } from './types';
import { assertReady, blockingSteps, planFor, planStep, stepTitles, toView } from './views';
import { prepareFile, workDir } from './work-files';

/**
 * Guided, journaled, crash-safe rotation (issue 7). One run per (deployment, variable) at a time.
 *
 * Crash safety rests on three rules:
 *  1. Intent before effect: a step is marked `running` in the state before it touches the keychain, `.env`
 *     or a container, and `done` after. A `running` step found later is reconciled against reality (the
 *     `.env` on disk decides whether the new value was written) before anything else happens.
 *  2. The previous values are copied into the run's own keychain service before anything live changes,
 *     and dropped only after the admin confirms or a rollback has put them back.
 *  3. Every step is idempotent, so resuming repeats at most the interrupted step.
 *
 * This file composes the concerns: core.ts (shared helpers), deployment-access.ts (where the deployment
 * lives), run-store.ts (the run's record), app-steps.ts and command-steps.ts (the step executors),
 * reconcile.ts (crash recovery, confirmation), rollback.ts, views.ts (plans and views) and work-files.ts.
 */

export type {
  HistoryItem,
  PerformOptions,
  RollbackResult,
  RotationDeps,
  RotationService,
  RotationView,
  StartOptions,
  StepOutcome,
} from './types';

/**
 * The rotation service over the app state, keychain, journal and the deployment's host.
 * Opens hosts lazily; `close()` ends them.
 */
export function createRotationService(deps: RotationDeps): RotationService {
  const core = createRotationCore(deps);

  /** A pending run of the same variable is resumed (its files updated, staged if it was not yet). */
  async function resume(
    existing: RotationRun,
    d: DeploymentRef,
    options: { exportFile?: string; sqlFile?: string; newValue?: string },
  ): Promise<RotationView> {
    let run = await reconcile(core, existing, d);
    if (run.status === 'rolling-back')
      throw err(
        'ROTATION_ROLLBACK_PENDING',
        `A rollback of ${run.variable} was interrupted; finish it first (roll back again).`,
      );
    const { exportFile, sqlFile } = options;
    if (exportFile) {
      run = await saveRun(core, run.id, (r) => {
        r.exportFile = exportFile;
        if (sqlFile) r.sqlFile = sqlFile;
      });
    }
    if (stepState(run, STEP.stage) !== 'done') run = await doStage(core, run, d, options.newValue);
    return toView(core, run, d);
  }

  return {
    async plan(deploymentId, variable, options = {}) {
      const d = requireDeployment(await deps.store.read(), deploymentId);
      core.variableOf(variable);
      return planFor(core, { variable, exportFile: options.exportFile, sqlFile: options.sqlFile }, d);
    },

    async start(deploymentId, variable, options = {}) {
      const v = core.variableOf(variable);
      const state = await deps.store.read();
      const d = requireDeployment(state, deploymentId);
      if (options.newValue !== undefined) deps.logger.redactor.register(options.newValue);
      // The reason is kept in the state and journal and printed in the incident report: no secret in it.
      await assertNoSecretText(
        { redactor: deps.logger.redactor, keychain: deps.keychain },
        deploymentId,
        [options.reason],
        {
          code: 'ROTATION_REASON_HAS_SECRET',
          message:
            'The reason contains a secret value (or a password inside a URL). Remove it: the rotation history, the journal and the incident report never hold secret values.',
        },
        async () => {
          const { values } = await core.access.readEnv(d);
          return core.secretNames.map((n) => values.get(n)).filter((x): x is string => x !== undefined);
        },
      );
      const existing = runsOf(state.rotations).find(
        (r) => r.deploymentId === deploymentId && r.variable === variable && PENDING.includes(r.status),
      );
      if (existing) return resume(existing, d, options);
      const plan = await planFor(core, { variable, exportFile: options.exportFile, sqlFile: options.sqlFile }, d);
      if (!plan.rotatable) {
        throw err(
          'ROTATION_NOT_ROTATABLE',
          `${plan.notRotatableReason ?? `${variable} cannot be rotated.`}${plan.alternative ? ` Rotate ${plan.alternative} instead.` : ''}`,
        );
      }
      if (options.newValue !== undefined) {
        if (plan.input === 'none')
          throw err(
            'ROTATION_VALUE_NOT_ACCEPTED',
            `${variable} is generated by the app; it does not take a typed value.`,
          );
        deps.logger.redactor.register(options.newValue);
        if (v.kind === 'login-password') assertHashablePassword(options.newValue);
        else assertWritableValue(variable, options.newValue);
        if (options.newValue.length === 0) throw err('ROTATION_VALUE_REQUIRED', `Type the new ${variable}.`);
      } else if (plan.input === 'required') {
        throw err(
          'ROTATION_VALUE_REQUIRED',
          `${variable} comes from the provider: create a new key there and type it.`,
        );
      }
      const meta = state.secrets[deploymentId]?.[variable] ?? null;
      const id = `rot-${(deps.random ?? randomBytes)(8).toString('hex')}`;
      const run: RotationRun = {
        id,
        deploymentId,
        variables: [variable],
        variable,
        playbook: plan.playbook,
        status: 'staging',
        reason: (options.reason ?? 'scheduled').slice(0, 500),
        startedAt: core.now(),
        finishedAt: null,
        steps: plan.steps.map((s) => ({ id: s.id, state: 'todo', at: null, by: null })),
        previous: null,
        metaBefore: meta,
        generation: (meta?.generation ?? 1) + 1,
        ...(plan.playbook === 'encryption-key-reencrypt'
          ? {
              exportFile: options.exportFile ?? join(workDir(core, id), DEFAULT_EXPORT_NAME),
              sqlFile: options.sqlFile ?? join(workDir(core, id), DEFAULT_SQL_NAME),
            }
          : {}),
      };
      await core.journalPreflight(run, STEP.stage);
      if (run.exportFile !== undefined) await prepareFile(core, run.exportFile);
      await deps.store.update((s) => {
        s.rotations.push(run);
      });
      await core.journal('rotation.started', run, { playbook: run.playbook, reason: run.reason });
      return toView(core, await doStage(core, run, d, options.newValue), d);
    },

    async view(id) {
      const { run, deployment } = await reconciled(core, id);
      return toView(core, run, deployment);
    },

    async pending(deploymentId) {
      const state = await deps.store.read();
      const out: RotationView[] = [];
      for (const r of runsOf(state.rotations)) {
        if (!PENDING.includes(r.status) || (deploymentId !== undefined && r.deploymentId !== deploymentId)) continue;
        const d = requireDeployment(state, r.deploymentId);
        let run = r;
        try {
          run = await reconcile(core, r, d);
        } catch (e) {
          deps.logger.warn('rotation.reconcile-failed', { id: r.id, error: e });
        }
        if (PENDING.includes(run.status)) out.push(await toView(core, run, d));
      }
      return out;
    },

    async perform(id, stepId, options = {}) {
      const loaded = await reconciled(core, id);
      const d = loaded.deployment;
      let run = loaded.run;
      requirePending(run);
      const plan = await planFor(core, run, d);
      const s = planStep(plan, stepId);
      if (s.id !== STEP.stage && stepState(run, STEP.stage) !== 'done') run = await doStage(core, run, d);
      assertReady(run, plan, s);
      if (s.kind === 'manual')
        throw err('ROTATION_MANUAL_STEP', `"${s.title}" is done by you; tick it when it is done.`);
      if (s.kind === 'command') return doCommand(core, run, d, s, options);
      if (s.id === STEP.stage) run = await doStage(core, run, d);
      else if (s.id === STEP.writeEnv) run = await doWriteEnv(core, run, d);
      else if (s.id === STEP.reencrypt) run = await doReencrypt(core, run);
      return { view: await toView(core, run, d), ok: true, output: [] };
    },

    async tick(id, stepId) {
      const loaded = await reconciled(core, id);
      const d = loaded.deployment;
      let run = loaded.run;
      requirePending(run);
      const plan = await planFor(core, run, d);
      const s = planStep(plan, stepId);
      if (s.kind === 'app') throw err('ROTATION_APP_STEP', `"${s.title}" is performed by the app, not ticked.`);
      assertReady(run, plan, s);
      run = await saveRun(core, run.id, (r) => setStep(core, r, s.id, 'done', 'admin'));
      await core.journal('rotation.step', run, { step: s.id, by: 'admin' });
      return toView(core, run, d);
    },

    async confirm(id) {
      const loaded = await reconciled(core, id);
      const d = loaded.deployment;
      let run = loaded.run;
      requirePending(run);
      const plan = await planFor(core, run, d);
      const blocking = blockingSteps(run, plan);
      if (blocking.length > 0)
        throw err(
          'ROTATION_NOT_FINISHED',
          `These steps are not done yet: ${stepTitles(plan, blocking)}. The previous value is kept until they are.`,
        );
      run = await saveRun(core, run.id, (r) => {
        r.status = 'confirming';
        // Confirming is the admin's word that the service is healthy: it stands for the check.
        if (stepState(r, STEP.verify) !== 'done') setStep(core, r, STEP.verify, 'done', 'admin');
      });
      return toView(core, await finishConfirm(core, run, d), d);
    },

    async rollback(id, options = {}) {
      const { run, deployment: d } = await reconciled(core, id);
      if (run.status !== 'rolling-back') requirePending(run);
      return doRollback(core, run, d, options);
    },

    async overview(deploymentId) {
      const state = await deps.store.read();
      requireDeployment(state, deploymentId);
      const pending = await this.pending(deploymentId);
      return {
        deploymentId,
        order: rotationOrder(deps.profile),
        items: policyItems(deps.profile, await deps.store.read(), deploymentId, deps.clock()),
        pending,
      };
    },

    async setFiles(id, files) {
      const { run, deployment: d } = await reconciled(core, id);
      requirePending(run);
      const saved = await saveRun(core, run.id, (r) => {
        if (files.exportFile !== undefined) r.exportFile = files.exportFile;
        if (files.sqlFile !== undefined) r.sqlFile = files.sqlFile;
      });
      return toView(core, saved, d);
    },

    async revealNewPassword(id) {
      const { run } = await loadRun(core, id);
      const password = core.waiting.get(run.id);
      if (password === undefined) {
        throw err(
          'ROTATION_PASSWORD_NOT_WAITING',
          `No new ${run.variable} waits to be shown: it was shown once already, you typed it yourself, or the app restarted since it was generated. If you do not have it, roll this rotation back (or rotate again) before the services use it.`,
        );
      }
      core.waiting.delete(run.id);
      await core.journal('rotation.password-shown', run, { shown: 'once' });
      return { password };
    },

    close: () => core.access.close(),

    async history(deploymentId, variable) {
      const state = await deps.store.read();
      return runsOf(state.rotations)
        .filter((r) => r.deploymentId === deploymentId && (variable === undefined || r.variable === variable))
        .map((r) => ({
          id: r.id,
          variable: r.variable,
          status: r.status,
          reason: r.reason,
          startedAt: r.startedAt,
          finishedAt: r.finishedAt ?? null,
          generation: r.generation,
          newPasswordWaiting: core.waiting.has(r.id),
        }))
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    },
  };
}
