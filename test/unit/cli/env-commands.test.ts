import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { envValues, parseEnv } from '../../../electron/core/envfile';
import { verifyPassword } from '../../../electron/core/hashing';

const fixture = (n: string) => new URL(`../../fixtures/env/${n}`, import.meta.url).pathname;
const dir = () => mkdtempSync(join(tmpdir(), 'cs-cli-env-'));

function io(stdinText?: string, tty = false) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  if (tty) {
    stdin.isTTY = true;
    stdin.setRawMode = () => stdin;
  }
  if (stdinText !== undefined) stdin.end(stdinText);
  // These commands never need the app's state folder: fail loudly if one asks for it.
  const coreFactory = () => {
    throw new Error('core() must not be needed');
  };
  return { io: { stdout, stderr, stdin, env: {} }, stdin, stderr, coreFactory, out: () => out, err: () => err };
}

describe('crucible-secrets generate', () => {
  it('prints a complete .env on stdout and the login password once on stderr; the .env holds only its hash', async () => {
    const t = io();
    expect(await runCli(['generate', '--environment', 'development'], t.io, { coreFactory: t.coreFactory })).toBe(0);
    const values = envValues(parseEnv(t.out()));
    expect([...values.keys()]).toEqual(
      expect.arrayContaining([
        'API_KEY_ENCRYPTION_KEY',
        'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
        'ROUNDTABLE_JWT_SECRET',
        'ROUNDTABLE_JWT_REFRESH_SECRET',
        'POSTGRES_USER',
        'POSTGRES_PASSWORD',
        'REDIS_PASSWORD',
      ]),
    );
    const password = /shown once[^\n]*\n {2}(\S+)/.exec(t.err())?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(t.out()).not.toContain(password);
    expect(t.err().split(password!).length - 1).toBe(1);
    expect(await verifyPassword(password!, values.get('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')!)).toBe(true);
  });

  it('--out writes a 0600 file atomically and never replaces an existing one', async () => {
    const d = dir();
    const f = join(d, '.env');
    const t = io();
    expect(
      await runCli(['generate', '-e', 'production', '--frontend-url', 'https://c.example.com', '--out', f], t.io, {
        coreFactory: t.coreFactory,
      }),
    ).toBe(0);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(t.out()).toBe('');
    const before = readFileSync(f, 'utf8');
    const t2 = io();
    expect(
      await runCli(['generate', '-e', 'production', '--frontend-url', 'https://c.example.com', '--out', f], t2.io, {
        coreFactory: t2.coreFactory,
      }),
    ).toBe(65);
    expect(t2.err()).toContain('already exists');
    expect(readFileSync(f, 'utf8')).toBe(before);
  });

  it('production needs --public-url (old name --frontend-url); a bad environment is a usage error', async () => {
    const t = io();
    expect(await runCli(['generate', '-e', 'production'], t.io)).toBe(64);
    expect(t.err()).toContain('--public-url');
    expect(await runCli(['generate', '-e', 'prod'], io().io)).toBe(64);
  });
});

describe('crucible-secrets hash-password', () => {
  it('reads the first line of stdin and prints the single-quoted .env line', async () => {
    const t = io('correct horse battery staple\n');
    expect(await runCli(['hash-password'], t.io, { coreFactory: t.coreFactory })).toBe(0);
    const m = /^ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='(\$2b\$12\$[./A-Za-z0-9]{53})'\n$/.exec(t.out());
    expect(m).not.toBeNull();
    expect(await verifyPassword('correct horse battery staple', m![1]!)).toBe(true);
    expect(t.out() + t.err()).not.toContain('correct horse');
  });

  it('prompts twice without echo on a TTY', async () => {
    const t = io(undefined, true);
    t.stderr.on('data', (d: Buffer) => {
      if (d.toString().includes('New login password')) setImmediate(() => t.stdin.write('Sup3r-secret-pw\r'));
      if (d.toString().includes('Repeat')) setImmediate(() => t.stdin.write('Sup3r-secreX\x7ft-pw\r'));
    });
    expect(await runCli(['hash-password', '--json'], t.io, { coreFactory: t.coreFactory })).toBe(0);
    const out = JSON.parse(t.out()) as { hash: string; line: string };
    expect(await verifyPassword('Sup3r-secret-pw', out.hash)).toBe(true);
    expect(t.err()).not.toContain('Sup3r');
  });

  it('refuses mismatching prompts', async () => {
    const t = io(undefined, true);
    t.stderr.on('data', (d: Buffer) => {
      if (d.toString().includes('New login password')) setImmediate(() => t.stdin.write('first-password\r'));
      if (d.toString().includes('Repeat')) setImmediate(() => t.stdin.write('second-password\r'));
    });
    expect(await runCli(['hash-password'], t.io, { coreFactory: t.coreFactory })).toBe(65);
    expect(t.err()).toContain('differ');
  });

  it('refuses a password over 72 bytes with a clear message, and a short one', async () => {
    const t = io(`${'ü'.repeat(40)}\n`);
    expect(await runCli(['hash-password'], t.io, { coreFactory: t.coreFactory })).toBe(65);
    expect(t.err()).toMatch(/80 bytes.*at most 72/);
    const s = io('short\n');
    expect(await runCli(['hash-password'], s.io, { coreFactory: s.coreFactory })).toBe(65);
    expect(s.err()).toContain('fewer than 8');
  });

  it('refuses a cost below 12', async () => {
    const t = io('correct horse battery staple\n');
    expect(await runCli(['hash-password', '--cost', '10'], t.io, { coreFactory: t.coreFactory })).toBe(65);
    expect(t.err()).toContain('12 to 16');
  });
});

describe('crucible-secrets check-env', () => {
  const run = async (args: string[]) => {
    const t = io();
    const code = await runCli(['check-env', ...args], t.io, { coreFactory: t.coreFactory });
    return { code, out: t.out(), err: t.err() };
  };

  it('exit 0 for a clean generated production .env', async () => {
    const d = dir();
    const f = join(d, '.env');
    await runCli(['generate', '-e', 'production', '--frontend-url', 'https://c.example.com', '--out', f], io().io);
    const r = await run([f]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('.env as production: 0 errors, 0 warnings');
  });

  it('exit 1 for warnings (stock .env in development), 2 for errors (same file in production)', async () => {
    expect((await run([fixture('crucible-stock.env')])).code).toBe(1);
    const r = await run([fixture('crucible-stock.env'), '--environment', 'production']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('ENV_PLAINTEXT_PASSWORD');
  });

  it('--json gives findings and counts, never a value', async () => {
    const r = await run([fixture('crucible-stock.env'), '--json', '-e', 'production']);
    const j = JSON.parse(r.out) as { exitCode: number; findings: Array<{ code: string }>; counts: { error: number } };
    expect(j.exitCode).toBe(2);
    expect(j.counts.error).toBeGreaterThan(0);
    const stockValues = [...envValues(parseEnv(readFileSync(fixture('crucible-stock.env'), 'utf8'))).values()].filter(
      (v) => v.length > 8,
    );
    for (const v of stockValues) expect(r.out).not.toContain(v);
  });

  it('broken files: exit 2 with the line; a missing file: exit 65', async () => {
    const r = await run([fixture('broken-unterminated-quote.env')]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/line 2 .*never closed/);
    const big = join(dir(), '.env');
    writeFileSync(big, Buffer.alloc(10 * 1024 * 1024, 'A=1\n'));
    expect((await run([big])).code).toBe(2);
    expect((await run([join(dir(), 'nope.env')])).code).toBe(65);
    expect((await run([])).code).toBe(64);
  });
});

describe('the built CLI binary', { timeout: 180_000 }, () => {
  beforeAll(() => {
    execFileSync('npm', ['run', '-s', 'build:electron'], { stdio: 'ignore', timeout: 120_000 });
  });

  it('runs check-env and hash-password as a real process', () => {
    expect(existsSync('dist/cli/cli.cjs')).toBe(true);
    const c = spawnSync(
      process.execPath,
      ['bin/crucible-secrets.cjs', 'check-env', fixture('crucible-stock.env'), '--json'],
      { encoding: 'utf8', env: { ...process.env, CRUCIBLE_SECRETS_HOME: dir() } },
    );
    expect(c.status).toBe(1);
    expect((JSON.parse(c.stdout) as { environment: string }).environment).toBe('development');
    const h = spawnSync(process.execPath, ['bin/crucible-secrets.cjs', 'hash-password'], {
      input: 'a-long-enough-password\n',
      encoding: 'utf8',
      env: { ...process.env, CRUCIBLE_SECRETS_HOME: dir() },
    });
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/^ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='\$2b\$12\$/);
  });

  it('answers --version and help without any command code, and runs check-env without the other commands (issue 20)', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'cs-cli-lazy-'));
    const cli = join(copy, 'cli.cjs');
    copyFileSync('dist/cli/cli.cjs', cli);
    copyFileSync('dist/cli/commands.json', join(copy, 'commands.json'));
    const env = { ...process.env, CRUCIBLE_SECRETS_HOME: dir() };
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
    const inProcess = async (args: string[]) => {
      const out = new PassThrough();
      let text = '';
      out.on('data', (c: Buffer) => (text += c.toString()));
      const code = await runCli(args, { stdout: out, stderr: new PassThrough(), stdin: new PassThrough(), env });
      return { code, text };
    };
    // No run/ folder at all: these answers come from the entry and the catalog alone, and match runCli's.
    for (const args of [
      ['--version'],
      ['--help'],
      ['check-env', '--help'],
      ['secrets', '--help'],
      ['help', 'rotate'],
    ]) {
      const r = run(args);
      const p = await inProcess(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(p.code);
      // The build bakes package.json's version in; unbundled code says 0.0.0-dev.
      expect(r.stdout).toBe(p.text.replaceAll('0.0.0-dev', version));
    }
    // With run/ but without every other command's code and without the core services: check-env still runs.
    cpSync('dist/cli/run', join(copy, 'run'), { recursive: true });
    const chunks = join(copy, 'run', 'chunks');
    const removed = readdirSync(chunks).filter((f) =>
      /^(doctor|rotate|init|secrets|backup|incident|audit|keychain|proxy|firewall|generate|hash-password|verify|default-core|main|commands)-[A-Z0-9]+\.mjs$/.test(
        f,
      ),
    );
    expect(removed.length).toBeGreaterThanOrEqual(16);
    for (const f of removed) rmSync(join(chunks, f));
    const c = run(['check-env', fixture('crucible-stock.env'), '--json']);
    expect(c.status, c.stderr).toBe(1);
    expect((JSON.parse(c.stdout) as { environment: string }).environment).toBe('development');
    expect(run(['rotate', '--help']).status).toBe(0);
    expect(run(['doctor']).status).toBe(70);
    // check-env of a local file has a build of its own (check-env-run.mjs) and runs without lazy-run at all;
    // a server's .env needs the core services, which only lazy-run loads.
    rmSync(join(copy, 'run', 'lazy-run.mjs'));
    const alone = run(['check-env', fixture('crucible-stock.env'), '--json']);
    expect(alone.status, alone.stderr).toBe(1);
    expect(run(['check-env', 'ssh://127.0.0.1:1/srv/crucible/.env']).status).toBe(70);
  });

  it("the built CLI reads a server's .env through the core services, not the local check-env build (issue 20)", () => {
    const s = spawnSync(
      process.execPath,
      ['bin/crucible-secrets.cjs', 'check-env', 'ssh://127.0.0.1:1/srv/crucible/.env'],
      {
        encoding: 'utf8',
        env: { ...process.env, CRUCIBLE_SECRETS_HOME: dir() },
        timeout: 60_000,
      },
    );
    expect(s.stderr).toContain('[HOST_UNREACHABLE]');
    expect(s.stderr).not.toContain('started without');
    expect(s.status).toBe(65);
  });
});
