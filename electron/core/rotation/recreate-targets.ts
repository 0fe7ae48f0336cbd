import { isAppError } from '../../common/errors';
import type { DeploymentRef } from '../../common/model/deployment';
import { discoverComposeFiles, loadComposeProject } from '../compose/load';
import { receivers, servicesToRecreate } from '../compose/service-env';
import type { FolderReader } from '../fs/folder-reader';
import { hostFolderReader } from '../host/folder-reader';
import type { Variable } from '../stack/profile';
import type { RotationCore } from './core';
import type { RecreateTargets } from './playbooks';

/**
 * Which services a rotation recreates, from the compose files the deployment actually uses
 * (compose/service-env.ts): exactly the services that receive the variable, and `--force-recreate` for those
 * that receive it only through the mounted `.env` — a change there leaves their compose configuration as it
 * was, so `docker compose up -d` would keep the old container, and a running container's single-file mount
 * keeps showing the replaced file (docs/crucible.md, "Applying a changed value").
 * Null when the compose files cannot be read or interpolated here: the playbook then falls back to the stack
 * profile's list.
 */

/** Compose files are read again at most this often per deployment while plans are shown (a server: SSH round trips). */
const TTL_MS = 30_000;

export interface RecreateTargetsCache {
  /** The targets of rotating `v` in `d`; `env` (the `.env` values, for interpolation) is read only on a cache miss. */
  get(
    core: RotationCore,
    d: DeploymentRef,
    v: Variable,
    env: () => Promise<ReadonlyMap<string, string>>,
  ): Promise<RecreateTargets | null>;
}

export function createRecreateTargetsCache(): RecreateTargetsCache {
  const cache = new Map<string, { at: number; targets: RecreateTargets | null }>();
  return {
    async get(core, d, v, env) {
      // The recorded compose files are part of the key: changing them must not serve the old file's services.
      const key = `${d.id}\u0000${d.composeFiles.join('\u0001')}\u0000${v.name}`;
      const hit = cache.get(key);
      if (hit !== undefined && performance.now() - hit.at < TTL_MS) return hit.targets;
      const targets = await compute(core, d, v, await env());
      cache.set(key, { at: performance.now(), targets });
      return targets;
    },
  };
}

async function compute(
  core: RotationCore,
  d: DeploymentRef,
  v: Variable,
  env: ReadonlyMap<string, string>,
): Promise<RecreateTargets | null> {
  const loc = core.access.locationOf(d);
  const where: string | FolderReader =
    loc.kind === 'ssh' ? hostFolderReader(core.access.hostOf(d), loc.path, d.folder) : d.folder;
  // The variable may not be in `.env` yet (a provider key set for the first time): its routes are the same.
  const values = new Map(env);
  if (!values.has(v.name)) values.set(v.name, 'x');
  const lookup = (n: string) => values.get(n);
  try {
    const files = await discoverComposeFiles(where, { explicit: d.composeFiles, lookup });
    const project = await loadComposeProject(where, files, lookup);
    const { services, forceRecreate } = servicesToRecreate(
      receivers(project, values, core.deps.profile.mountedEnvReaders ?? []),
      [v.name],
    );
    if (services.length === 0) return null;
    // The profile's order first (the order its texts and the admin know), then any other receiver in compose order.
    const known: string[] = v.rotation.servicesToRecreate.filter((s) => services.includes(s));
    const ordered = [...known, ...services.filter((s) => !known.includes(s))];
    return { services: ordered, forceRecreate: ordered.filter((s) => forceRecreate.includes(s)) };
  } catch (e) {
    if (isAppError(e)) {
      core.deps.logger.warn('rotation.compose-unreadable', { deploymentId: d.id, code: e.code });
      return null;
    }
    throw e;
  }
}
