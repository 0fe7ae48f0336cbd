import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
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
import { constant, summarise, type Row } from './lib';

const ROOT = resolve(__dirname, '..', '..');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

function jsSize(dir: string): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const f of readdirSync(join(dir, 'assets')).filter((n) => n.endsWith('.js'))) {
    const b = readFileSync(join(dir, 'assets', f));
    raw += b.length;
    gzip += gzipSync(b).length;
  }
  return { raw: raw / 1024, gzip: gzip / 1024 };
}

/** Time from navigation start until the first <h1> is in the DOM, read inside the page. */
async function firstRender(url: string, runs = 5): Promise<number[]> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  const samples: number[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForSelector('h1');
      const t = await page.evaluate(() => performance.now());
      if (i > 0) samples.push(t); // the first run warms the browser's caches of its own
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return samples;
}

export default async function renderer(): Promise<Row[]> {
  const bareOut = join(ROOT, 'bench', '.tmp', 'bare');
  await build({ configFile: false, root: join(ROOT, 'bench', 'bare'), base: './', plugins: [react()], logLevel: 'warn', build: { outDir: bareOut, emptyOutDir: true, modulePreload: { polyfill: false } } });
  const ours = jsSize(join(ROOT, 'dist', 'renderer'));
  const bare = jsSize(bareOut);

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
    const oursT = summarise(await firstRender(harness.url));
    const bareT = summarise(await firstRender(bareUrl));
    return [
      { group: 'renderer', name: 'JavaScript size, raw', unit: 'kB', stats: constant(ours.raw), reference: { name: 'bare React page', stats: constant(bare.raw) } },
      { group: 'renderer', name: 'JavaScript size, gzip', unit: 'kB', stats: constant(ours.gzip), reference: { name: 'bare React page', stats: constant(bare.gzip) } },
      { group: 'renderer', name: 'time to first render (Chromium, first <h1>)', unit: 'ms', stats: oursT, reference: { name: 'bare React page', stats: bareT }, note: 'app served by test/harness' },
    ];
  } finally {
    await harness.close();
    server.close();
  }
}
