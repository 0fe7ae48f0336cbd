import { PassThrough } from 'node:stream';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { createCoreServices, type CoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import { envValues, parseEnv } from '../../../electron/core/envfile';
import { verifyPassword } from '../../../electron/core/hashing/bcrypt';
import { makeFolder } from '../core/setup/helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function harness(stdinText?: string) {
  const home = mkdtempSync(join(tmpdir(), 'cs-cli-init-'));
  dirs.push(home);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  if (stdinText !== undefined) stdin.end(stdinText);
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const keychain = new MemoryKeychain();
  let core: CoreServices | undefined;
  const getCore = () => (core ??= createCoreServices({ home, logger: createLogger({ sink: nullSink }), keychain }));
  const io = { stdout, stderr, stdin, env: {} };
  const run = (argv: string[]) => runCli(argv, io, { coreFactory: getCore });
  return { run, out: () => out, err: () => err, keychain, core: getCore };
}

function folder(o?: Parameters<typeof makeFolder>[0]): string {
  const d = makeFolder(o);
  dirs.push(d);
  return d;
}

describe('crucible-secrets init', () => {
  it('sets up a production deployment with a typed password from stdin and prints JSON without values', async () => {
    const t = harness('copper lantern orbit meadow\n');
    const d = folder();
    const code = await t.run([
      'init',
      d,
      '--environment',
      'production',
      '--public-url',
      'https://crucible.example.org',
      '--password-stdin',
      '--json',
    ]);
    expect(t.err()).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(t.out()) as { deploymentId: string; variables: string[]; passwordGenerated: boolean };
    expect(result.passwordGenerated).toBe(false);
    const values = envValues(parseEnv(readFileSync(join(d, '.env'), 'utf8')));
    expect(statSync(join(d, '.env')).mode & 0o777).toBe(0o600);
    expect(
      await verifyPassword('copper lantern orbit meadow', values.get('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD') ?? ''),
    ).toBe(true);
    const stored = await t.keychain.list(serviceFor(result.deploymentId));
    expect(stored).toHaveLength(7);
    for (const e of stored) {
      expect(values.get(e.account)).toBe(e.value);
      expect(t.out()).not.toContain(e.value);
    }
  });

  it('generates the login password and shows it once on stderr only', async () => {
    const t = harness();
    const d = folder();
    expect(await t.run(['init', d, '--environment', 'development', '--public-url', 'http://localhost:3000'])).toBe(0);
    const m = /shown once[^\n]*\n\n\s+(\S+)\n/.exec(t.err());
    const pw = m?.[1] ?? '';
    expect(pw).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(t.out()).not.toContain(pw);
    expect(t.out()).toContain('docker compose up -d');
    const values = envValues(parseEnv(readFileSync(join(d, '.env'), 'utf8')));
    expect(await verifyPassword(pw, values.get('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD') ?? '')).toBe(true);
  });

  it('refuses an http address in production with exit 65 and writes nothing', async () => {
    const t = harness();
    const d = folder();
    expect(await t.run(['init', d, '--environment', 'production', '--public-url', 'http://crucible.example.org'])).toBe(
      65,
    );
    expect(t.err()).toContain('https://');
    expect(() => readFileSync(join(d, '.env'))).toThrow();
    expect((await t.core().store.read()).deployments).toEqual([]);
  });

  it('keeps good values of an existing .env and regenerates the ones asked for', async () => {
    const t = harness('copper lantern orbit meadow\n');
    const d = folder({ env: 'setup/existing-weak/dotenv' });
    const before = envValues(parseEnv(readFileSync(join(d, '.env'), 'utf8')));
    expect(
      await t.run([
        'init',
        d,
        '--environment',
        'production',
        '--public-url',
        'https://crucible.example.org',
        '--password-stdin',
        '--regenerate',
        'REDIS_PASSWORD',
      ]),
    ).toBe(0);
    const after = envValues(parseEnv(readFileSync(join(d, '.env'), 'utf8')));
    expect(after.get('API_KEY_ENCRYPTION_KEY')).toBe(before.get('API_KEY_ENCRYPTION_KEY'));
    expect(after.get('REDIS_PASSWORD')).not.toBe(before.get('REDIS_PASSWORD'));
    expect(after.get('ROUNDTABLE_JWT_SECRET')).not.toBe(before.get('ROUNDTABLE_JWT_SECRET'));
    expect(t.err()).toContain('keep       API_KEY_ENCRYPTION_KEY');
    expect(t.err() + t.out()).not.toContain('CANARY');
  });

  it('explains its usage errors', async () => {
    const t = harness();
    expect(await t.run(['init', '--environment', 'production'])).toBe(64);
    expect(await t.run(['init', '/tmp', '--environment', 'prod', '--public-url', 'https://a.example.org'])).toBe(64);
    expect(t.err()).toContain('production, staging or development');
  });
});
