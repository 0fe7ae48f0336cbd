import type { DeploymentRef } from '../../common/model/deployment';
import type { StepId } from '../../common/model/rotation-steps';
import { requireDeployment } from '../inventory/inventory';
import type { AppState } from '../store/schema';
import { err, type RotationCore } from './core';
import { runsOf, type RotationRun, type StepFailure, type StepState } from './record';

/**
 * A run's record in the app state: loading it, saving a change to it (with an optional change to the rest
 * of the state in the same write), and the state of its steps. Names, dates and flags only, never a value.
 */

const ID = /^rot-[0-9a-f]{16}$/;

/**
 * The run with this id and its deployment.
 * @throws ROTATION_UNKNOWN when no run has this id; DEPLOYMENT_UNKNOWN when its deployment is gone
 */
export async function loadRun(
  core: RotationCore,
  id: string,
): Promise<{ run: RotationRun; deployment: DeploymentRef }> {
  if (!ID.test(id)) throw err('ROTATION_UNKNOWN', 'No rotation has this id.');
  const state = await core.deps.store.read();
  const run = runsOf(state.rotations).find((r) => r.id === id);
  if (!run) throw err('ROTATION_UNKNOWN', 'No rotation has this id.');
  return { run, deployment: requireDeployment(state, run.deploymentId) };
}

/**
 * Applies `change` to the stored run (and `also` to the state, in the same atomic write).
 * @returns the run as saved
 * @throws ROTATION_UNKNOWN when the run is gone; the store's errors
 */
export async function saveRun(
  core: RotationCore,
  id: string,
  change: (r: RotationRun) => void,
  also?: (s: AppState) => void,
): Promise<RotationRun> {
  return core.deps.store.update((s) => {
    const i = s.rotations.findIndex((r) => r.id === id);
    const record = s.rotations[i];
    const current = record ? runsOf([record])[0] : undefined;
    if (!current) throw err('ROTATION_UNKNOWN', 'No rotation has this id.');
    change(current);
    s.rotations[i] = current;
    also?.(s);
    return current;
  });
}

/** Sets a step's state in `r` (the `at`, `by` and `failure` that go with it). A step the run lacks is ignored. */
export function setStep(
  core: RotationCore,
  r: RotationRun,
  step: StepId,
  state: StepState['state'],
  by: StepState['by'] = null,
  failure: StepFailure | null = null,
): void {
  const s = r.steps.find((x) => x.id === step);
  if (!s) return;
  s.state = state;
  s.at = state === 'todo' ? null : core.now();
  s.by = state === 'todo' ? null : by;
  s.failure = state === 'failed' ? failure : null;
}

/** The state of a step of the run (`todo` for a step it lacks). */
export function stepState(r: RotationRun, step: StepId): StepState['state'] {
  return r.steps.find((x) => x.id === step)?.state ?? 'todo';
}

/** @throws ROTATION_NOT_PENDING when the run is not staging or in progress */
export function requirePending(run: RotationRun): void {
  if (run.status !== 'staging' && run.status !== 'in-progress') {
    throw err('ROTATION_NOT_PENDING', `This rotation of ${run.variable} is ${run.status}; start a new one instead.`);
  }
}
