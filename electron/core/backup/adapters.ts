import { readFile, stat, unlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { AppError, isAppError } from '../../common/errors';
import { readEnvOnHost, writeEnvOnHost } from '../envfile/on-host';
import type { DeploymentHost } from '../host/host';
import { parseLocation, type Location } from '../host/location';
import { sha256, writeFileAtomic } from '../fs/atomic-write';
import { envValues, readEnvFile, writeEnvFile } from '../envfile';
import { previousVersionsFolder } from '../fs/previous-versions';
import { assertStoredPasswordForm } from '../hashing/stored-form';
import type { StateStore } from '../store/state-store';
import type { DeploymentRef } from '../../common/model/deployment';
import type { BackupStatePort, EnvFilePort } from './ports';

/**
 * The backup ports wired to the real modules: the state store (store/), and the `.env` reader/editor
 * (envfile/, which keeps every byte it does not manage and writes values single-quoted or refuses them).
 * The journal (journal/) and fingerprinting (inventory/fingerprint.ts) fit the ports as they are.
 */

export function stateStorePort(store: StateStore, clock: () => Date): BackupStatePort {
  return {
    async deployments() {
      return structuredClone((await store.view()).deployments) as DeploymentRef[];
    },
    async secretMeta(id) {
      const metas = (await store.view()).secrets[id] ?? {};
      return Object.fromEntries(
        Object.entries(metas).map(([k, m]) => [
          k,
          { generation: m.generation, created: m.created, lastRotated: m.lastRotated, origin: m.origin },
        ]),
      );
    },
    async checklist(id) {
      const ticks = (await store.view()).checklists[id] ?? {};
      return Object.entries(ticks).map(([tickId, t]) => ({ id: tickId, done: true, at: t.checkedAt, note: t.note }));
    },
    async beginKeychainWrites(pending) {
      if (pending.length === 0) return;
      await store.update((s) => {
        s.pendingKeychainWrites.push(...pending);
      });
    },
    markWriteRunning: (id) => store.markWriteRunning(id),
    async endKeychainWrites(ids) {
      if (ids.length === 0) return;
      await store.update((s) => {
        s.pendingKeychainWrites = s.pendingKeychainWrites.filter((p) => !ids.includes(p.id));
      });
    },
    async recordRestore(items, pendingIds) {
      const now = clock().toISOString();
      let dropped: string[] = [];
      await store.update((s) => {
        dropped = [];
        s.pendingKeychainWrites = s.pendingKeychainWrites.filter((p) => {
          if (pendingIds.includes(p.id)) return false;
          const item = items.find((i) => i.deployment.id === p.deploymentId);
          const covered =
            item !== undefined &&
            !store.isWriteRunning(p.id) &&
            p.variables.every((v) => item.secrets.some((x) => x.name === v));
          if (covered) dropped.push(p.rollbackService);
          return !covered;
        });
        for (const item of items) {
          const id = item.deployment.id;
          if (!s.deployments.some((d) => d.id === id)) s.deployments.push(item.deployment);
          const metas = (s.secrets[id] ??= {});
          for (const x of item.secrets) {
            metas[x.name] = {
              variable: x.name,
              fingerprint: x.fingerprint,
              generation: x.generation,
              created: x.created ?? now,
              lastRotated: x.lastRotated,
              origin: x.origin,
            };
          }
          const ticks = (s.checklists[id] ??= {});
          for (const c of item.checklist)
            if (c.done && !(c.id in ticks))
              ticks[c.id] = { checkedAt: c.at ?? now, ...(c.note !== undefined ? { note: c.note } : {}) };
        }
      });
      return dropped;
    },
  };
}

/**
 * @param passwordVariables variables whose `.env` form is a bcrypt hash: a plain value for one of them is
 *   refused (SECRET_PASSWORD_NOT_HASHED), never written (restore hashes such values before it gets here).
 */
/** Where previous `.env` versions are kept here, and how a deployment on a server is reached. */
export interface EnvAccess {
  /** The app home: previous versions go to `<home>/previous/<deployment id>` (fs/previous-versions.ts). */
  home: string;
  openHost?: (location: Location) => DeploymentHost;
}

export function envFilePort(passwordVariables: ReadonlySet<string>, access: EnvAccess): EnvFilePort {
  const local = localEnvFilePort(passwordVariables, access.home);
  const openHost = access.openHost;
  if (!openHost) return local;
  /** Runs `fn` with the server's host for an `ssh://` folder (one connection, closed after), else locally. */
  const onServer = async <T>(
    folder: string,
    fn: (host: DeploymentHost, path: string) => Promise<T>,
    here: () => Promise<T>,
  ): Promise<T> => {
    const loc = folder.startsWith('ssh://') ? parseLocation(folder, '/') : null;
    if (loc?.kind !== 'ssh') return here();
    const host = openHost(loc);
    try {
      return await fn(host, loc.path);
    } finally {
      await host.close();
    }
  };
  return {
    read: (folder) =>
      onServer(
        folder,
        async (host, path) => {
          const r = await readEnvOnHost(host, posix.join(path, '.env'));
          return r === null ? null : { values: envValues(r.doc), sha256: r.sha256 };
        },
        () => local.read(folder),
      ),
    write: (folder, values, expectedSha256, deploymentId) =>
      onServer(
        folder,
        async (host, path) => {
          for (const [key, value] of Object.entries(values))
            if (passwordVariables.has(key)) assertStoredPasswordForm(key, value);
          const envPath = posix.join(path, '.env');
          const before = expectedSha256 === null ? null : ((await readEnvOnHost(host, envPath))?.bytes ?? null);
          const res = await writeEnvOnHost(
            host,
            envPath,
            Object.entries(values).map(([key, value]) => ({ op: 'set' as const, key, value })),
            { expectedSha256, keepPreviousIn: previousVersionsFolder(access.home, deploymentId) },
          );
          // The undo opens its own connection: it runs after this one is closed.
          return () =>
            onServer(
              folder,
              async (h) => {
                if (before === null) {
                  const r = await h.run(['rm', '-f', '--', envPath]);
                  if (r.code !== 0)
                    throw new AppError(
                      'BACKUP_UNDO_FAILED',
                      `.env on ${h.label} could not be removed again (exit ${r.code}).`,
                    );
                } else
                  await h.writeFileAtomic(envPath, before, {
                    mode: 0o600,
                    expectedSha256: res.sha256,
                    keepPreviousIn: null,
                  });
              },
              () => Promise.resolve(),
            );
        },
        () => local.write(folder, values, expectedSha256, deploymentId),
      ),
    folderExists: (folder) =>
      onServer(
        folder,
        async (host, path) => (await host.stat(path))?.kind === 'dir',
        () => local.folderExists(folder),
      ),
  };
}

function localEnvFilePort(passwordVariables: ReadonlySet<string>, home: string): EnvFilePort {
  return {
    folderExists: (folder) =>
      stat(folder).then(
        (s) => s.isDirectory(),
        () => false,
      ),
    async read(folder) {
      try {
        const r = await readEnvFile(join(folder, '.env'));
        return { values: envValues(r.doc), sha256: r.sha256 };
      } catch (e) {
        if (isAppError(e) && e.code === 'ENV_FILE_NOT_FOUND') return null;
        throw e;
      }
    },
    async write(folder, values, expectedSha256, deploymentId) {
      for (const [key, value] of Object.entries(values))
        if (passwordVariables.has(key)) assertStoredPasswordForm(key, value);
      const path = join(folder, '.env');
      const before = expectedSha256 === null ? null : await readFile(path);
      const res = await writeEnvFile(
        path,
        Object.entries(values).map(([key, value]) => ({ op: 'set' as const, key, value })),
        { expectedSha256, keepPreviousIn: previousVersionsFolder(home, deploymentId) },
      );
      return async () => {
        if (before === null) {
          const now = await readFile(path).then(sha256, () => null);
          if (now === res.sha256) await unlink(path);
        } else {
          await writeFileAtomic(path, before, { expectedSha256: res.sha256, keepPrevious: false });
        }
        // The copy of the previous file the editor kept is identical to what is back in place now.
        if (res.backupPath) await unlink(res.backupPath).catch(() => undefined);
      };
    },
  };
}
