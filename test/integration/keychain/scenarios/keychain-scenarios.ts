/**
 * Keychain scenarios that lock or remove the keyring, so they run in a child process with a keyring
 * session of their own (test/integration/keychain/secrets-keyring.test.ts bundles this file with esbuild
 * and runs it under scripts/with-keyring.sh, or without D-Bus at all). Prints one JSON result on stdout.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoreServices } from '../../../../electron/core/services';
import { createLogger, memorySink } from '../../../../electron/core/log/logger';
import { KeytarKeychain } from '../../../../electron/core/keychain/keytar-keychain';
import { serviceFor, type Keychain } from '../../../../electron/core/keychain/keychain';
import { addDeployment } from '../../../../electron/core/store/deployments';
import { isAppError } from '../../../../electron/common/errors';

const ROOT = process.env.CS_REPO_ROOT ?? process.cwd();
const lock = () => execFileSync(join(ROOT, 'test/helpers/lock-keyring.sh'), { stdio: 'ignore' });
const unlock = () =>
  execFileSync('/usr/bin/python3', [join(ROOT, 'test/helpers/unlock-keyring.py')], { stdio: 'ignore' });
const code = (e: unknown) => (isAppError(e) ? e.code : `raw:${e instanceof Error ? e.message : String(e)}`);

async function setup(keychain?: Keychain) {
  const home = mkdtempSync(join(tmpdir(), 'cs-scn-'));
  const folder = join(home, 'crucible');
  mkdirSync(folder);
  const sink = memorySink();
  const core = createCoreServices({ home, logger: createLogger({ sink }), keychain });
  const id = 'scenario-one';
  await core.store.update((s) =>
    addDeployment(s, {
      id,
      name: 'Scenario',
      folder,
      composeFiles: [],
      environment: 'production',
      createdAt: new Date().toISOString(),
    }),
  );
  return { core, id, home, sink };
}

/** A real keychain that locks the real collection right after the first live write of a deployment. */
function lockingAfterFirstWrite(inner: KeytarKeychain, id: string): Keychain {
  let writes = 0;
  return {
    backend: inner.backend,
    get: (s, a) => inner.get(s, a),
    delete: (s, a) => inner.delete(s, a),
    list: (s) => inner.list(s),
    ensureUsable: () => inner.ensureUsable(),
    async set(s, a, v) {
      await inner.set(s, a, v);
      if (s === serviceFor(id) && ++writes === 1) lock();
    },
  };
}

async function lockedMidway() {
  const real = await KeytarKeychain.open();
  const { core, id, home } = await setup(lockingAfterFirstWrite(real, 'scenario-one'));
  // Seed through an unwrapped core over the same home, so the seed itself does not lock.
  const seed = createCoreServices({ home, logger: createLogger({ sink: memorySink() }), keychain: real });
  const OLD = {
    REDIS_PASSWORD: 'old-redis-value-1',
    POSTGRES_PASSWORD: 'old-pg-value-22',
    ROUNDTABLE_JWT_SECRET: 'old-jwt-value-333',
  };
  await seed.inventory.store({ deploymentId: id, values: OLD, origin: 'generated' });
  const metaBefore = (await core.store.read()).secrets[id];
  let envWritten = false;
  let storeError = '';
  try {
    await core.inventory.store({
      deploymentId: id,
      values: {
        REDIS_PASSWORD: 'new-redis-value-1',
        POSTGRES_PASSWORD: 'new-pg-value-22',
        ROUNDTABLE_JWT_SECRET: 'new-jwt-value-333',
      },
      origin: 'generated',
      alsoWrite: () => {
        envWritten = true;
        return Promise.resolve();
      },
    });
  } catch (e) {
    storeError = code(e);
  }
  const pendingWhileLocked = (await core.store.read()).pendingKeychainWrites.length;
  const listWhileLocked = await core.inventory.list(id);
  let revealWhileLocked = '';
  try {
    await core.inventory.reveal(id, 'REDIS_PASSWORD');
  } catch (e) {
    revealWhileLocked = code(e);
  }
  unlock();
  const listAfterUnlock = await core.inventory.list(id); // repairs first
  const values = Object.fromEntries((await real.list(serviceFor(id))).map((e) => [e.account, e.value]));
  const state = await core.store.read();
  return {
    storeError,
    envWritten,
    pendingWhileLocked,
    listWhileLocked: {
      problem: listWhileLocked.keychainProblem?.code ?? null,
      statuses: [...new Set(listWhileLocked.refs.map((r) => r.status))],
    },
    revealWhileLocked,
    statusesAfter: Object.fromEntries(listAfterUnlock.refs.filter((r) => r.name in OLD).map((r) => [r.name, r.status])),
    restored: JSON.stringify(values) === JSON.stringify({ ...values, ...OLD }) && Object.keys(values).length === 3,
    metadataUnchanged: JSON.stringify(state.secrets[id]) === JSON.stringify(metaBefore),
    pendingAfter: state.pendingKeychainWrites.length,
    journal: (await core.journal.read()).map((e) => e.type),
    journalOk: (await core.journal.verify()).ok,
    stateHasValues: /old-|new-/.test(readFileSync(join(home, 'state.json'), 'utf8')),
  };
}

async function lockedBefore() {
  const real = await KeytarKeychain.open();
  const { core, id, home } = await setup(real);
  await core.inventory.store({
    deploymentId: id,
    values: { REDIS_PASSWORD: 'old-redis-value-1' },
    origin: 'generated',
  });
  const stateBefore = readFileSync(join(home, 'state.json'), 'utf8');
  lock();
  let storeError = '';
  try {
    await core.inventory.store({
      deploymentId: id,
      values: { REDIS_PASSWORD: 'new-redis-value-1' },
      origin: 'generated',
    });
  } catch (e) {
    storeError = code(e);
  }
  const list = await core.inventory.list(id); // must not crash (findCredentials on a locked collection does)
  let driftError = '';
  try {
    await core.inventory.drift(id);
  } catch (e) {
    driftError = code(e);
  }
  const stateUnchanged = readFileSync(join(home, 'state.json'), 'utf8') === stateBefore;
  unlock();
  return {
    storeError,
    listProblem: list.keychainProblem?.code ?? null,
    listProblemMessage: list.keychainProblem?.message ?? '',
    driftError,
    stateUnchanged,
    valueAfter: await real.get(serviceFor(id), 'REDIS_PASSWORD'),
  };
}

/** Every file of the throwaway keyring (gnome-keyring rewrites login.keyring on each change). */
function keyringFiles(): string {
  const dir = join(process.env.XDG_DATA_HOME ?? '', 'keyrings');
  return readdirSync(dir)
    .sort()
    .map(
      (f) =>
        `${f}:${createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex')}`,
    )
    .join(',');
}

/**
 * Listing asks D-Bus whether the collection is locked instead of writing a probe: the keyring file stays
 * untouched, and a lock after a listing (answer cached) is still noticed before findCredentials could crash.
 */
async function listLockedAfterCached() {
  const kc = await KeytarKeychain.open();
  const service = serviceFor('scenario-cached');
  await kc.set(service, 'REDIS_PASSWORD', 'cached-value-1');
  const before = keyringFiles();
  const firstList = (await kc.list(service)).length;
  const secondList = (await kc.list(service)).length;
  const keyringUntouched = keyringFiles() === before;
  lock();
  // The lock arrives as a D-Bus signal on the monitor's pipe; an app lists some time after a lock.
  await new Promise((r) => setTimeout(r, 300));
  let lockedError = '';
  try {
    await kc.list(service);
  } catch (e) {
    lockedError = code(e);
  }
  unlock();
  await new Promise((r) => setTimeout(r, 300));
  const afterUnlock = (await kc.list(service)).map((e) => e.value);
  return { firstList, secondList, keyringUntouched, lockedError, afterUnlock };
}

async function noDbus() {
  const { core, id } = await setup();
  let storeError = '';
  try {
    await core.inventory.store({ deploymentId: id, values: { REDIS_PASSWORD: 'a-value-123456' }, origin: 'generated' });
  } catch (e) {
    storeError = code(e);
  }
  const list = await core.inventory.list(id);
  return {
    storeError,
    listProblem: list.keychainProblem?.code ?? null,
    listProblemMessage: list.keychainProblem?.message ?? '',
    pending: (await core.store.read()).pendingKeychainWrites.length,
  };
}

const scenarios: Record<string, () => Promise<unknown>> = {
  'locked-midway': lockedMidway,
  'locked-before': lockedBefore,
  'no-dbus': noDbus,
  'list-locked-after-cached': listLockedAfterCached,
};
const name = process.argv[2] ?? '';
const run = scenarios[name];
if (!run) {
  process.stderr.write(`unknown scenario ${name}\n`);
  process.exit(2);
}
run().then(
  (r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
    process.exit(0);
  },
  (e: unknown) => {
    process.stdout.write(JSON.stringify({ crashed: code(e) }) + '\n');
    process.exit(1);
  },
);
