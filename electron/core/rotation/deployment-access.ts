import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { AppError } from '../../common/errors';
import type { DeploymentRef } from '../../common/model/deployment';
import { envValues, readEnvFile, writeEnvFile, type EnvChange, type EnvDoc } from '../envfile';
import { readEnvOnHost, writeEnvOnHost, type HostEnvRead } from '../envfile/on-host';
import { openHost } from '../host';
import { detectCompose } from '../host/compose';
import type { DeploymentHost } from '../host/host';
import { parseLocation, type Location } from '../host/location';
import { findDocker } from './commands';
import type { RotationDeps } from './types';

/**
 * Where a deployment lives and how the rotation reaches it: its `.env` (read, written) and whether the
 * app can run its docker commands, on this computer or on a server over one multiplexed SSH connection
 * per deployment, kept for the life of the service and closed by `close()`.
 */

/** A deployment's `.env` as read: its values (empty when there is none), its hash, its path on its host. */
export interface EnvRead {
  values: Map<string, string>;
  sha: string | null;
  path: string;
}

export interface DeploymentAccess {
  locationOf(d: DeploymentRef): Location;
  isRemote(d: DeploymentRef): boolean;
  /** The deployment's host, opened on first use. */
  hostOf(d: DeploymentRef): DeploymentHost;
  /**
   * Reads `.env` (a missing file reads as empty) and registers every secret value of the profile with the
   * redactor, so command output never shows them.
   * @throws ENV_* when the file cannot be read or parsed, HOST_* when the server cannot be reached
   */
  readEnv(d: DeploymentRef): Promise<EnvRead>;
  /**
   * Writes `.env` where the deployment lives (here: envfile's writer; a server: through its host, keeping
   * the previous version under the app home). `sha` is the hash read before: a file changed since is refused.
   * @throws ENV_* (changed since read, unsafe value, write failed), HOST_*
   */
  writeEnvAt(d: DeploymentRef, path: string, changes: EnvChange[], sha: string | null): Promise<void>;
  /** POSTGRES_USER of a server's deployment if read in the last `ttlMs` (a name, not a secret), else undefined. */
  recentPostgresUser(d: DeploymentRef, ttlMs: number): { user: string | null } | undefined;
  /** Whether the app can run the deployment's docker commands (docker here, or compose v2 on the server). */
  canRun(d: DeploymentRef): Promise<boolean>;
  close(): Promise<void>;
}

export function createDeploymentAccess(
  deps: RotationDeps,
  env: NodeJS.ProcessEnv,
  secretNames: readonly string[],
): DeploymentAccess {
  const writeEnv = deps.writeEnv ?? writeEnvFile;
  const profileNames = deps.profile.variables.map((v) => v.name);
  const hosts = new Map<string, DeploymentHost>();
  /** Whether compose v2 answers on a server, asked once per deployment and process. */
  const composeReady = new Map<string, Promise<boolean>>();
  /** A server's `.env` as last read, handed to the write that follows (the server re-checks its hash). */
  const lastRead = new Map<string, HostEnvRead>();
  /** POSTGRES_USER as last read from a server's `.env` (a name, not a secret), for plans shown meanwhile. */
  const postgresUsers = new Map<string, { user: string | null; at: number }>();
  /** Previous `.env` versions of a deployment: kept under the app home, never beside it (git could pick them up). */
  const previousFolder = (d: DeploymentRef) => join(deps.home, 'previous', d.id);
  const dockerPath = deps.findDocker ?? (() => findDocker(env));

  const locationOf = (d: DeploymentRef): Location => parseLocation(d.folder, '/');
  const isRemote = (d: DeploymentRef) => locationOf(d).kind === 'ssh';
  function hostOf(d: DeploymentRef): DeploymentHost {
    let h = hosts.get(d.id);
    if (!h) {
      const loc = locationOf(d);
      h = deps.openHost
        ? deps.openHost(loc)
        : openHost(loc, { home: deps.home, env, profileNames, sshOptions: deps.sshOptions, clock: deps.clock });
      hosts.set(d.id, h);
    }
    return h;
  }

  return {
    locationOf,
    isRemote,
    hostOf,
    async readEnv(d) {
      const loc = locationOf(d);
      const path = loc.kind === 'ssh' ? posix.join(loc.path, '.env') : join(d.folder, '.env');
      try {
        let r: { doc: EnvDoc; sha256: string } | null;
        if (loc.kind === 'ssh') {
          const remote = await readEnvOnHost(hostOf(d), path);
          if (remote) lastRead.set(d.id, remote);
          r = remote;
        } else r = await readEnvFile(path);
        if (r === null) return { values: new Map(), sha: null, path };
        const values = envValues(r.doc);
        postgresUsers.set(d.id, { user: values.get('POSTGRES_USER') ?? null, at: performance.now() });
        for (const name of secretNames) {
          const v = values.get(name);
          if (v !== undefined) deps.logger.redactor.register(v);
        }
        return { values, sha: r.sha256, path };
      } catch (e) {
        if (e instanceof AppError && e.code === 'ENV_FILE_NOT_FOUND') return { values: new Map(), sha: null, path };
        throw e;
      }
    },
    async writeEnvAt(d, path, changes, sha) {
      if (isRemote(d))
        await writeEnvOnHost(hostOf(d), path, changes, {
          expectedSha256: sha,
          keepPreviousIn: previousFolder(d),
          clock: deps.clock,
          current: lastRead.get(d.id) ?? null,
        });
      else await writeEnv(path, changes, { expectedSha256: sha, keepPreviousIn: previousFolder(d) });
    },
    recentPostgresUser(d, ttlMs) {
      const cached = postgresUsers.get(d.id);
      return cached !== undefined && performance.now() - cached.at < ttlMs ? { user: cached.user } : undefined;
    },
    async canRun(d) {
      if (isRemote(d)) {
        let ready = composeReady.get(d.id);
        if (!ready) {
          ready = detectCompose(hostOf(d)).then(
            (c) => c.composeV2.present && c.daemon === 'reachable',
            () => false,
          );
          composeReady.set(d.id, ready);
        }
        return ready;
      }
      if ((await dockerPath()) === null) return false;
      return stat(d.folder)
        .then((s) => s.isDirectory())
        .catch(() => false);
    },
    async close() {
      const open = [...hosts.values()];
      hosts.clear();
      composeReady.clear();
      await Promise.all(open.map((h) => h.close().catch(() => undefined)));
    },
  };
}
