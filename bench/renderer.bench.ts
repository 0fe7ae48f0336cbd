import { readdirSync, readFileSync, mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { startHarness } from '../test/harness/server';
import { readStatic } from '../electron/main/static-files';
import e2eConfig from '../playwright.config';
import { constant, summarise, type Row } from './lib';

const ROOT = resolve(__dirname, '..', '..');
/** The end-to-end specs' Chromium (path and flags), so the bench measures the browser they run in. */
const LAUNCH = e2eConfig.use?.launchOptions ?? {};

/** Raw and gzip size (kB) of the JS files `names` under `dir`/assets. */
function sizeOf(dir: string, names: Iterable<string>): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const f of names) {
    const b = readFileSync(join(dir, 'assets', f));
    raw += b.length;
    gzip += gzipSync(b).length;
  }
  return { raw: raw / 1024, gzip: gzip / 1024 };
}

/** Every JS file of a build (lazy chunks included). */
const allJs = (dir: string) =>
  sizeOf(
    dir,
    readdirSync(join(dir, 'assets')).filter((n) => n.endsWith('.js')),
  );

/** The JS a first load fetches: index.html's module scripts and modulepreloads, then their static imports. */
function startJs(dir: string) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const todo = [...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!);
  const seen = new Set<string>();
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    // Static `import … from "./x.js"` / `import "./x.js"` (not dynamic `import("./x.js")`: those load later).
    for (const m of readFileSync(join(dir, 'assets', f), 'utf8').matchAll(
      /\bimport\s*(?:[\w$*{}\s,]+\s*from\s*)?["']\.\/([^"']+\.js)["']/g,
    ))
      todo.push(m[1]!);
  }
  return sizeOf(dir, seen);
}

/**
 * Time from navigation start until the first <h1> is in the DOM, recorded inside the page by a
 * MutationObserver installed before any page script (so Playwright's own round trips do not count). The two
 * pages alternate in one browser, each load in a fresh context, after one untimed load of each.
 */
async function firstRender(urls: [string, string], runs = 5): Promise<[number[], number[]]> {
  const browser = await chromium.launch(LAUNCH);
  const samples: [number[], number[]] = [[], []];
  try {
    for (let i = 0; i <= runs; i++) {
      for (const k of [0, 1] as const) {
        const page = await browser.newPage();
        await page.addInitScript(() => {
          const w = window as unknown as { __firstH1?: number };
          const seen = () => {
            if (w.__firstH1 === undefined && document.querySelector('h1')) w.__firstH1 = performance.now();
          };
          new MutationObserver(seen).observe(document, { childList: true, subtree: true });
        });
        await page.goto(urls[k]);
        await page.waitForSelector('h1');
        const t = await page.evaluate(
          () => (window as unknown as { __firstH1?: number }).__firstH1 ?? performance.now(),
        );
        if (i > 0) samples[k].push(t);
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  return samples;
}

/**
 * Time from asking for a page not loaded yet (its chunk not fetched: no hover or focus preloaded it) until
 * its <h1> is in the DOM, in-page: the hash changes, App shows the loading status, the chunk arrives.
 */
async function navigation(url: string, route: string, title: string, runs = 5): Promise<number[]> {
  const browser = await chromium.launch(LAUNCH);
  const samples: number[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForSelector('h1');
      const ms = await page.evaluate(
        ([r, t]) =>
          new Promise<number>((done) => {
            const start = performance.now();
            const seen = () => {
              if (document.querySelector('main h1')?.textContent === t) done(performance.now() - start);
            };
            new MutationObserver(seen).observe(document, { childList: true, subtree: true, characterData: true });
            location.hash = `#${r}`;
          }),
        [route, title] as const,
      );
      if (i > 0) samples.push(ms);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return samples;
}

/** Newest modification time under `paths` (files or one-level folders). */
function newest(paths: string[]): number {
  let m = 0;
  for (const p of paths) {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    m = Math.max(m, st.mtimeMs);
    if (st.isDirectory()) for (const f of readdirSync(p)) m = Math.max(m, statSync(join(p, f)).mtimeMs);
  }
  return m;
}

export default async function renderer(): Promise<Row[]> {
  const bareOut = join(ROOT, 'bench', '.tmp', 'bare');
  // Rebuilt only when its sources or React changed (the build itself is not what is measured).
  const built = statSync(join(bareOut, 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (
    built <=
    newest([
      join(ROOT, 'bench', 'bare'),
      join(ROOT, 'node_modules', 'react', 'package.json'),
      join(ROOT, 'node_modules', 'react-dom', 'package.json'),
      join(ROOT, 'vite.config.ts'),
    ])
  ) {
    await build({
      configFile: false,
      root: join(ROOT, 'bench', 'bare'),
      base: './',
      plugins: [react()],
      logLevel: 'warn',
      build: { outDir: bareOut, emptyOutDir: true, modulePreload: { polyfill: false } },
    });
  }
  const ours = startJs(join(ROOT, 'dist', 'renderer'));
  const bare = startJs(bareOut);
  const oursAll = allJs(join(ROOT, 'dist', 'renderer'));
  const bareAll = allJs(bareOut);

  const server = createServer((req, res) => {
    void readStatic(bareOut, new URL(req.url ?? '/', 'http://x').pathname).then((f) => {
      if (!f) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': f.type }).end(f.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const bareUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const harness = await startHarness({
    home: mkdtempSync(join(tmpdir(), 'cs-bench-')),
    rendererDir: join(ROOT, 'dist', 'renderer'),
    bridgeFile: join(ROOT, 'dist', 'harness', 'bridge.js'),
  });
  try {
    const [oursS, bareS] = await firstRender([harness.url, bareUrl]);
    const oursT = summarise(oursS);
    const bareT = summarise(bareS);
    const nav = summarise(await navigation(harness.url, '/setup', 'Set up a deployment'));
    // Every chunk but the passphrase-strength dictionaries (named so by vite.config.ts) stays under 500 kB.
    const assets = join(ROOT, 'dist', 'renderer', 'assets');
    const chunks = readdirSync(assets).filter((n) => n.endsWith('.js'));
    const dictionaries = chunks.filter((n) => n.startsWith('passphrase-dictionary-'));
    const largest =
      Math.max(...chunks.filter((n) => !dictionaries.includes(n)).map((n) => statSync(join(assets, n)).size)) / 1024;
    return [
      {
        group: 'renderer',
        name: 'JavaScript loaded at start (entry + static imports), raw',
        unit: 'kB',
        stats: constant(ours.raw),
        reference: { name: 'bare React page', stats: constant(bare.raw) },
      },
      {
        group: 'renderer',
        name: 'JavaScript loaded at start, gzip',
        unit: 'kB',
        stats: constant(ours.gzip),
        reference: { name: 'bare React page', stats: constant(bare.gzip) },
        note: 'target ratio ≤ 1.3',
      },
      {
        group: 'renderer',
        name: 'largest chunk except the passphrase dictionaries, raw',
        unit: 'kB',
        stats: constant(largest),
        note: `target ≤ 500 kB; ${String(chunks.length)} chunks, ${String(dictionaries.length)} of them dictionaries (loaded only with a passphrase field)`,
      },
      {
        group: 'renderer',
        name: 'all JavaScript incl. lazy chunks, raw',
        unit: 'kB',
        stats: constant(oursAll.raw),
        reference: { name: 'bare React page', stats: constant(bareAll.raw) },
        note: 'lazy chunks: the passphrase-strength dictionaries',
      },
      {
        group: 'renderer',
        name: 'all JavaScript incl. lazy chunks, gzip',
        unit: 'kB',
        stats: constant(oursAll.gzip),
        reference: { name: 'bare React page', stats: constant(bareAll.gzip) },
      },
      {
        group: 'renderer',
        name: 'time to first render (Chromium, first <h1>)',
        unit: 'ms',
        stats: oursT,
        reference: { name: 'bare React page', stats: bareT },
        note: 'target ratio ≤ 1.5; app served by test/harness; in-page MutationObserver; runs alternate',
      },
      {
        group: 'renderer',
        name: 'navigate to a page not loaded yet (setup wizard: hash change → its <h1>)',
        unit: 'ms',
        stats: nav,
        note: 'target < 100 ms; chunk fetched on demand, loading status shown meanwhile',
      },
    ];
  } finally {
    await harness.close();
    server.close();
  }
}
