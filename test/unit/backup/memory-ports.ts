import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { createLogger, memorySink } from '../../../electron/core/log/logger';
import { createHmac } from 'node:crypto';
import { envFilePort } from '../../../electron/core/backup/adapters';
import type {
  BackupDeps,
  BackupJournalPort,
  BackupStatePort,
  RestoredDeploymentRecord,
  SecretMetaView,
} from '../../../electron/core/backup/ports';
import type { DeploymentRef } from '../../../electron/common/model/deployment';
import type { PendingKeychainWrite } from '../../../electron/core/store/schema';
import { passwordHashVariables } from '../../../electron/core/hashing/stored-form';
import { crucibleCeProfile } from '../../../electron/core/stack/crucible-ce';

const PASSWORD_VARS = passwordHashVariables(crucibleCeProfile);

/** In-memory ports for unit tests of the backup services (the real keychain is used in integration tests). */
export function memoryDeps(options: {
  deployments: DeploymentRef[];
  metas?: Record<string, Record<string, SecretMetaView>>;
  failRecord?: boolean;
  home: string;
}) {
  const sink = memorySink();
  const logger = createLogger({ sink });
  const keychain = new MemoryKeychain();
  const journalEntries: Array<{ type: string; at: string; deploymentId?: string; details: Record<string, unknown> }> =
    [];
  const deployments = [...options.deployments];
  const metas = options.metas ?? {};
  const restored: RestoredDeploymentRecord[][] = [];
  const pending: PendingKeychainWrite[] = [];
  let tx = 0;
  let now = new Date('2026-11-30T10:00:00.000Z');
  const state: BackupStatePort = {
    deployments: () => Promise.resolve([...deployments]),
    secretMeta: (id) => Promise.resolve(metas[id] ?? {}),
    checklist: (id) =>
      Promise.resolve(
        id === deployments[0]?.id ? [{ id: 'env-not-in-git', done: true, at: '2026-11-29T10:00:00.000Z' }] : [],
      ),
    beginKeychainWrites: (p) => {
      pending.push(...p);
      return Promise.resolve();
    },
    markWriteRunning: () => () => undefined,
    endKeychainWrites: (ids) => {
      pending.splice(0, pending.length, ...pending.filter((p) => !ids.includes(p.id)));
      return Promise.resolve();
    },
    recordRestore: (items, ids) => {
      if (options.failRecord) return Promise.reject(new Error('disk full'));
      pending.splice(0, pending.length, ...pending.filter((p) => !ids.includes(p.id)));
      restored.push(items);
      for (const i of items) if (!deployments.some((d) => d.id === i.deployment.id)) deployments.push(i.deployment);
      return Promise.resolve([]);
    },
  };
  const journal: BackupJournalPort = {
    append: (e) => {
      journalEntries.push({
        type: e.type,
        at: now.toISOString(),
        deploymentId: e.deploymentId,
        details: e.details ?? {},
      });
      return Promise.resolve();
    },
    appendAll: (es) => {
      for (const e of es)
        journalEntries.push({
          type: e.type,
          at: now.toISOString(),
          deploymentId: e.deploymentId,
          details: e.details ?? {},
        });
      return Promise.resolve();
    },
    read: () => Promise.resolve([...journalEntries]),
  };
  const key = Buffer.alloc(32, 7);
  const deps: BackupDeps = {
    keychain: () => Promise.resolve(keychain),
    state,
    journal,
    env: envFilePort(PASSWORD_VARS, { home: options.home }),
    passwordVariables: PASSWORD_VARS,
    fingerprinter: () => Promise.resolve((v: string) => createHmac('sha256', key).update(v).digest('hex').slice(0, 16)),
    logger,
    clock: () => now,
    appVersion: '0.1.0-test',
    // Transaction ids 0101…, 0202…: rollback services the tests can name.
    random: (n: number) => Buffer.alloc(n, ++tx),
  };
  return {
    deps,
    keychain,
    logLines: sink.lines,
    journalEntries,
    restored,
    pending,
    deploymentsNow: () => deployments,
    setNow: (d: Date) => {
      now = d;
    },
  };
}
