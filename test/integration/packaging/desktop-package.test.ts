import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 21: what the desktop installers contain, checked on electron-builder's unpacked Linux output
// (scripts/pack-desktop.mjs: the real configuration, a stand-in Electron binary, offline). Slow (~20 s to
// pack), but part of the normal vitest run. Needs `npm run build` first.

const root = resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(archive: string, options?: object): string[];
  extractFile(archive: string, file: string): Buffer;
  extractAll(archive: string, dest: string): void;
  getRawHeader(archive: string): { header: AsarDir };
};
interface AsarEntry {
  size?: number;
  unpacked?: boolean;
  files?: Record<string, AsarEntry>;
}
type AsarDir = AsarEntry & { files: Record<string, AsarEntry> };

const work = mkdtempSync(join(tmpdir(), 'cs-desktop-pkg-'));
let appDir = '';
let archive = '';
let listing: string[] = [];
let extracted = '';

function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 90_000, ...opts });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  return r;
}

/** Every file in the archive header, with its size and whether it lives in app.asar.unpacked. */
function headerFiles(dir: AsarEntry, prefix = ''): { path: string; size: number; unpacked: boolean }[] {
  return Object.entries(dir.files ?? {}).flatMap(([name, e]) =>
    e.files
      ? headerFiles(e, `${prefix}/${name}`)
      : [{ path: `${prefix}/${name}`, size: e.size ?? 0, unpacked: e.unpacked === true }],
  );
}

/** The bare package names a bundle requires or imports (built-ins and electron left out). */
function runtimePackages(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\b(?:require|import)\(\s*"([^"./][^"]*)"\s*\)/g)) {
    const spec = m[1] ?? '';
    if (spec.startsWith('node:') || builtinModules.includes(spec) || spec === 'electron') continue;
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));
  }
  return [...names].sort();
}

beforeAll(() => {
  for (const f of ['dist/main/main.cjs', 'dist/renderer/index.html'])
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` before this test.`);
  const r = run('node', ['scripts/pack-desktop.mjs', '--out', join(work, 'release')], { cwd: root });
  if (r.status !== 0)
    throw new Error(`scripts/pack-desktop.mjs failed (exit status ${String(r.status)}):\n${r.stderr.slice(-3000)}`);
  appDir = r.stdout.trim().split('\n').pop() ?? '';
  archive = join(appDir, 'resources', 'app.asar');
  listing = headerFiles(asar.getRawHeader(archive).header).map((f) => f.path);
  extracted = join(work, 'app');
  asar.extractAll(archive, extracted);
}, 90_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('the desktop package (electron-builder, Linux dir target)', () => {
  it('holds main, preload, the strength worker, the renderer and every asset index.html names', () => {
    expect(existsSync(join(appDir, 'crucible-secrets'))).toBe(true);
    for (const f of [
      '/package.json',
      '/dist/main/main.cjs',
      '/dist/main/zxcvbn-worker.cjs',
      '/dist/preload/preload.cjs',
      '/dist/renderer/index.html',
    ])
      expect(listing).toContain(f);
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as {
      main: string;
      devDependencies?: unknown;
    };
    expect(pkg.main).toBe('dist/main/main.cjs');
    const html = asar.extractFile(archive, 'dist/renderer/index.html').toString('utf8');
    const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => `/dist/renderer/${m[1] ?? ''}`);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const a of assets) expect(listing).toContain(a);
    // Every lazily loaded page chunk the build wrote is packed, not only the two index.html names.
    const built = run('find', ['dist/renderer', '-type', 'f', '!', '-name', '*.map'], { cwd: root })
      .stdout.trim()
      .split('\n');
    for (const f of built) expect(listing).toContain(`/${f}`);
  });

  it('holds every package the main bundle loads at run time, with what those packages require', () => {
    const main = asar.extractFile(archive, 'dist/main/main.cjs').toString('utf8');
    const needed = runtimePackages(main);
    expect(needed).toEqual(['argon2', 'bcrypt', 'keytar']);
    // Each one resolves from the extracted app, with its own dependencies, as Electron would resolve it.
    const appRequire = createRequire(join(extracted, 'dist/main/main.cjs'));
    for (const name of needed) expect(appRequire.resolve(name)).toContain(join(extracted, 'node_modules', name));
    for (const name of ['react', 'react-dom', 'zod', 'electron', 'vite', 'vitest', 'typescript'])
      expect(listing.some((p) => p.startsWith(`/node_modules/${name}/`))).toBe(false);
  });

  it('unpacks every native addon, and this platform has its three', () => {
    const natives = headerFiles(asar.getRawHeader(archive).header).filter((f) => f.path.endsWith('.node'));
    expect(natives.filter((f) => !f.unpacked)).toEqual([]);
    for (const f of natives) expect(existsSync(join(appDir, 'resources', 'app.asar.unpacked', f.path))).toBe(true);
    const paths = natives.map((f) => f.path);
    expect(paths).toContain('/node_modules/keytar/build/Release/keytar.node');
    expect(paths).toContain('/node_modules/argon2/prebuilds/linux-x64/argon2.glibc.node');
    expect(paths).toContain('/node_modules/bcrypt/prebuilds/linux-x64/bcrypt.glibc.node');
  });

  it('holds nothing from test/, bench/ or docs/, no source maps, no .env files, no fixtures, no TypeScript sources', () => {
    expect(
      listing.filter((p) => /^\/(test|tests|bench|docs|electron|renderer|scripts|reports|release|packages)\//.test(p)),
    ).toEqual([]);
    expect(listing.filter((p) => /\.map$/.test(p))).toEqual([]);
    expect(listing.filter((p) => /(^|\/)\.env/.test(p))).toEqual([]);
    expect(listing.filter((p) => /fixture/i.test(p))).toEqual([]);
    expect(listing.filter((p) => /\.tsx?$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    expect(listing.filter((p) => /\/(test|tests|__tests__)\//.test(p))).toEqual([]);
  });

  it('leaves only the three native modules outside the integrity check (docs/security.md)', () => {
    const outside = headerFiles(asar.getRawHeader(archive).header).filter((f) => f.unpacked);
    const packages = new Set(outside.map((f) => /^\/node_modules\/([^/]+)\//.exec(f.path)?.[1] ?? f.path));
    expect([...packages].sort()).toEqual(['argon2', 'bcrypt', 'keytar']);
  });

  it('stays within the size budget (the app itself, Electron excluded)', () => {
    const unpacked = headerFiles(asar.getRawHeader(archive).header)
      .filter((f) => f.unpacked)
      .reduce((n, f) => n + f.size, 0);
    const total = statSync(archive).size + unpacked;
    // Measured 12.5 MB on 2026-12-06: main 3.6 MB + strength worker 1.8 MB, CLI 2.9 MB, renderer 2.1 MB,
    // native addons for every platform 2.1 MB. Before node_modules was cut to the three externals: 40 MB.
    expect(total).toBeLessThan(16_000_000);
  });

  it('flips the fuses on the packed binary (afterPack ran)', async () => {
    const { getCurrentFuseWire, FuseV1Options, FuseState } = await import('@electron/fuses');
    const wire = await getCurrentFuseWire(join(appDir, 'crucible-secrets'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
  });

  it('loads the packaged main bundle under Node with a stubbed electron, which opens a sandboxed window and serves the renderer', () => {
    const home = join(work, 'stub-home');
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const report = join(work, 'stub-report.json');
    const script = `
      require(${JSON.stringify(join(extracted, 'dist/main/main.cjs'))});
      setTimeout(async () => {
        const served = {};
        for (const p of ['index.html', ...process.argv.slice(1)]) {
          const res = await globalThis.csProtocolHandler(new Request('app://crucible/' + p));
          served[p] = res.status;
        }
        require('node:fs').writeFileSync(process.env.CS_SERVED, JSON.stringify(served));
        process.exit(0);
      }, 1500);`;
    const html = readFileSync(join(extracted, 'dist/renderer/index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1] ?? '');
    const served = join(work, 'served.json');
    const env = {
      ...process.env,
      CS_STUB_HOME: home,
      CS_STUB_REPORT: report,
      CS_SERVED: served,
      CRUCIBLE_SECRETS_HOME: join(home, 'state'),
      NODE_OPTIONS: '',
    };
    const r = run('node', ['-r', join(import.meta.dirname, 'electron-stub.cjs'), '-e', script, ...assets], {
      cwd: extracted,
      env,
      timeout: 30_000,
    });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const events = JSON.parse(readFileSync(report, 'utf8')) as { call?: string; construct?: string; args: unknown[] }[];
    const win = events.find((e) => e.construct === 'electron.BrowserWindow');
    const prefs = (
      win?.args[0] as {
        webPreferences: { preload: string; sandbox: boolean; contextIsolation: boolean; nodeIntegration: boolean };
      }
    ).webPreferences;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(existsSync(prefs.preload)).toBe(true);
    expect(events.some((e) => e.call === 'electron.app.enableSandbox')).toBe(true);
    expect(events.filter((e) => e.call === 'electron.ipcMain.handle').length).toBeGreaterThan(20);
    expect(JSON.parse(readFileSync(served, 'utf8'))).toEqual(
      Object.fromEntries(['index.html', ...assets].map((p) => [p, 200])),
    );
  });

  it('runs each packed native addon for real: argon2 and bcrypt hash and verify, keytar stores, reads and deletes', () => {
    const secret = `canary-${randomBytes(12).toString('hex')}`;
    const service = `crucible-secrets-packaging-test-${randomBytes(4).toString('hex')}`;
    const script = `
      const argon2 = require('argon2'); const bcrypt = require('bcrypt');
      (async () => {
        const secret = process.env.CS_SECRET;
        const out = {};
        const a = await argon2.hash(secret, { type: argon2.argon2id, memoryCost: 8192, timeCost: 2 });
        out.argon2 = a.startsWith('$argon2id$') && (await argon2.verify(a, secret)) && !(await argon2.verify(a, secret + 'x'));
        const b = await bcrypt.hash(secret, 4);
        out.bcrypt = b.startsWith('$2b$04$') && (await bcrypt.compare(secret, b)) && !(await bcrypt.compare(secret + 'x', b));
        if (process.env.DBUS_SESSION_BUS_ADDRESS) {
          const keytar = require('keytar');
          await keytar.setPassword(process.env.CS_SERVICE, 'packaging', secret);
          const back = await keytar.getPassword(process.env.CS_SERVICE, 'packaging');
          const deleted = await keytar.deletePassword(process.env.CS_SERVICE, 'packaging');
          out.keytar = back === secret && deleted && (await keytar.getPassword(process.env.CS_SERVICE, 'packaging')) === null;
        }
        process.stdout.write(JSON.stringify(out));
      })().catch((e) => { process.stderr.write(String(e && e.code || 'failed')); process.exit(1); });`;
    // The secret travels in the environment (never argv) and is checked for in the output.
    const r = run('node', ['-e', script], {
      cwd: join(extracted, 'dist/main'),
      env: { ...process.env, CS_SECRET: secret, CS_SERVICE: service, NODE_PATH: '', NODE_OPTIONS: '' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(secret);
    const result = JSON.parse(r.stdout) as Record<string, boolean>;
    expect(result).toMatchObject({ argon2: true, bcrypt: true });
    // Under scripts/with-keyring.sh (as `npm test` runs vitest) keytar talks to the throwaway gnome-keyring.
    if (process.env.DBUS_SESSION_BUS_ADDRESS !== undefined) expect(result.keytar).toBe(true);
  });
});
