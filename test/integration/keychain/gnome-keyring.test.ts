import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KeytarKeychain } from '../../../electron/core/keychain/keytar-keychain';
import { diagnoseKeychain } from '../../../electron/core/keychain/doctor';

/**
 * Runs against the real gnome-keyring in the private D-Bus session that scripts/with-keyring.sh starts
 * (npm test runs vitest inside it). Without that session these tests fail on purpose: a keychain test
 * that silently skips proves nothing.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const inKeyring = process.env.CS_IN_KEYRING === '1';

describe('OS keychain (gnome-keyring over D-Bus)', () => {
  it('runs inside the throwaway keyring session', () => {
    expect(inKeyring, 'run through scripts/with-keyring.sh (npm test does)').toBe(true);
    expect(process.env.DBUS_SESSION_BUS_ADDRESS).toBeTruthy();
  });

  it('the doctor finds a usable Secret Service with a real round trip', async () => {
    const status = await diagnoseKeychain();
    expect(status).toMatchObject({
      backend: 'secret-service',
      usable: true,
      facts: { dbusSessionBus: true, locked: false },
    });
  });

  it('stores, lists in one batch, reads back and deletes secrets', async () => {
    const kc = await KeytarKeychain.open();
    const service = `crucible-secrets/test-${randomBytes(4).toString('hex')}`;
    const values = {
      REDIS_PASSWORD: randomBytes(32).toString('base64url'),
      ROUNDTABLE_JWT_SECRET: randomBytes(48).toString('base64url'),
    };
    for (const [k, v] of Object.entries(values)) await kc.set(service, k, v);
    expect(await kc.get(service, 'REDIS_PASSWORD')).toBe(values.REDIS_PASSWORD);
    const listed = await kc.list(service);
    expect(Object.fromEntries(listed.map((e) => [e.account, e.value]))).toEqual(values);
    expect(await kc.delete(service, 'REDIS_PASSWORD')).toBe(true);
    expect(await kc.get(service, 'REDIS_PASSWORD')).toBeNull();
    await kc.delete(service, 'ROUNDTABLE_JWT_SECRET');
    expect(await kc.list(service)).toEqual([]);
  });

  it('without any D-Bus the CLI doctor explains the problem and exits 1', () => {
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    env.CRUCIBLE_SECRETS_HOME = join(
      process.env.XDG_RUNTIME_DIR ?? '/tmp',
      `cs-nodbus-${randomBytes(3).toString('hex')}`,
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'crucible-secrets.cjs'), 'doctor', '--json'], {
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.keychain).toMatchObject({ usable: false, problem: { code: 'NO_DBUS' } });
    expect(report.keychain.problem.fix).toContain('dbus-run-session');
  });

  it('with a locked collection the CLI doctor says LOCKED and how to unlock', () => {
    // A keyring session of its own, so locking it cannot disturb the other tests.
    const script = [
      'gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets --method org.freedesktop.Secret.Service.Lock "[\'/org/freedesktop/secrets/collection/login\']" >/dev/null',
      'exec node bin/crucible-secrets.cjs doctor --json',
    ].join(' && ');
    const env = {
      ...process.env,
      CS_IN_KEYRING: '',
      CRUCIBLE_SECRETS_HOME: join(process.env.XDG_RUNTIME_DIR ?? '/tmp', 'cs-locked'),
    };
    const r = spawnSync(join(ROOT, 'scripts', 'with-keyring.sh'), ['sh', '-c', script], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.keychain.usable).toBe(false);
    expect(['LOCKED', 'TIMEOUT']).toContain(report.keychain.problem.code);
    expect(report.keychain.problem.fix).toMatch(/[Uu]nlock/);
  });
});

describe('after the lock test', () => {
  it('the keyring is usable again for later tests', async () => {
    expect((await diagnoseKeychain()).usable).toBe(true);
  });
});
