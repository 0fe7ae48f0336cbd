import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The README and the docs say true things about the repository (issue 16). */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; allowScripts: Record<string, boolean> };
const readme = read('README.md');

/** GitHub's anchor for a Markdown heading. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe('README.md', () => {
  it('states the Node minimum that package.json enforces, and the tests run on a Node that meets it', () => {
    const min = /^>=(\d+)\.(\d+)$/.exec(pkg.engines.node);
    expect(min, 'engines.node is ">=MAJOR.MINOR"').not.toBeNull();
    const [, major, minor] = min ?? [];
    expect(readme).toContain(`Node.js ${String(major)}.${String(minor)} or newer`);
    const [runMajor = 0, runMinor = 0] = process.versions.node.split('.').map(Number);
    expect(runMajor > Number(major) || (runMajor === Number(major) && runMinor >= Number(minor))).toBe(true);
  });

  it('has exactly two set-up commands: one starts the app, one passes all tests', () => {
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').trim());
    expect(blocks).toEqual(['npm install && npm start', 'sudo scripts/install-system-deps.sh && npm ci && npm test']);
  });

  it('says what the first start downloads and how to start offline', () => {
    for (const s of ['first `npm start`', 'ELECTRON_MIRROR', 'ELECTRON_CUSTOM_DIR', '.cache/electron'])
      expect(readme).toContain(s);
    expect(readme).not.toMatch(/npm install` fetches/);
  });

  it('cites nothing users do not have', () => {
    expect(readme).not.toMatch(/shared folder|ARCHITECTURE\.md|crucible-facts/);
  });
});

describe('links in README.md and docs/', () => {
  const files = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  it.each(files)('every relative link of %s leads to a file (and heading) of the repository', (file) => {
    const text = read(file);
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] ?? '';
      if (/^[a-z]+:/.test(target)) continue;
      const [path = '', hash] = target.split('#');
      const full = path === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), path);
      expect(existsSync(full), `${file} links ${target}`).toBe(true);
      if (hash && full.endsWith('.md')) {
        const headings = [...readFileSync(full, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((h) => anchor(h[1] ?? ''));
        expect(headings, `${file} links ${target}`).toContain(hash);
      }
    }
  });

  it('every docs/crucible.md section the app’s messages cite exists', () => {
    const headings = new Set([...read('docs/crucible.md').matchAll(/^#{1,6} (.+)$/gm)].map((h) => anchor(h[1] ?? '')));
    const cited = new Set<string>();
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
      );
    for (const f of [...walk(join(ROOT, 'electron')), ...walk(join(ROOT, 'renderer'))]) {
      for (const m of readFileSync(f, 'utf8').matchAll(/docs\/crucible\.md#([a-z0-9-]+)/g)) cited.add(m[1] ?? '');
    }
    expect(cited.size).toBeGreaterThan(3);
    for (const a of cited) expect(headings, `docs/crucible.md#${a}`).toContain(a);
  });
});

describe('package.json allowScripts', () => {
  it('has no stale entry: each listed package exists and has an install script (or a native build)', () => {
    for (const name of Object.keys(pkg.allowScripts)) {
      const dir = join(ROOT, 'node_modules', name);
      expect(existsSync(dir), `${name} is not installed`).toBe(true);
      const scripts =
        (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ??
        {};
      const hasScript =
        ['preinstall', 'install', 'postinstall'].some((s) => s in scripts) || existsSync(join(dir, 'binding.gyp'));
      expect(hasScript, `allowScripts lists ${name}, which has no install script`).toBe(true);
    }
  });
});
