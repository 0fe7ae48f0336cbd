import { posix, resolve } from 'node:path';
import type { MountedEnvReader } from '../stack/profile';
import { referencedVariables } from './interpolate';
import type { ComposeArgv, ComposeProject, ComposeService, SourceRef } from './model';

/**
 * What each service of a compose project really receives from the deployment's `.env`, and how
 * (docs/crucible.md, "What each compose file passes"):
 * - `environment`: an `environment:` entry whose value compose interpolates from the variable (`X=${X}`, or a
 *   value built from several, `ROUNDTABLE_DATABASE_URL=…${POSTGRES_PASSWORD}…`, or `- X` taken from compose's
 *   own environment);
 * - `env_file`: the service lists the deployment's `.env` under `env_file:` (every key, below `environment:`);
 * - `mounted-file`: the `.env` is bind-mounted where the program inside reads it itself (the stack profile's
 *   `mountedEnvReaders`: Crucible's api reads `/app/.env`); those keys rank below the process environment, so
 *   an `environment:`/`env_file` entry of the same name beats the file (`effective: false`);
 * - `command`: interpolated into `command:`, `entrypoint:` or the healthcheck (redis `--requirepass`).
 * Pure: no I/O, values are only read to decide whether a `- X` entry is set; nothing here returns a value
 * except {@link serviceProcessEnvironment}, which exists for the test bed and setup previews.
 */

export type ReceiveVia = 'environment' | 'env_file' | 'mounted-file' | 'command';

export interface Receipt {
  service: string;
  via: ReceiveVia;
  /** The name the program sees: the environment entry's name, the variable itself (env_file, mounted file); null for `command`. */
  as: string | null;
  /**
   * False when the value never reaches the program although the service gets it: a mounted-file key shadowed
   * by a process-environment variable of the same name, an env_file key shadowed by an `environment:` entry.
   */
  effective: boolean;
  /** Where in the compose files (the entry, the env_file line, the volume, the command). */
  source: SourceRef;
  /** For `mounted-file`: the path inside the container and who reads it (from the stack profile). */
  mount?: { path: string; reader: string };
}

/** The `.env` the deployment runs with: its variable names and (compose-parsed) values. */
export type EnvEntries = ReadonlyMap<string, string>;

function isDeploymentEnv(project: ComposeProject, hostPath: string): boolean {
  return resolve(project.folder, hostPath) === resolve(project.folder, '.env');
}

/** The stack readers whose file this service mounts from the deployment's `.env` (or its whole folder). */
export function mountedEnvReadersOf(
  project: ComposeProject,
  service: ComposeService,
  readers: readonly MountedEnvReader[],
): Array<{ reader: MountedEnvReader; source: SourceRef }> {
  const out: Array<{ reader: MountedEnvReader; source: SourceRef }> = [];
  for (const r of readers) {
    if (r.service !== service.name) continue;
    for (const v of service.volumes) {
      if (v.type !== 'bind' || v.hostSource === null) continue;
      const target = posix.normalize(v.target).replace(/(.)\/$/, '$1');
      const fileMount = isDeploymentEnv(project, v.hostSource) && target === r.path;
      const folderMount =
        resolve(project.folder, v.hostSource) === resolve(project.folder) && posix.join(target, '.env') === r.path;
      if (fileMount || folderMount) {
        out.push({ reader: r, source: v.source });
        break;
      }
    }
  }
  return out;
}

function envFileSource(project: ComposeProject, service: ComposeService): SourceRef | null {
  return service.envFiles.find((f) => isDeploymentEnv(project, f.path))?.source ?? null;
}

/** Whether compose puts `name` into the container's process environment through an `environment:` entry. */
function entrySets(service: ComposeService, name: string, env: EnvEntries): boolean {
  const e = service.environment.get(name);
  if (e === undefined) return false;
  // `- NAME` without a value: compose passes it only when its own environment has it; `${X}` unset becomes ''.
  return e.raw !== null || env.has(name);
}

function argvs(service: ComposeService): ComposeArgv[] {
  return [service.command, service.entrypoint, service.healthcheck].filter((a): a is ComposeArgv => a !== undefined);
}

/** Every receipt of one service, keyed by `.env` variable. */
function receiptsOf(
  project: ComposeProject,
  service: ComposeService,
  env: EnvEntries,
  readers: readonly MountedEnvReader[],
): Array<[string, Receipt]> {
  const out: Array<[string, Receipt]> = [];
  for (const e of service.environment.values()) {
    const sources = e.raw === null ? [e.name] : referencedVariables(e.raw);
    for (const v of sources)
      if (env.has(v))
        out.push([v, { service: service.name, via: 'environment', as: e.name, effective: true, source: e.source }]);
  }
  const envFile = envFileSource(project, service);
  if (envFile !== null) {
    for (const name of env.keys())
      out.push([
        name,
        {
          service: service.name,
          via: 'env_file',
          as: name,
          effective: !service.environment.has(name),
          source: envFile,
        },
      ]);
  }
  for (const a of argvs(service)) {
    for (const v of new Set(a.raw.flatMap((w) => referencedVariables(w))))
      if (env.has(v))
        out.push([v, { service: service.name, via: 'command', as: null, effective: true, source: a.source }]);
  }
  for (const { reader, source } of mountedEnvReadersOf(project, service, readers)) {
    for (const name of env.keys()) {
      if (!name.startsWith(reader.prefix)) continue;
      const shadowed = entrySets(service, name, env) || envFile !== null;
      out.push([
        name,
        {
          service: service.name,
          via: 'mounted-file',
          as: name,
          effective: !shadowed,
          source,
          mount: { path: reader.path, reader: reader.reader },
        },
      ]);
    }
  }
  return out;
}

/**
 * For each `.env` variable, every service that receives it and how. A variable absent from the map reaches
 * no container. Services appear in the project's order; within one service, in the order listed in
 * {@link ReceiveVia}.
 */
export function receivers(
  project: ComposeProject,
  env: EnvEntries,
  readers: readonly MountedEnvReader[] = [],
): Map<string, Receipt[]> {
  const map = new Map<string, Receipt[]>();
  for (const service of project.services) {
    for (const [name, r] of receiptsOf(project, service, env, readers)) {
      const list = map.get(name) ?? [];
      list.push(r);
      map.set(name, list);
    }
  }
  return map;
}

/** Whether any receipt actually delivers the value to a program (a shadowed mounted file does not). */
export function reachesAProgram(receipts: readonly Receipt[] | undefined): boolean {
  return (receipts ?? []).some((r) => r.effective);
}

/**
 * The services to recreate after `variables` changed in `.env`, and which of them need `--force-recreate`:
 * a change that reaches a service only through a mounted file does not change its compose configuration, so
 * `docker compose up -d` would keep the old container (facts §14.2, docs/crucible.md).
 */
export function servicesToRecreate(
  map: ReadonlyMap<string, readonly Receipt[]>,
  variables: readonly string[],
): { services: string[]; forceRecreate: string[] } {
  const byService = new Map<string, Set<ReceiveVia>>();
  for (const v of variables) {
    for (const r of map.get(v) ?? []) {
      if (!r.effective) continue;
      const set = byService.get(r.service) ?? new Set<ReceiveVia>();
      set.add(r.via);
      byService.set(r.service, set);
    }
  }
  const services = [...byService.keys()];
  return {
    services,
    forceRecreate: services.filter((s) => [...(byService.get(s) ?? [])].every((via) => via === 'mounted-file')),
  };
}

export interface ServiceProcessEnvironment {
  /** What compose puts into the container's process environment (`env_file` keys, then `environment:` entries over them). */
  environment: Record<string, string>;
  /** True when the program also reads the deployment's `.env` from a mount (its keys rank below `environment`). */
  readsMountedEnv: boolean;
}

/**
 * The environment one service's program starts with, as compose would create it. Holds secret values: for the
 * test bed and in-memory checks only, never for logs, findings or the renderer.
 * @throws Error when the service is not in the project (a programming error: callers pick from `project.services`).
 */
export function serviceProcessEnvironment(
  project: ComposeProject,
  env: EnvEntries,
  serviceName: string,
  readers: readonly MountedEnvReader[] = [],
): ServiceProcessEnvironment {
  const service = project.services.find((s) => s.name === serviceName);
  if (service === undefined) throw new Error(`no service ${serviceName} in the compose project`);
  const environment: Record<string, string> = {};
  if (envFileSource(project, service) !== null) for (const [k, v] of env) environment[k] = v;
  for (const e of service.environment.values()) {
    if (e.raw === null) {
      const v = env.get(e.name);
      if (v !== undefined) environment[e.name] = v;
    } else environment[e.name] = e.value ?? '';
  }
  return { environment, readsMountedEnv: mountedEnvReadersOf(project, service, readers).length > 0 };
}
