import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hardenWebContents, type FrameNavigateEventLike } from '../../electron/main/hardening';
import { confirmLinkDialog, createLinkOpener, decideExternalLink } from '../../electron/main/external-links';
import { CRASH_REPORTER_OPTIONS, crashDumpsPath } from '../../electron/main/startup-options';
import { bridgeRequestAllowed, startHarness, type Harness } from '../harness/server';
import { MemoryKeychain } from '../../electron/core/keychain/memory-keychain';

/** Issue 19, Electron and test-harness findings. Electron cannot run here: the pure parts are tested. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('T-HARD-08 will-frame-navigate is denied', () => {
  function setup() {
    const listeners = new Map<string, (...a: unknown[]) => void>();
    const contents = {
      on: (name: string, fn: (...a: unknown[]) => void) => listeners.set(name, fn),
      setWindowOpenHandler: () => undefined,
    };
    const openExternal = vi.fn();
    hardenWebContents(contents as never, { isAppUrl: (u) => u.startsWith('app://crucible/'), openExternal });
    /** Fires will-frame-navigate; returns the event's preventDefault spy. */
    const frame = (url: string, isMainFrame: boolean) => {
      const preventDefault = vi.fn();
      const details: FrameNavigateEventLike = { url, isMainFrame, preventDefault };
      listeners.get('will-frame-navigate')?.(details);
      return preventDefault;
    };
    return { listeners, frame, openExternal };
  }

  it('registers a will-frame-navigate handler', () => {
    expect(setup().listeners.has('will-frame-navigate')).toBe(true);
  });

  it('refuses any subframe navigation, even to the app, and never opens it in the browser', () => {
    const { frame, openExternal } = setup();
    expect(frame('https://evil.example/', false)).toHaveBeenCalled();
    expect(frame('app://crucible/index.html', false)).toHaveBeenCalled();
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('lets the main frame move inside the app and stops it leaving', () => {
    const { frame } = setup();
    expect(frame('app://crucible/index.html#/audit', true)).not.toHaveBeenCalled();
    expect(frame('https://evil.example/', true)).toHaveBeenCalled();
  });
});

describe('T-HARD-09 links reach the OS browser only from an allow-list or after a dialog naming the host', () => {
  it('opens Crucible, its repository and Let’s Encrypt without asking', () => {
    for (const url of [
      'https://roundtablelabs.ai/',
      'https://docs.roundtablelabs.ai/x',
      'https://letsencrypt.org/docs/',
      'https://github.com/roundtable-labs/crucible-community/issues',
    ]) {
      expect(decideExternalLink(url).action).toBe('open');
    }
  });

  it('asks for any other https host, naming it; refuses http, credentials and non-URLs', () => {
    expect(decideExternalLink('https://crucible.example.com/login')).toEqual({
      action: 'confirm',
      url: 'https://crucible.example.com/login',
      host: 'crucible.example.com',
    });
    expect(decideExternalLink('https://github.com/someone-else/crucible-community').action).toBe('confirm');
    expect(decideExternalLink('https://roundtablelabs.ai.evil.example/').action).toBe('confirm');
    expect(decideExternalLink('https://letsencrypt.org:8443/').action).toBe('confirm');
    for (const url of [
      'http://roundtablelabs.ai/',
      'https://u:p@roundtablelabs.ai/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ])
      expect(decideExternalLink(url).action).toBe('refuse');
    const d = confirmLinkDialog('crucible.example.com');
    expect(d.message).toContain('crucible.example.com');
    expect(d.cancelId).toBe(d.defaultId);
  });

  it('the opener opens only what was confirmed, and asks once per origin in a session', async () => {
    const openExternal = vi.fn();
    const answers = [false, true];
    const confirm = vi.fn(() => Promise.resolve(answers.shift() ?? false));
    const open = createLinkOpener({ openExternal, confirm });
    expect(await open('https://crucible.example.com/a')).toBe(false);
    expect(openExternal).not.toHaveBeenCalled();
    expect(await open('https://crucible.example.com/b')).toBe(true);
    expect(await open('https://crucible.example.com/c')).toBe(true);
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(openExternal.mock.calls.map((c) => c[0] as string)).toEqual([
      'https://crucible.example.com/b',
      'https://crucible.example.com/c',
    ]);
    expect(await open('https://letsencrypt.org/')).toBe(true);
    expect(confirm).toHaveBeenCalledTimes(2);
  });

  it('main never calls shell.openExternal except through the opener', () => {
    for (const f of ['electron/main/index.ts', 'electron/main/electron-platform.ts']) {
      const src = readFileSync(join(ROOT, f), 'utf8');
      expect(src.match(/shell\.openExternal\(/g)?.length ?? 0, f).toBeLessThanOrEqual(f.endsWith('index.ts') ? 1 : 0);
    }
    expect(readFileSync(join(ROOT, 'electron/main/index.ts'), 'utf8')).toMatch(
      /createLinkOpener\(\{\s*openExternal: \(url\) => shell\.openExternal\(url\)/,
    );
  });
});

describe('T-HARD-10 start-up order: sandbox, app home, crash dumps', () => {
  const src = readFileSync(join(ROOT, 'electron/main/index.ts'), 'utf8');
  const at = (needle: string) => {
    const i = src.indexOf(needle);
    expect(i, needle).toBeGreaterThanOrEqual(0);
    return i;
  };

  it('enables the sandbox for every renderer before the app is ready', () => {
    expect(at('app.enableSandbox()')).toBeLessThan(at('app.whenReady()'));
  });

  it('keeps crash dumps inside the 0700 app home: the path is set after the home is made private and before the reporter starts', () => {
    expect(at('ensureAppHome(home)')).toBeLessThan(at("app.setPath('crashDumps'"));
    expect(at("app.setPath('crashDumps'")).toBeLessThan(at('crashReporter.start('));
    const home = '/home/a/.config/crucible-secrets';
    expect(relative(home, crashDumpsPath(home)).startsWith('..')).toBe(false);
    expect(CRASH_REPORTER_OPTIONS).toMatchObject({ uploadToServer: false, submitURL: '' });
  });
});

describe('T-HARD-11 the harness hands its token only to its own page', () => {
  const origin = 'http://127.0.0.1:4000';
  it('bridge.js: same-origin script only', () => {
    expect(
      bridgeRequestAllowed(
        { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'script', referer: `${origin}/` },
        origin,
      ),
    ).toBe(true);
    expect(bridgeRequestAllowed({ 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'script' }, origin)).toBe(false);
    expect(bridgeRequestAllowed({ 'sec-fetch-site': 'same-site', 'sec-fetch-dest': 'script' }, origin)).toBe(false);
    expect(bridgeRequestAllowed({}, origin)).toBe(false);
    expect(bridgeRequestAllowed({ 'sec-fetch-site': 'same-origin', referer: 'http://evil.example/' }, origin)).toBe(
      false,
    );
  });

  let harness: Harness;
  let browser: Browser;
  let evil: Server;
  let evilUrl = '';
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-hard-harness-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body>ok</body></html>');
    writeFileSync(join(dir, 'bridge.js'), 'window.__bridgeRan = true;');
    harness = await startHarness({
      home: join(dir, 'home'),
      rendererDir: dir,
      bridgeFile: join(dir, 'bridge.js'),
      core: { keychain: new MemoryKeychain(), platform: 'linux' },
    });
    // Another site (localhost is a different site from 127.0.0.1) including the bridge as a script.
    evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<!doctype html><html><head><script src="${harness.url}__harness/bridge.js"></script></head><body>evil</body></html>`,
      );
    });
    await new Promise<void>((ok) => evil.listen(0, '127.0.0.1', ok));
    evilUrl = `http://localhost:${String((evil.address() as AddressInfo).port)}/`;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser.close();
    await harness.close();
    await new Promise((ok) => evil.close(ok));
  });

  it('its own page gets the token; a cross-site script include in real Chromium does not', async () => {
    const page = await browser.newPage();
    await page.goto(harness.url);
    expect(await page.evaluate(() => (window as unknown as { __HARNESS_TOKEN__?: string }).__HARNESS_TOKEN__)).toBe(
      harness.token,
    );
    await page.goto(evilUrl);
    expect(
      await page.evaluate(() => (window as unknown as { __HARNESS_TOKEN__?: string }).__HARNESS_TOKEN__),
    ).toBeUndefined();
    await page.close();
  }, 30_000);

  it('/__harness/control refuses a request with the token but without our Origin', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${harness.url}__harness/control`, {
        method: 'POST',
        headers: { 'x-harness-token': harness.token, ...headers },
        body: '{"folder":"/tmp"}',
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ origin: harness.url.replace(/\/$/, '') })).status).toBe(200);
  });
});

describe('T-HARD-12 everything that can be integrity-checked is inside app.asar', () => {
  const builder = createRequire(import.meta.url)('../../electron-builder.config.cjs') as {
    asarUnpack: string[];
    asar: boolean;
  };

  it('unpacks only native addons, no JavaScript', () => {
    expect(builder.asar).toBe(true);
    expect(builder.asarUnpack).toEqual(['**/*.node']);
  });

  it('the built strength worker runs from code main read itself (no zxcvbn-ts file loaded by the worker)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-hard-worker-'));
    const entry = join(dir, 'entry.js');
    writeFileSync(
      entry,
      `const wt = require('node:worker_threads');
const Original = wt.Worker;
let evalLength = 0;
wt.Worker = class extends Original { constructor(code, o) { evalLength = code.length; super(code, o); } };
const { createZxcvbnEngine } = require(${JSON.stringify(join(ROOT, 'electron/core/secrets/zxcvbn-worker.ts'))});
const engine = createZxcvbnEngine();
engine.check('passwordpassword123').then(async (v) => { console.log(JSON.stringify({ score: v.score, evalLength })); await engine.close(); });
`,
    );
    const common = {
      bundle: true,
      platform: 'node' as const,
      format: 'cjs' as const,
      target: 'node20',
      logLevel: 'silent' as const,
      nodePaths: [join(ROOT, 'node_modules')],
    };
    await build({ ...common, entryPoints: [entry], outfile: join(dir, 'main.cjs') });
    await build({
      ...common,
      entryPoints: [join(ROOT, 'electron/core/secrets/zxcvbn-worker-entry.ts')],
      outfile: join(dir, 'zxcvbn-worker.cjs'),
    });
    const r = spawnSync(process.execPath, [join(dir, 'main.cjs')], { encoding: 'utf8', timeout: 30_000, cwd: dir });
    const out = JSON.parse(r.stdout.trim()) as { score: number; evalLength: number };
    expect(out.score).toBeLessThanOrEqual(2);
    // The eval'd code is the whole bundle (dictionaries included), not the few lines that require packages by path.
    expect(out.evalLength).toBe(readFileSync(join(dir, 'zxcvbn-worker.cjs'), 'utf8').length);
  }, 60_000);
});
