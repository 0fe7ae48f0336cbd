import { join } from 'node:path';
import type { RotationView } from '../../common/ipc/rotation.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import type { StepId } from '../../common/model/rotation-steps';
import { findVariable } from '../stack/profile-lookup';
import { err, type RotationCore } from './core';
import {
  ALTER_ROLE_FILE,
  buildPlan,
  DEFAULT_EXPORT_NAME,
  DEFAULT_SQL_NAME,
  toStepView,
  type Plan,
  type PlanContext,
  type PlanStep,
} from './playbooks';
import type { RotationRun } from './record';
import { stepState } from './run-store';
import { dumpFileFor, workDir } from './work-files';

/**
 * A run as the admin sees it: its plan for the deployment (playbooks.ts, with this run's files), the state
 * of each step, what still blocks confirmation, and whether the app can run the command steps.
 */

/** How long a server's POSTGRES_USER is reused for displaying plans (it is not rotatable). */
const USER_TTL_MS = 30_000;

type PlanRun = Pick<RotationRun, 'variable' | 'exportFile' | 'sqlFile'> & { id?: string };

/**
 * What the playbook needs to know about the deployment and the run's files.
 * @throws ENV_*, HOST_* when `.env` cannot be read
 */
export async function planContextFor(core: RotationCore, run: PlanRun, d: DeploymentRef): Promise<PlanContext> {
  // Only the role name is needed; on a server, a fresh one (seconds old) saves a round trip per view.
  const cached = core.access.isRemote(d) ? core.access.recentPostgresUser(d, USER_TTL_MS) : undefined;
  let values: Map<string, string> | undefined;
  const env = async () => (values ??= (await core.access.readEnv(d)).values);
  const postgresUser = cached !== undefined ? cached.user : ((await env()).get('POSTGRES_USER') ?? null);
  const v = findVariable(core.deps.profile, run.variable);
  const recreate = v ? await core.recreate.get(core, d, v, env) : null;
  // A plan without a run (dry run) names the per-run folder the files will get.
  const dir = workDir(core, run.id ?? '<run id>');
  return {
    deployment: d,
    postgresUser,
    exportFile: run.exportFile ?? join(dir, DEFAULT_EXPORT_NAME),
    sqlFile: run.sqlFile ?? join(dir, DEFAULT_SQL_NAME),
    dumpFile: dumpFileFor(core, d, run),
    alterRoleFile: join(dir, ALTER_ROLE_FILE),
    ...(recreate ? { recreate } : {}),
  };
}

/**
 * The run's plan (or a dry run's, without an id).
 * @throws ROTATION_UNKNOWN_VARIABLE, ENV_*, HOST_*
 */
export async function planFor(core: RotationCore, run: PlanRun, d: DeploymentRef): Promise<Plan> {
  const plan = buildPlan(core.deps.profile, run.variable, await planContextFor(core, run, d));
  if (!plan) throw err('ROTATION_UNKNOWN_VARIABLE', `${run.variable} is not a variable of the profile.`);
  return plan;
}

/** The steps not done yet that block confirmation. */
export function blockingSteps(run: RotationRun, plan: Plan): PlanStep[] {
  // Confirming is the admin's statement that the service is healthy, so manual steps do not block.
  return plan.steps.filter((s) => !s.optional && s.kind !== 'manual' && stepState(run, s.id) !== 'done');
}

/** Steps as people read them in a message: their titles, quoted ("Write .env", "Recreate api"). */
export function stepTitles(plan: Plan, steps: ReadonlyArray<{ id: StepId }>): string {
  return steps.map((x) => `"${plan.steps.find((p) => p.id === x.id)?.title ?? x.id}"`).join(', ');
}

/** @throws ROTATION_UNKNOWN_STEP when the playbook has no such step */
export function planStep(plan: Plan, stepId: string): PlanStep {
  const s = plan.steps.find((x) => x.id === stepId);
  if (!s) throw err('ROTATION_UNKNOWN_STEP', `The ${plan.variable} playbook has no step "${stepId.slice(0, 40)}".`);
  return s;
}

/** @throws ROTATION_STEP_BLOCKED when a step `s` requires is not done */
export function assertReady(run: RotationRun, plan: Plan, s: PlanStep): void {
  const missing = s.requires.filter((q) => stepState(run, q) !== 'done').map((id) => ({ id }));
  if (missing.length > 0)
    throw err('ROTATION_STEP_BLOCKED', `"${s.title}" needs these steps done first: ${stepTitles(plan, missing)}.`);
}

/**
 * The run as the renderer and the CLI see it: names, steps, commands as display text, never a value.
 * @throws ENV_*, HOST_* when `.env` cannot be read
 */
export async function toView(core: RotationCore, run: RotationRun, d: DeploymentRef): Promise<RotationView> {
  const plan = await planFor(core, run, d);
  const done = new Set(run.steps.filter((s) => s.state === 'done').map((s) => s.id));
  return {
    id: run.id,
    deploymentId: run.deploymentId,
    variable: run.variable,
    playbook: run.playbook,
    status: run.status,
    reason: run.reason,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? null,
    generation: run.generation,
    blastRadius: plan.blastRadius,
    verify: plan.verify,
    steps: plan.steps.map((s) => {
      const st = run.steps.find((x) => x.id === s.id);
      return {
        ...toStepView(s),
        state: st?.state ?? 'todo',
        failure: st?.failure ?? null,
        at: st?.at ?? null,
        by: st?.by ?? null,
        ready: s.requires.every((q) => done.has(q)),
      };
    }),
    canRunCommands: await core.access.canRun(d),
    blocking: blockingSteps(run, plan).map((s) => s.id),
    exportFile: run.exportFile ?? null,
    sqlFile: run.sqlFile ?? null,
    newPasswordWaiting: core.waiting.has(run.id),
  };
}
