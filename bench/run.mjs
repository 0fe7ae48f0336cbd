// `npm run bench`: bundles every bench/*.bench.ts with esbuild, runs them one after another in this
// process, prints one Markdown table and writes it to bench/results.md. Tests assert no timings.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'bench', '.tmp');
mkdirSync(out, { recursive: true });
const only = process.argv.slice(2);
// The table's order (the list, other files just before keychain); keychain runs last: it leaves 500
// items in the throwaway keyring, which would slow every later keyring operation.
const ORDER = ['hashing', 'stall', 'env', 'audit', 'backup', 'renderer', 'startup', 'secrets', 'keychain'];
const rank = (f) => {
  const i = ORDER.findIndex((o) => f === `${o}.bench.ts`);
  return i < 0 ? ORDER.length - 1.5 : i;
};
const load = loadavg()[0];
let commit = '';
try {
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const dirty =
    execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim() !==
    '';
  commit = ` at commit ${head}${dirty ? ' (plus uncommitted changes in the tree)' : ''}`;
} catch {
  // not a git checkout
}
const t0 = performance.now();
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

const require = createRequire(import.meta.url);
const rows = [];
for (const f of files) {
  const outfile = join(out, f.replace(/\.ts$/, '.cjs'));
  const started = performance.now();
  process.stderr.write(`bench: ${f}\n`);
  try {
    await build({
      entryPoints: [join(root, 'bench', f)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: [
        'keytar',
        'argon2',
        'bcrypt',
        'electron',
        '@playwright/test',
        'playwright',
        'playwright-core',
        'esbuild',
        'vite',
        '@vitejs/plugin-react',
      ],
      logLevel: 'warning',
    });
    const mod = require(outfile);
    const fn = mod.default ?? mod;
    rows.push(...(await fn()));
  } catch (e) {
    rows.push({
      group: f,
      name: 'FAILED',
      unit: 'count',
      stats: { median: 0, min: 0, max: 0, runs: 0 },
      note: String(e instanceof Error ? e.message : e)
        .split('\n')[0]
        .slice(0, 160),
    });
  }
  process.stderr.write(`bench: ${f} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

const fmt = (n, unit) =>
  unit === 'ms' ? (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(3)) : n.toFixed(unit === 'kB' ? 1 : 0);
const lines = [
  `# Benchmarks`,
  '',
  `Measured ${new Date().toISOString().slice(0, 10)}${commit} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${load.toFixed(1)} at the start (a shared machine: CPU-time rows are the steadier figures); the whole run took ${((performance.now() - t0) / 1000).toFixed(0)} s. Median of the runs shown, with min–max. Ratio = ours ÷ reference (lower is faster).`,
  '',
  '| group | measure | unit | median | min–max | runs | reference | ref. median | ratio | note |',
  '|---|---|---|---:|---|---:|---|---:|---:|---|',
];
for (const r of rows) {
  const ref = r.reference;
  lines.push(
    `| ${r.group} | ${r.name} | ${r.unit} | ${fmt(r.stats.median, r.unit)} | ${fmt(r.stats.min, r.unit)}–${fmt(r.stats.max, r.unit)} | ${r.stats.runs} | ${ref ? ref.name : ''} | ${ref ? fmt(ref.stats.median, r.unit) : ''} | ${ref && ref.stats.median > 0 ? (r.stats.median / ref.stats.median).toFixed(2) : ''} | ${r.note ?? ''} |`,
  );
}
const table = lines.join('\n') + '\n';
process.stdout.write(table);
if (only.length === 0) writeFileSync(join(root, 'bench', 'results.md'), table);
