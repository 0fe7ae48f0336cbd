import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackupService } from '../../../electron/core/backup/backup.service';
import { envFilePort, stateStorePort } from '../../../electron/core/backup/adapters';
import type { BackupDeps } from '../../../electron/core/backup/ports';
import { recoverInterruptedWrites } from '../../../electron/core/inventory/store-secrets';
import { fingerprintWith } from '../../../electron/core/inventory/fingerprint';
import { serviceFor, type Keychain } from '../../../electron/core/keychain/keychain';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { createJournal } from '../../../electron/core/journal/journal';
import { createLogger, memorySink } from '../../../electron/core/log/logger';
import { createStateStore } from '../../../electron/core/store/state-store';
import { passwordHashVariables } from '../../../electron/core/hashing/stored-form';
import { crucibleCeProfile } from '../../../electron/core/stack/crucible-ce';

const PASSWORD_VARS = passwordHashVariables(crucibleCeProfile);

/**
 * A restore the app does not survive (T-8 crash): the keychain stops answering after some live writes, the
 * process is gone, and the next start must find everything as it was before the restore. Real state store,
 * journal and .env port; the keychain is the in-memory one behind a wrapper that can hang.
 */
const WEAK = { kdf: { memoryKiB: 8, iterations: 1, parallelism: 1 }, weakKdfForTests: true };
const PASS = 'violet tractor sings under seven moons';
const ID = 'crucible-prod';
const LIVE = serviceFor(ID);
const BACKUP = {
  ROUNDTABLE_JWT_SECRET: 'CANARY-backup-jwt-0a1b2c3d4e5f',
  REDIS_PASSWORD: 'CANARY-backup-redis-9f8e7d6c',
  API_KEY_ENCRYPTION_KEY: 'CANARY-backup-fernet-5a4b3c2d',
};
const NOW = { ROUNDTABLE_JWT_SECRET: 'CANARY-now-jwt-112233445566', REDIS_PASSWORD: 'CANARY-now-redis-778899aabb' };

let home = '';
let folder = '';
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cs-restore-crash-'));
  folder = join(home, 'crucible');
  mkdirSync(folder);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** After `liveWrites` writes to the deployment's live entries, every further call hangs forever, like a dead process. */
function dying(inner: Keychain, liveWrites: number): { kc: Keychain; died: Promise<void> } {
  let n = 0;
  let die!: () => void;
  const died = new Promise<void>((r) => (die = r));
  const hang = <T>(): Promise<T> => (die(), new Promise<T>(() => undefined));
  const kc: Keychain = {
    backend: inner.backend,
    get: (s, a) => (n >= liveWrites ? hang() : inner.get(s, a)),
    list: (s) => (n >= liveWrites ? hang() : inner.list(s)),
    delete: (s, a) => (n >= liveWrites ? hang() : inner.delete(s, a)),
    ensureUsable: () => inner.ensureUsable(),
    set: (s, a, v) => {
      if (n >= liveWrites) return hang();
      if (s === LIVE) n++;
      return inner.set(s, a, v);
    },
  };
  return { kc, died };
}

function world(keychain: Keychain, memory: MemoryKeychain) {
  const logger = createLogger({ sink: memorySink() });
  const store = createStateStore({ file: join(home, 'state.json'), logger });
  const journal = createJournal({ file: join(home, 'journal.jsonl'), redactor: logger.redactor });
  const key = Buffer.alloc(32, 9);
  const clock = () => new Date();
  const secretsDeps = { store, journal, keychain: () => Promise.resolve<Keychain>(memory), logger, clock };
  const deps: BackupDeps = {
    keychain: () => Promise.resolve(keychain),
    state: stateStorePort(store, clock),
    journal,
    env: envFilePort(PASSWORD_VARS, { home }),
    passwordVariables: PASSWORD_VARS,
    fingerprinter: () => Promise.resolve((v) => fingerprintWith(key, v)),
    logger,
    clock,
    appVersion: 'test',
    recoverInterruptedWrites: (ids) => Promise.all(ids.map((id) => recoverInterruptedWrites(secretsDeps, id))),
    random: randomBytes,
  };
  return { store, journal, svc: createBackupService(deps, WEAK), secretsDeps };
}

async function liveValues(kc: Keychain, service = LIVE): Promise<Record<string, string>> {
  return Object.fromEntries((await kc.list(service)).map((e) => [e.account, e.value]).sort());
}

/** A registered deployment whose keychain held BACKUP when it was backed up, and holds NOW (two rotations) since. */
async function backedUp(): Promise<{ memory: MemoryKeychain; file: string }> {
  const memory = new MemoryKeychain();
  const setup = world(memory, memory);
  await setup.store.update((s) => {
    s.deployments.push({
      id: ID,
      name: 'Prod',
      folder,
      composeFiles: [],
      environment: 'production',
      createdAt: new Date().toISOString(),
    });
  });
  for (const [k, v] of Object.entries(BACKUP)) await memory.set(LIVE, k, v);
  const file = join(home, 'b.csbackup');
  await setup.svc.exportTo(file, [ID], PASS, PASS);
  for (const [k, v] of Object.entries(NOW)) await memory.set(LIVE, k, v);
  return { memory, file };
}

describe('a restore the app does not survive', () => {
  it('is put back by the recovery at the next start: keychain as before, no pending record, no rollback copies', async () => {
    const { memory, file } = await backedUp();
    await memory.delete(LIVE, 'API_KEY_ENCRYPTION_KEY'); // since the backup: one secret removed as well
    writeFileSync(join(folder, '.env'), `ROUNDTABLE_JWT_SECRET='${NOW.ROUNDTABLE_JWT_SECRET}'\n`, { mode: 0o600 });
    const before = await liveValues(memory);
    const envBefore = readFileSync(join(folder, '.env'), 'utf8');

    // The restore dies after two of its three live writes.
    const { kc, died } = dying(memory, 2);
    const doomed = world(kc, memory);
    const info = await doomed.svc.registerFile(file);
    const plan = await doomed.svc.planRestore(info.fileId, PASS);
    void doomed.svc.applyRestore({
      sessionId: plan.sessionId,
      deployments: [{ deploymentId: ID, secrets: plan.deployments[0]!.secrets.map((s) => s.name), rewriteEnv: true }],
    });
    await died;
    expect(await liveValues(memory)).not.toEqual(before); // half-written
    const stateText = readFileSync(join(home, 'state.json'), 'utf8');
    const pending = (
      JSON.parse(stateText) as {
        pendingKeychainWrites: Array<{ variables: string[]; created: string[]; rollbackService: string }>;
      }
    ).pendingKeychainWrites;
    expect(pending).toHaveLength(1);
    expect(pending[0]!.variables.sort()).toEqual(['API_KEY_ENCRYPTION_KEY', 'REDIS_PASSWORD', 'ROUNDTABLE_JWT_SECRET']);
    expect(pending[0]!.created).toEqual(['API_KEY_ENCRYPTION_KEY']);
    expect(stateText).not.toContain('CANARY'); // names only in the state

    // The next start: a new process over the same files and keychain.
    const next = world(memory, memory);
    expect(await recoverInterruptedWrites(next.secretsDeps)).toEqual([ID]);
    expect(await liveValues(memory)).toEqual(before);
    expect(await liveValues(memory, pending[0]!.rollbackService)).toEqual({});
    expect((await next.store.read()).pendingKeychainWrites).toEqual([]);
    expect(readFileSync(join(folder, '.env'), 'utf8')).toBe(envBefore);
    expect((await next.journal.read()).map((e) => e.type)).toContain('secrets.rolled-back');
    expect((await next.journal.verify()).ok).toBe(true);
  });

  it('is put back before the next restore applies, which then completes', async () => {
    const { memory, file } = await backedUp();

    const { kc, died } = dying(memory, 1);
    const doomed = world(kc, memory);
    const plan = await doomed.svc.planRestore((await doomed.svc.registerFile(file)).fileId, PASS);
    void doomed.svc.applyRestore({
      sessionId: plan.sessionId,
      deployments: [{ deploymentId: ID, secrets: ['REDIS_PASSWORD', 'ROUNDTABLE_JWT_SECRET'], rewriteEnv: false }],
    });
    await died;
    const rollbacks = (
      JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')) as {
        pendingKeychainWrites: Array<{ rollbackService: string }>;
      }
    ).pendingKeychainWrites.map((p) => p.rollbackService);
    expect(rollbacks).toHaveLength(1);

    // Without the Secrets page opened in between: the next restore repairs first, then applies.
    const next = world(memory, memory);
    const again = await next.svc.planRestore((await next.svc.registerFile(file)).fileId, PASS);
    await next.svc.applyRestore({
      sessionId: again.sessionId,
      deployments: [{ deploymentId: ID, secrets: again.deployments[0]!.secrets.map((s) => s.name), rewriteEnv: false }],
    });
    expect(await liveValues(memory)).toEqual(Object.fromEntries(Object.entries(BACKUP).sort()));
    const state = await next.store.read();
    expect(state.pendingKeychainWrites).toEqual([]);
    const types = (await next.journal.read()).map((e) => e.type);
    expect(types).toContain('secrets.rolled-back');
    expect(types.indexOf('secrets.rolled-back')).toBeLessThan(types.lastIndexOf('backup.restored'));
    for (const r of rollbacks) expect(await liveValues(memory, r)).toEqual({});
  });

  it('is left alone by a recovery in the same process while it runs (the Secrets page opened meanwhile)', async () => {
    const { memory, file } = await backedUp();

    // The keychain pauses after the first live write until released.
    let paused!: () => void;
    const atPause = new Promise<void>((r) => (paused = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let live = 0;
    const slow: Keychain = {
      backend: memory.backend,
      get: (s, a) => memory.get(s, a),
      list: (s) => memory.list(s),
      delete: (s, a) => memory.delete(s, a),
      ensureUsable: () => memory.ensureUsable(),
      set: async (s, a, v) => {
        if (s === LIVE && ++live === 2) {
          paused();
          await released;
        }
        return memory.set(s, a, v);
      },
    };
    const same = world(slow, memory);
    const plan = await same.svc.planRestore((await same.svc.registerFile(file)).fileId, PASS);
    const applying = same.svc.applyRestore({
      sessionId: plan.sessionId,
      deployments: [{ deploymentId: ID, secrets: ['REDIS_PASSWORD', 'ROUNDTABLE_JWT_SECRET'], rewriteEnv: false }],
    });
    await atPause;
    expect(await recoverInterruptedWrites(same.secretsDeps)).toEqual([]); // same store: the running write is skipped
    release();
    await applying;
    expect(await liveValues(memory)).toEqual({ ...Object.fromEntries(Object.entries(BACKUP).sort()) });
    expect((await same.store.read()).pendingKeychainWrites).toEqual([]);
  });

  it('goes ahead past a record that cannot be put back (its copies lost) and drops it once it has set every entry it covers', async () => {
    const { memory, file } = await backedUp();
    const w = world(memory, memory);
    // An earlier write left a record whose rollback copies are gone: recovery fails with KEYCHAIN_ROLLBACK_MISSING.
    await w.store.update((s) => {
      s.pendingKeychainWrites.push({
        id: 'deadbeef00000000',
        deploymentId: ID,
        variables: ['REDIS_PASSWORD'],
        created: [],
        rollbackService: `${LIVE}/rollback-deadbeef00000000`,
        startedAt: new Date().toISOString(),
      });
    });
    await expect(recoverInterruptedWrites(w.secretsDeps, ID)).rejects.toMatchObject({
      code: 'KEYCHAIN_ROLLBACK_MISSING',
    });
    const plan = await w.svc.planRestore((await w.svc.registerFile(file)).fileId, PASS);
    await w.svc.applyRestore({
      sessionId: plan.sessionId,
      deployments: [{ deploymentId: ID, secrets: ['REDIS_PASSWORD', 'ROUNDTABLE_JWT_SECRET'], rewriteEnv: false }],
    });
    expect((await w.store.read()).pendingKeychainWrites).toEqual([]);
    expect(await liveValues(memory)).toMatchObject({
      REDIS_PASSWORD: BACKUP.REDIS_PASSWORD,
      ROUNDTABLE_JWT_SECRET: BACKUP.ROUNDTABLE_JWT_SECRET,
    });
  });

  it('keeps an older record it does not fully cover', async () => {
    const { memory, file } = await backedUp();
    const w = world(memory, memory);
    await memory.set(`${LIVE}/rollback-feedface00000000`, 'OTHER_SECRET', 'CANARY-old-other-0011');
    await w.store.update((s) => {
      s.pendingKeychainWrites.push({
        id: 'feedface00000000',
        deploymentId: ID,
        variables: ['REDIS_PASSWORD', 'OTHER_SECRET'],
        created: [],
        rollbackService: `${LIVE}/rollback-feedface00000000`,
        startedAt: new Date().toISOString(),
      });
    });
    const plan = await w.svc.planRestore((await w.svc.registerFile(file)).fileId, PASS);
    await w.svc.applyRestore({
      sessionId: plan.sessionId,
      deployments: [{ deploymentId: ID, secrets: ['REDIS_PASSWORD'], rewriteEnv: false }],
    });
    expect((await w.store.read()).pendingKeychainWrites.map((p) => p.id)).toEqual(['feedface00000000']);
  });
});
