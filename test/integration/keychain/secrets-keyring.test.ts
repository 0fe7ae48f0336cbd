import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCoreServices } from '../../../electron/core/services';
import { createLogger, memorySink } from '../../../electron/core/log/logger';
import { KeytarKeychain } from '../../../electron/core/keychain/keytar-keychain';
import { FileVault } from '../../../electron/core/keychain/file-vault';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import { addDeployment } from '../../../electron/core/store/deployments';

/**
 * The secrets inventory against the real gnome-keyring (scripts/with-keyring.sh). Scenarios that lock the
 * keyring or remove D-Bus run in a child process with a keyring session of their own, so they cannot
 * disturb the other tests.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BUNDLE = join(ROOT, 'node_modules', '.cache', 'cs-test-scenarios', `keychain-scenarios-${process.pid}.cjs`);

beforeAll(async () => {
  await build({
    entryPoints: [join(ROOT, 'test/integration/keychain/scenarios/keychain-scenarios.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['keytar', 'argon2', 'bcrypt'],
    logLevel: 'error',
  });
});

function scenario(name: string, env: NodeJS.ProcessEnv, inOwnKeyring: boolean) {
  const cmd = inOwnKeyring ? join(ROOT, 'scripts', 'with-keyring.sh') : process.execPath;
  const args = inOwnKeyring ? [process.execPath, BUNDLE, name] : [BUNDLE, name];
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    env: { ...env, NODE_PATH: join(ROOT, 'node_modules'), CS_REPO_ROOT: ROOT },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  expect(line, `scenario ${name} printed nothing (exit ${r.status ?? r.signal}): ${r.stderr.slice(-500)}`).not.toBe('');
  return { status: r.status, signal: r.signal, result: JSON.parse(line) };
}

describe('secrets in the real keychain', () => {
  it('stores a deployment’s secrets, lists references, reveals, and reports drift', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cs-kr-'));
    const folder = join(home, 'crucible');
    mkdirSync(folder);
    const sink = memorySink();
    const core = createCoreServices({ home, logger: createLogger({ sink }) });
    const id = `kr-${process.pid}-${Date.now().toString(36)}`;
    await core.store.update((s) =>
      addDeployment(s, {
        id,
        name: 'KR',
        folder,
        composeFiles: [],
        environment: 'development',
        createdAt: new Date().toISOString(),
      }),
    );
    const values = {
      REDIS_PASSWORD: 'CANARY-kr-redis-8c7b6a5f4e',
      ROUNDTABLE_JWT_SECRET: 'CANARY-kr-jwt-1a2b3c4d5e6f',
    };
    await core.inventory.store({ deploymentId: id, values, origin: 'generated' });
    expect((await core.keychains.get()).backend).toBe('secret-service');
    const list = await core.inventory.list(id);
    expect(list.keychainProblem).toBeNull();
    expect(
      list.refs
        .filter((r) => r.status === 'ok')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['REDIS_PASSWORD', 'ROUNDTABLE_JWT_SECRET']);
    expect(await core.inventory.reveal(id, 'REDIS_PASSWORD')).toBe(values.REDIS_PASSWORD);
    writeFileSync(join(folder, '.env'), `REDIS_PASSWORD=${values.REDIS_PASSWORD}\nROUNDTABLE_JWT_SECRET=stale\n`);
    const drift = await core.inventory.drift(id);
    expect(drift.items.find((i) => i.name === 'REDIS_PASSWORD')?.status).toBe('in-sync');
    expect(drift.items.find((i) => i.name === 'ROUNDTABLE_JWT_SECRET')?.status).toBe('differs');
    const everything =
      readFileSync(join(home, 'state.json'), 'utf8') +
      readFileSync(join(home, 'journal.jsonl'), 'utf8') +
      sink.lines.join('\n') +
      JSON.stringify(list) +
      JSON.stringify(drift);
    for (const v of Object.values(values)) expect(everything).not.toContain(v);
    const kc = await KeytarKeychain.open();
    for (const k of Object.keys(values)) await kc.delete(serviceFor(id), k);
  });

  it('a keyring locked before the operation: nothing is written, listing explains instead of crashing', () => {
    const { status, result } = scenario('locked-before', { ...process.env, CS_IN_KEYRING: '' }, true);
    expect(status).toBe(0);
    expect(result).toMatchObject({
      storeError: 'KEYCHAIN_LOCKED',
      listProblem: 'KEYCHAIN_LOCKED',
      driftError: 'KEYCHAIN_LOCKED',
      stateUnchanged: true,
      valueAfter: 'old-redis-value-1',
    });
    expect(result.listProblemMessage).toMatch(/[Uu]nlock/);
  });

  it('listing writes nothing to the keyring and still refuses, without crashing, once it is locked', () => {
    const { status, result } = scenario('list-locked-after-cached', { ...process.env, CS_IN_KEYRING: '' }, true);
    expect(status).toBe(0);
    expect(result).toEqual({
      firstList: 1,
      secondList: 1,
      keyringUntouched: true,
      lockedError: 'KEYCHAIN_LOCKED',
      afterUnlock: ['cached-value-1'],
    });
  });

  it('a keyring locked in the middle of a write: fails as a whole, .env never written, previous values back once unlocked', () => {
    const { status, result } = scenario('locked-midway', { ...process.env, CS_IN_KEYRING: '' }, true);
    expect(status).toBe(0);
    expect(result).toMatchObject({
      storeError: 'KEYCHAIN_WRITE_INTERRUPTED',
      envWritten: false,
      pendingWhileLocked: 1,
      listWhileLocked: { statuses: ['interrupted'] },
      revealWhileLocked: 'SECRETS_INTERRUPTED',
      statusesAfter: { REDIS_PASSWORD: 'ok', POSTGRES_PASSWORD: 'ok', ROUNDTABLE_JWT_SECRET: 'ok' },
      restored: true,
      metadataUnchanged: true,
      pendingAfter: 0,
      journalOk: true,
      stateHasValues: false,
    });
    expect(result.journal).toEqual(['secrets.stored', 'secrets.store-failed', 'secrets.rolled-back']);
  });

  it('no D-Bus at all: the operation fails with the NO_DBUS advice and nothing is pending', () => {
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const { status, result } = scenario('no-dbus', env, false);
    expect(status).toBe(0);
    expect(result).toMatchObject({ storeError: 'KEYCHAIN_NO_DBUS', listProblem: 'KEYCHAIN_NO_DBUS', pending: 0 });
    expect(result.listProblemMessage).toContain('dbus-run-session');
  });
});

describe('file vault with the default argon2id parameters', () => {
  it('round-trips through a real create, lock and unlock', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'cs-vault-int-')), 'vault.cskv');
    const t0 = performance.now();
    const v = await FileVault.create(f, 'correct horse battery staple');
    const createMs = performance.now() - t0;
    await v.set('crucible-secrets/x', 'A', 'CANARY-vault-int-value-42');
    v.lock();
    const again = await FileVault.unlock(f, 'correct horse battery staple');
    expect(await again.get('crucible-secrets/x', 'A')).toBe('CANARY-vault-int-value-42');
    expect(JSON.parse(readFileSync(f, 'utf8')).kdf).toMatchObject({ memoryKiB: 65536, iterations: 3, parallelism: 1 });
    expect(createMs).toBeGreaterThan(0);
  });
});
