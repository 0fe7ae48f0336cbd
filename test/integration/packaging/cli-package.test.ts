import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 21: the CLI as its own npm package (packages/cli). Slow (npm pack, two installs, keytar compiled
// from source with node-gyp: ~30 s here), but part of the normal vitest run. Needs `npm run build` first.

const root = resolve(import.meta.dirname, '../../..');
const app = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const work = mkdtempSync(join(tmpdir(), 'cs-cli-pkg-'));
let tarball = '';
let files: string[] = [];

function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {},
): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 90_000, ...opts });
  if (r.error) throw new Error(`${cmd} ${args[0] ?? ''} could not run: ${r.error.message}`);
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed with exit status ${String(r.status)}:\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

/**
 * Installs the tarball into an empty prefix from the local npm cache only (`--offline`). The cache holds the
 * tarballs the root install used but no registry metadata, so the prefix gets a lock file built from the
 * package's own npm-shrinkwrap.json (same versions, integrity and addresses): `npm ci` then never asks the
 * registry. A user online runs `npm install -g <tarball>`, which reads the same shrinkwrap.
 */
function installInto(prefix: string, extra: string[] = []): void {
  mkdirSync(prefix, { recursive: true });
  const sw = JSON.parse(ok(run('tar', ['-xzOf', tarball, 'package/npm-shrinkwrap.json']), 'tar -xzOf')) as {
    packages: Record<string, Record<string, unknown>>;
  };
  const top = sw.packages[''] ?? {};
  const spec = `file:${tarball}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { dependencies: { 'crucible-secrets': spec } },
    'node_modules/crucible-secrets': { ...top, name: undefined, resolved: spec, integrity },
  };
  for (const [at, entry] of Object.entries(sw.packages)) if (at !== '') packages[at] = entry;
  // The three native modules build or pick their binary in an install script: approved, as a user's npm asks.
  const allowScripts = { argon2: true, bcrypt: true, keytar: true };
  writeFileSync(
    join(prefix, 'package.json'),
    JSON.stringify({ private: true, dependencies: { 'crucible-secrets': spec }, allowScripts }),
  );
  writeFileSync(
    join(prefix, 'package-lock.json'),
    JSON.stringify({ name: 'prefix', lockfileVersion: 3, requires: true, packages }),
  );
  // Not the npm_* variables of an `npm test` around us: npm_config_local_prefix would point npm at the
  // repository. nodedir as the repository's .npmrc sets it (keytar builds against Debian's Node headers).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  env.npm_config_nodedir = '/usr';
  const args = ['ci', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', ...extra];
  ok(run('npm', args, { cwd: prefix, env }), `npm ci --offline ${extra.join(' ')}`);
}

/** The installed command, run with its own state folder and HOME (never the developer's). */
function cli(
  prefix: string,
  args: string[],
  opts: { input?: string; noDbus?: boolean } = {},
): SpawnSyncReturns<string> {
  const home = join(prefix, 'home');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    CRUCIBLE_SECRETS_HOME: join(home, 'state'),
    NODE_OPTIONS: '',
  };
  if (opts.noDbus === true) delete env.DBUS_SESSION_BUS_ADDRESS;
  return run(join(prefix, 'node_modules/.bin/crucible-secrets'), args, { cwd: prefix, env, input: opts.input });
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli/cli.cjs')))
    throw new Error('dist/cli is missing: run `npm run build` before this test.');
  const out = ok(
    run('node', ['scripts/pack-cli.mjs', '--pack', join(work, 'pack')], { cwd: root }),
    'node scripts/pack-cli.mjs --pack',
  );
  tarball = out.trim().split('\n').pop() ?? '';
  files = ok(run('tar', ['-tzf', tarball]), 'tar -tzf')
    .trim()
    .split('\n');
}, 60_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('the CLI package (packages/cli)', () => {
  it('holds only the CLI bundle, its entry, its manifest and shrinkwrap, and its README', () => {
    const allowed = [
      /^package\/(package\.json|npm-shrinkwrap\.json|README\.md)$/,
      /^package\/bin\/crucible-secrets\.cjs$/,
      /^package\/dist\/cli\/(cli\.cjs|commands\.json)$/,
      /^package\/dist\/cli\/run\/(lazy-run|check-env-run)\.mjs$/,
      /^package\/dist\/cli\/run\/chunks\/[\w-]+\.mjs$/,
      // The user documents the CLI's messages cite, named by their installed path (cli/cli-text.ts).
      /^package\/docs\/(crucible|cli|security|backup-format)\.md$/,
    ];
    expect(files.filter((f) => !allowed.some((a) => a.test(f)))).toEqual([]);
    expect(files).toContain('package/dist/cli/run/lazy-run.mjs');
    expect(files).toContain('package/dist/cli/run/check-env-run.mjs');
    expect(files.length).toBeGreaterThan(20);
    // Belt and braces: what must never ship, whatever the allow-list above says.
    expect(
      files.filter((f) => /\.map$|(^|\/)\.env|fixture|(^|\/)(test|tests|bench|electron|renderer)\//i.test(f)),
    ).toEqual([]);
    expect(files).toContain('package/docs/crucible.md');
    expect(files.filter((f) => /docs\/(development|testing-live)\.md$/.test(f))).toEqual([]);
    const text = ok(
      run('tar', ['-xzOf', tarball, 'package/dist/cli/cli.cjs', 'package/dist/cli/run/lazy-run.mjs']),
      'tar -xzOf',
    );
    expect(text).not.toContain('sourceMappingURL');
    const size = statSync(tarball).size;
    // Measured 1.2 MB (zxcvbn's dictionaries are bundled into the strength chunks); the budget leaves room.
    expect(size).toBeLessThan(2_500_000);
  });

  it('installs offline into an empty prefix and runs --version, doctor and generate', () => {
    const prefix = join(work, 'full');
    installInto(prefix);
    expect(existsSync(join(prefix, 'node_modules/electron'))).toBe(false);
    expect(existsSync(join(prefix, 'node_modules/react'))).toBe(false);
    expect(existsSync(join(prefix, 'node_modules/keytar'))).toBe(true);

    const version = cli(prefix, ['--version']);
    expect(ok(version, 'crucible-secrets --version').trim()).toBe(app.version);

    // doctor exits 1 when a needed check fails (e.g. no Secret Service outside scripts/with-keyring.sh);
    // the native modules must load from the install either way.
    const doctor = cli(prefix, ['doctor', '--json']);
    expect([0, 1], doctor.stderr).toContain(doctor.status);
    const report = JSON.parse(doctor.stdout) as {
      checks: { name: string; ok: boolean }[];
      store: { backend: string; usable: boolean };
    };
    expect(report.checks.filter((c) => c.name.startsWith('module:')).map((c) => [c.name, c.ok])).toEqual([
      ['module:argon2', true],
      ['module:bcrypt', true],
    ]);
    // Under scripts/with-keyring.sh keytar talks to the throwaway gnome-keyring: a real store/read/delete.
    if (process.env.DBUS_SESSION_BUS_ADDRESS !== undefined)
      expect(report.store).toMatchObject({ backend: 'os', usable: true });

    const envFile = join(prefix, 'home', 'crucible.env');
    const gen = cli(prefix, [
      'generate',
      '--environment',
      'production',
      '--public-url',
      'https://crucible.example.org',
      '--out',
      envFile,
    ]);
    ok(gen, 'crucible-secrets generate');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const env = readFileSync(envFile, 'utf8');
    expect(env).toMatch(/^ROUNDTABLE_JWT_SECRET='[^']{64}'$/m);
    // The login password's hash comes from the native bcrypt of the install.
    expect(env).toMatch(/='\$2b\$12\$[./A-Za-z0-9]{53}'$/m);
  }, 120_000);

  it('installs without keytar (a server without libsecret) and keeps secrets in the file vault', () => {
    const prefix = join(work, 'server');
    installInto(prefix, ['--omit=optional']);
    expect(existsSync(join(prefix, 'node_modules/keytar'))).toBe(false);
    const passphrase = `Vault-${randomBytes(12).toString('hex')}-canary`;
    const use = cli(prefix, ['keychain', 'use', 'vault', '--passphrase-stdin'], {
      input: `${passphrase}\n`,
      noDbus: true,
    });
    ok(use, 'crucible-secrets keychain use vault');
    const doctor = cli(prefix, ['doctor', '--json', '--vault-passphrase-stdin'], {
      input: `${passphrase}\n`,
      noDbus: true,
    });
    const report = JSON.parse(ok(doctor, 'crucible-secrets doctor --vault-passphrase-stdin')) as {
      store: { backend: string; usable: boolean };
    };
    expect(report.store).toMatchObject({ backend: 'file-vault', usable: true });
    for (const r of [use, doctor]) expect(r.stdout + r.stderr).not.toContain(passphrase);
  }, 120_000);
});
