import { isAppError } from '../../common/errors';
import type { SecretReach } from '../../common/ipc/secrets.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import { discoverComposeFiles, loadComposeProject } from '../compose/load';
import { receivers } from '../compose/service-env';
import type { StackProfile } from '../stack/profile';
import type { FolderReader } from '../fs/folder-reader';

/**
 * For the Secrets page: which services receive each variable and how, from the deployment's compose files
 * and the `.env` values (compose/service-env.ts). Only names and routes leave here, never a value.
 * `where` is the folder here, or a reader of the folder on the deployment's server (host/folder-reader.ts).
 * null when it cannot be worked out: no `.env`, or compose files the app cannot read (the audit reports why).
 */
export async function reachesByVariable(
  d: DeploymentRef,
  env: ReadonlyMap<string, string> | null,
  profile: StackProfile | undefined,
  where: string | FolderReader = d.folder,
): Promise<Map<string, SecretReach[]> | null> {
  if (env === null) return null;
  try {
    const lookup = (n: string) => env.get(n);
    const files = await discoverComposeFiles(where, { explicit: d.composeFiles, lookup });
    const project = await loadComposeProject(where, files, lookup);
    const map = receivers(project, env, profile?.mountedEnvReaders ?? []);
    return new Map(
      [...map].map(([name, list]) => [
        name,
        list.map((r) => ({ service: r.service, via: r.via, as: r.as, effective: r.effective })),
      ]),
    );
  } catch (e) {
    if (isAppError(e)) return null;
    throw e;
  }
}
