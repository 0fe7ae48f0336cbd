import { resolve } from 'node:path';
import { formatLocation, parseLocation } from '../host/location';
import { AppError } from '../../common/errors';
import { DeploymentRef } from '../../common/model/deployment';
import type { AppState } from './schema';

/**
 * Pure helpers over the state's deployments, for use inside `store.update(…)`:
 *   await core.store.update((s) => addDeployment(s, ref));
 */

/**
 * Adds a deployment. The folder is stored as an absolute path.
 * @throws AppError DEPLOYMENT_INVALID, DEPLOYMENT_EXISTS (same id or same folder).
 */
/** A folder here as an absolute path; a server's location (`ssh://…`) written one way (host/location.ts). */
function canonical(folder: string): string {
  return folder.startsWith('ssh://') ? formatLocation(parseLocation(folder, '/')) : resolve(folder);
}

export function addDeployment(state: AppState, ref: DeploymentRef): DeploymentRef {
  const parsed = DeploymentRef.safeParse({ ...ref, folder: canonical(ref.folder) });
  if (!parsed.success) {
    throw new AppError(
      'DEPLOYMENT_INVALID',
      `The deployment is invalid (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}). Ids are 3–64 lowercase letters, digits and dashes.`,
    );
  }
  const d = parsed.data;
  if (state.deployments.some((x) => x.id === d.id))
    throw new AppError('DEPLOYMENT_EXISTS', `A deployment with the id ${d.id} already exists.`);
  if (state.deployments.some((x) => canonical(x.folder) === d.folder))
    throw new AppError('DEPLOYMENT_EXISTS', 'That folder is already registered as a deployment.');
  state.deployments.push(d);
  return d;
}

/** Removes a deployment and everything the state knows about it (its keychain entries are the caller's job). */
export function removeDeployment(state: AppState, id: string): boolean {
  const before = state.deployments.length;
  state.deployments = state.deployments.filter((d) => d.id !== id);
  /* eslint-disable @typescript-eslint/no-dynamic-delete -- keyed by deployment id */
  delete state.secrets[id];
  delete state.checklists[id];
  /* eslint-enable @typescript-eslint/no-dynamic-delete */
  return state.deployments.length !== before;
}
