import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFolder } from '../core/setup/helpers';

/**
 * A headless server, for real (issue 16): the CLI bundled as it ships and run in a child process whose
 * environment has no D-Bus session (the keyring wrapper's bus is removed), so keytar meets no Secret
 * Service; then through the real file vault with the real Argon2id parameters.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BUNDLE = join(ROOT, 'node_modules', '.cache', 'cs-test-cli', `cli-${String(process.pid)}.cjs`);
const VAULT_PASS = 'CANARY vault passphrase headless 4e3d';
const LOGIN_PASS = 'CANARY copper lantern orbit meadow';
const BACKUP_PASS = 'CANARY backup passphrase violet harbour 9';

let home: string;
let work: string;

beforeAll(async () => {
  await build({
    entryPoints: [join(ROOT, 'electron/cli/index.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['keytar', 'argon2', 'bcrypt'],
    define: { __APP_VERSION__: JSON.stringify('0.0.0-test') },
    logLevel: 'error',
  });
  home = mkdtempSync(join(tmpdir(), 'cs-headless-home-'));
  work = mkdtempSync(join(tmpdir(), 'cs-headless-work-'));
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  rmSync(BUNDLE, { force: true });
});

/** Runs the CLI with a clean environment: no DBUS_SESSION_BUS_ADDRESS (or one that leads nowhere), no DISPLAY, no XDG_RUNTIME_DIR. */
function cli(args: string[], opts: { stdin?: string; fd3?: string; bus?: 'unset' | 'nowhere' } = {}) {
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin',
    HOME: work,
    CRUCIBLE_SECRETS_HOME: home,
    NODE_PATH: join(ROOT, 'node_modules'),
    LANG: 'C.UTF-8',
  };
  if (opts.bus === 'nowhere') env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${join(work, 'no-such-bus')}`;
  let fd: number | undefined;
  if (opts.fd3 !== undefined) {
    const f = join(work, `fd3-${randomBytes(6).toString('hex')}`);
    writeFileSync(f, opts.fd3, { mode: 0o600 });
    fd = openSync(f, 'r');
  }
  try {
    const r = spawnSync(process.execPath, [BUNDLE, ...args], {
      env,
      input: opts.stdin ?? '',
      stdio: fd === undefined ? 'pipe' : ['pipe', 'pipe', 'pipe', fd],
      encoding: 'utf8',
      timeout: 60_000,
    });
    for (const secret of [VAULT_PASS, LOGIN_PASS, BACKUP_PASS])
      expect(`${r.stdout}${r.stderr}`, `${args.join(' ')} printed a secret`).not.toContain(secret);
    return { code: r.status, out: r.stdout, err: r.stderr };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

describe('the CLI on a machine without a Secret Service', () => {
  it('doctor explains the choice, naming `keychain use vault`', () => {
    for (const bus of ['unset', 'nowhere'] as const) {
      const r = cli(['doctor'], { bus });
      expect(r.code, r.err).toBe(1);
      expect(r.out).toMatch(/✗ secret store/);
      expect(r.out).toContain('no usable OS keychain');
      expect(r.out).toContain('crucible-secrets keychain use vault');
    }
  });

  it('init without a usable keychain stops before generating or writing anything, naming `keychain use vault`', () => {
    const dir = makeFolder();
    try {
      const started = Date.now();
      const r = cli(['init', dir, '--environment', 'development', '--public-url', 'http://localhost:3000'], {
        bus: 'nowhere',
      });
      expect(r.code).toBe(69);
      expect(r.err).toContain('crucible-secrets keychain use vault');
      expect(r.err).toContain('Nothing was done');
      expect(existsSync(join(dir, '.env'))).toBe(false);
      expect(r.err).not.toContain('Login password');
      // Only the keychain probe ran: no bcrypt hash (cost 12), no Argon2id.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after `keychain use vault`, doctor reports the vault, and init, secrets, incident and backup unlock it', () => {
    const chosen = cli(['keychain', 'use', 'vault', '--passphrase-stdin'], { stdin: `${VAULT_PASS}\n` });
    expect(chosen.code, chosen.err).toBe(0);
    expect(readFileSync(join(home, 'vault.cskv'), 'utf8')).not.toContain(VAULT_PASS);

    const doctor = cli(['doctor', '--json'], { bus: 'nowhere' });
    const report = JSON.parse(doctor.out) as {
      ok: boolean;
      store: { backend: string; usable: boolean };
      keychain: { usable: boolean };
    };
    expect(report.store).toMatchObject({ backend: 'file-vault', usable: true });
    expect(report.keychain.usable).toBe(false);
    expect(doctor.code).toBe(report.ok ? 0 : 1);
    const tested = cli(['doctor', '--vault-passphrase-stdin'], { stdin: `${VAULT_PASS}\n` });
    expect(tested.out).toMatch(/✓ secret store +chosen, unlocked with the passphrase and read back: it works/);
    expect(tested.out).toContain('os-keychain');

    // No terminal, no option: the command says how, and never just "the vault is locked".
    const dir = makeFolder();
    try {
      const noWay = cli(['init', dir, '--environment', 'development', '--public-url', 'http://localhost:3000']);
      expect(noWay.code).toBe(64);
      expect(noWay.err).toContain('--vault-passphrase-stdin');
      expect(existsSync(join(dir, '.env'))).toBe(false);

      // The login password on stdin, the vault passphrase on descriptor 3.
      const init = cli(
        [
          'init',
          dir,
          '--environment',
          'development',
          '--public-url',
          'http://localhost:3000',
          '--password-stdin',
          '--vault-passphrase-fd',
          '3',
          '--json',
        ],
        { stdin: `${LOGIN_PASS}\n`, fd3: `${VAULT_PASS}\n` },
      );
      expect(init.code, init.err).toBe(0);
      expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('REDIS_PASSWORD=');

      const list = cli(['secrets', 'list', dir, '--json', '--vault-passphrase-stdin'], { stdin: `${VAULT_PASS}\n` });
      expect(list.code, list.err).toBe(0);
      const refs = (JSON.parse(list.out) as { refs: Array<{ status: string }> }).refs;
      expect(refs.length).toBeGreaterThan(0);
      expect(refs.every((x) => x.status === 'ok')).toBe(true);

      const wrong = cli(['secrets', 'drift', dir, '--vault-passphrase-stdin'], { stdin: 'not the vault passphrase\n' });
      expect(wrong.code).toBe(69);
      expect(wrong.err).toContain('KEYCHAIN_VAULT_WRONG_PASSPHRASE');

      const incident = cli(['incident', 'start', dir, '--title', 'Headless drill', '--vault-passphrase-stdin'], {
        stdin: `${VAULT_PASS}\n`,
      });
      expect(incident.code, incident.err).toBe(0);
      const tick = cli(['incident', 'skip', 'Stop the worker', '--reason', 'drill', '--vault-passphrase-stdin'], {
        stdin: `${VAULT_PASS}\n`,
      });
      expect(tick.code, tick.err).toBe(0);

      const backupFile = join(work, 'headless.csbackup');
      const backup = cli(
        ['backup', 'export', dir, '--out', backupFile, '--passphrase-stdin', '--vault-passphrase-fd', '3'],
        { stdin: `${BACKUP_PASS}\n`, fd3: `${VAULT_PASS}\n` },
      );
      expect(backup.code, backup.err).toBe(0);
      expect(existsSync(backupFile)).toBe(true);

      const rotate = cli(['rotate', dir, 'REDIS_PASSWORD', '--yes', '--vault-passphrase-stdin'], {
        stdin: `${VAULT_PASS}\n`,
      });
      expect(rotate.err).not.toContain('KEYCHAIN_VAULT_LOCKED');
      expect(rotate.code).not.toBe(69);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
