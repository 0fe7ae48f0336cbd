import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { createCoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { addDeployment } from '../../../electron/core/store/deployments';
import { makeFolder } from '../core/setup/helpers';

/**
 * The file vault unlocked by each command that needs it (issue 16): from stdin, from a file descriptor
 * when stdin carries another secret, or refused with advice when there is neither a pipe nor a terminal.
 * Every run builds its own core, as separate processes would, over the real FileVault.
 */
const PASS = 'correct horse battery staple';
const VALUE = 'CANARY-vault-unlock-value-7a6b5c';
const dirs: string[] = [];
/** `init` for a development deployment at `dir`, the login password on stdin, then `more`. */
const initDev = (dir: string, ...more: string[]): string[] => [
  'init',
  dir,
  '--environment',
  'development',
  '--public-url',
  'http://localhost:3000',
  '--password-stdin',
  ...more,
];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function rig() {
  const home = mkdtempSync(join(tmpdir(), 'cs-vault-cli-'));
  dirs.push(home);
  const folder = join(home, 'crucible');
  mkdirSync(folder);
  const fresh = () =>
    createCoreServices({
      home,
      logger: createLogger({ sink: nullSink }),
      vaultKdf: { memoryKiB: 1024, iterations: 1, parallelism: 1 },
      platform: 'linux',
      env: {},
    });
  const setup = fresh();
  await setup.keychains.createVault(PASS);
  await setup.store.update((s) => {
    s.settings.keychainBackend = 'file-vault';
    addDeployment(s, {
      id: 'vault-one',
      name: 'V',
      folder,
      composeFiles: [],
      environment: 'production',
      createdAt: new Date().toISOString(),
    });
  });
  await setup.inventory.store({ deploymentId: 'vault-one', values: { REDIS_PASSWORD: VALUE }, origin: 'generated' });
  const run = async (argv: string[], stdinText?: string) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const stdin = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    if (stdinText !== undefined) stdin.end(stdinText);
    const code = await runCli(argv, { stdout, stderr, stdin, env: {} }, { coreFactory: fresh });
    return { code, out, err };
  };
  /** A descriptor open on a file holding `text`, as `3< file` gives the CLI. */
  const fdWith = (text: string) => {
    const f = join(home, `fd-${randomBytes(6).toString('hex')}`);
    writeFileSync(f, text, { mode: 0o600 });
    return openSync(f, 'r');
  };
  return { home, folder, run, fdWith };
}

describe('unlocking the file vault from the CLI', () => {
  it('secrets list reads the passphrase from --vault-passphrase-stdin, the old --passphrase-stdin, or a descriptor', async () => {
    const t = await rig();
    const viaStdin = await t.run(['secrets', 'list', t.folder, '--json', '--vault-passphrase-stdin'], `${PASS}\n`);
    expect(viaStdin.code, viaStdin.err).toBe(0);
    expect(JSON.parse(viaStdin.out).refs.find((r: { name: string }) => r.name === 'REDIS_PASSWORD').status).toBe('ok');
    const old = await t.run(['secrets', 'list', t.folder, '--json', '--passphrase-stdin'], `${PASS}\n`);
    expect(old.code, old.err).toBe(0);
    const fd = t.fdWith(`${PASS}\nsecond line ignored\n`);
    const viaFd = await t.run(['secrets', 'drift', t.folder, '--vault-passphrase-fd', String(fd)]);
    expect(viaFd.err).not.toContain('KEYCHAIN_VAULT');
    expect([0, 1]).toContain(viaFd.code);
    for (const r of [viaStdin, old, viaFd]) expect(r.out + r.err).not.toContain(VALUE);
  });

  it('without a pipe or a terminal the command says how to pass the passphrase (exit 64), never VAULT_LOCKED', async () => {
    const t = await rig();
    const r = await t.run(['secrets', 'list', t.folder]);
    expect(r.code).toBe(64);
    expect(r.err).toContain('--vault-passphrase-stdin');
    expect(r.err).toContain('--vault-passphrase-fd');
    expect(r.err).not.toContain('KEYCHAIN_VAULT_LOCKED');
  });

  it('a wrong passphrase exits 69 and a closed descriptor is explained', async () => {
    const t = await rig();
    const wrong = await t.run([
      'secrets',
      'list',
      t.folder,
      '--vault-passphrase-fd',
      String(t.fdWith('not the passphrase\n')),
    ]);
    expect(wrong.code).toBe(69);
    expect(wrong.err).toContain('KEYCHAIN_VAULT_WRONG_PASSPHRASE');
    // A descriptor number nothing opened (a closed one could be reused by the command's own files).
    const closed = await t.run(['secrets', 'list', t.folder, '--vault-passphrase-fd', '987']);
    expect(closed.code).toBe(65);
    expect(closed.err).toContain('CLI_VAULT_FD_UNREADABLE');
  });

  it("a descriptor the caller did not open is refused, not read: Node's own fd 3 (epoll) would abort the process", async () => {
    const t = await rig();
    // The built CLI in its own process, given only stdin/stdout/stderr: fds 3 and up are Node's own.
    const r = spawnSync(
      process.execPath,
      ['bin/crucible-secrets.cjs', ...initDev(join(t.home, 'crucible'), '--vault-passphrase-fd', '3')],
      {
        input: 'copper lantern orbit meadow\n',
        encoding: 'utf8',
        timeout: 60_000,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, CRUCIBLE_SECRETS_HOME: t.home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
      },
    );
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(65);
    expect(r.stderr).toContain('CLI_VAULT_FD_UNREADABLE');
  });

  it('stdin cannot carry two secrets: --password-stdin with --vault-passphrase-stdin is refused before anything', async () => {
    const t = await rig();
    const d = makeFolder();
    dirs.push(d);
    const r = await t.run(initDev(d, '--vault-passphrase-stdin'), `copper lantern orbit meadow\n${PASS}\n`);
    expect(r.code).toBe(64);
    expect(r.err).toContain('--vault-passphrase-fd');
    expect(existsSync(join(d, '.env'))).toBe(false);
  });

  it('init sets up a deployment in the vault: login password on stdin, vault passphrase on a descriptor', async () => {
    const t = await rig();
    const d = makeFolder();
    dirs.push(d);
    const fd = t.fdWith(`${PASS}\n`);
    const r = await t.run(initDev(d, '--vault-passphrase-fd', String(fd), '--json'), 'copper lantern orbit meadow\n');
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as { deploymentId: string; variables: string[] };
    expect(result.variables.length).toBeGreaterThan(0);
    // The secrets are in the vault (readable with the passphrase), and the vault file holds no plaintext.
    const listed = await t.run(['secrets', 'list', d, '--json', '--vault-passphrase-stdin'], `${PASS}\n`);
    expect(listed.code, listed.err).toBe(0);
    expect((JSON.parse(listed.out) as { refs: Array<{ status: string }> }).refs.every((x) => x.status === 'ok')).toBe(
      true,
    );
    const env = readFileSync(join(d, '.env'), 'utf8');
    const aValue = /^REDIS_PASSWORD='([^']+)'/m.exec(env)?.[1];
    expect(aValue).toBeTruthy();
    expect(readFileSync(join(t.home, 'vault.cskv'), 'utf8')).not.toContain(aValue);
  });

  it('doctor reports the chosen vault as the store in use, and tests the passphrase when given one', async () => {
    const t = await rig();
    const plain = await t.run(['doctor', '--json']);
    const report = JSON.parse(plain.out) as {
      store: { backend: string; usable: boolean };
      checks: Array<{ name: string; ok: boolean }>;
    };
    expect(report.store).toMatchObject({ backend: 'file-vault', usable: true });
    expect(report.checks.find((c) => c.name === 'secret store')?.ok).toBe(true);
    const tested = await t.run(['doctor', '--vault-passphrase-stdin'], `${PASS}\n`);
    expect(tested.out).toMatch(/secret store +chosen, unlocked with the passphrase and read back: it works/);
    const wrong = await t.run(['doctor', '--vault-passphrase-stdin'], 'nope nope nope nope\n');
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('✗ secret store');
  });
});
