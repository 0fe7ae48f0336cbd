import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { childrenCpuMs, constant, summarise, type Row } from './lib';

const ROOT = resolve(__dirname, '..', '..');

/** A stand-in for the `electron` module: every property and call answers itself; nothing runs. */
function electronStub(): unknown {
  const fn = function () {
    return proxy;
  };
  const proxy: unknown = new Proxy(fn, {
    get: (_t, key) => (key === 'then' ? () => undefined : key === Symbol.toPrimitive ? () => '' : proxy),
    apply: () => proxy,
    construct: () => proxy as object,
  });
  return proxy;
}

export default async function startup(): Promise<Row[]> {
  const cli = join(ROOT, 'bin', 'crucible-secrets.cjs');
  const stockEnv = join(ROOT, 'test', 'fixtures', 'env', 'crucible-stock.env');
  // Alternating runs, each timed as wall time and as the child's CPU time (the steadier figure when busy).
  const run = (args: string[]) => {
    const c = childrenCpuMs() ?? 0;
    const t = performance.now();
    // check-env exits 1 on the stock file's warnings: any status is fine, a crash (signal) is not.
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status === null) throw new Error(`${args.join(' ')}: killed by ${String(r.signal)}`);
    return { wall: performance.now() - t, cpu: (childrenCpuMs() ?? 0) - c };
  };
  // Peak memory of a child, reported by a preloaded hook at exit from /proc/self/status VmHWM (the peak of
  // its own address space: getrusage's maxRSS would carry this big bench process's peak across fork + exec).
  const rssHook = join(ROOT, 'bench', '.tmp', 'max-rss.cjs');
  mkdirSync(dirname(rssHook), { recursive: true });
  writeFileSync(
    rssHook,
    "process.on('exit', () => { const m = /VmHWM:\\s*(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8')); require('node:fs').writeSync(2, '\\nMAXRSS=' + (m ? m[1] : '') + '\\n'); });\n",
  );
  const peakKb = (args: string[]) => {
    const r = spawnSync(process.execPath, ['--require', rssHook, ...args], { encoding: 'utf8' });
    const m = /MAXRSS=(\d+)/.exec(r.stderr);
    if (!m) throw new Error(`${args.join(' ')}: no peak memory reported`);
    return Number(m[1]);
  };
  // The cases: each CLI invocation against `node -e 0`, runs alternating (a, node, a, node …).
  const cases: { name: string; args: string[]; target: number }[] = [
    { name: '`crucible-secrets --version`', args: [cli, '--version'], target: 1.3 },
    { name: '`crucible-secrets --help`', args: [cli, '--help'], target: 1.3 },
    { name: '`crucible-secrets check-env --help`', args: [cli, 'check-env', '--help'], target: 1.3 },
    { name: "`crucible-secrets check-env` on Crucible's stock .env", args: [cli, 'check-env', stockEnv], target: 1.6 },
  ];
  const cliRows: Row[] = [];
  const nodePeak = peakKb(['-e', '0']);
  for (const k of cases) {
    run(k.args);
    run(['-e', '0']);
    const s = { cli: [] as number[], cliCpu: [] as number[], node: [] as number[], nodeCpu: [] as number[] };
    for (let i = 0; i < 9; i++) {
      const a = run(k.args);
      const b = run(['-e', '0']);
      s.cli.push(a.wall);
      s.cliCpu.push(a.cpu);
      s.node.push(b.wall);
      s.nodeCpu.push(b.cpu);
    }
    const peak = peakKb(k.args);
    cliRows.push(
      {
        group: 'startup',
        name: `${k.name}, wall`,
        unit: 'ms',
        stats: summarise(s.cli),
        reference: { name: '`node -e 0`, runs alternating', stats: summarise(s.node) },
        note: `target ratio ≤ ${String(k.target)}`,
      },
      {
        group: 'startup',
        name: `${k.name}, CPU time`,
        unit: 'ms',
        stats: summarise(s.cliCpu),
        reference: { name: '`node -e 0`', stats: summarise(s.nodeCpu) },
        note: 'child user+system (/proc cutime, 10 ms ticks)',
      },
      {
        group: 'startup',
        name: `${k.name}, peak memory`,
        unit: 'kB',
        stats: constant(peak),
        reference: { name: '`node -e 0`', stats: constant(nodePeak) },
        note: 'peak resident memory (VmHWM)',
      },
    );
  }
  const cliFiles = readdirSync(join(ROOT, 'dist', 'cli'), { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.cjs') || f.endsWith('.mjs'),
  );
  const largestKb = Math.max(...cliFiles.map((f) => statSync(join(ROOT, 'dist', 'cli', f)).size)) / 1024;

  // The main bundle's load (parse + evaluate) under plain Node with `electron` stubbed, in a fresh process
  // each run (a re-require in this process would hit V8's compilation cache), timed inside the child.
  const mainBundle = join(ROOT, 'dist', 'main', 'main.cjs');
  const child = [
    "const Module = require('node:module');",
    'const load = Module._load;',
    `const stub = ${electronStub.toString()};`,
    "Module._load = (req, ...rest) => (req === 'electron' ? stub() : load(req, ...rest));",
    'const t = performance.now();',
    'require(process.argv[1]);',
    "process.stdout.write('\\nLOADMS=' + String(performance.now() - t) + '\\n');",
    'process.exit(0);',
  ].join('\n');
  const loadMs = () => {
    const out = execFileSync(process.execPath, ['-e', child, mainBundle], { encoding: 'utf8' });
    const m = /LOADMS=([\d.]+)/.exec(out);
    if (!m) throw new Error('main bundle load: no timing from the child');
    return Number(m[1]);
  };
  loadMs();
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) samples.push(loadMs());
  return [
    ...cliRows,
    {
      group: 'startup',
      name: 'CLI entry bundle (dist/cli/cli.cjs)',
      unit: 'kB',
      stats: constant(statSync(join(ROOT, 'dist', 'cli', 'cli.cjs')).size / 1024),
      note: `${String(cliFiles.length)} CLI files loaded on demand; largest ${largestKb.toFixed(0)} kB`,
    },
    {
      group: 'startup',
      name: 'main bundle load without Electron (fresh process, require only)',
      unit: 'ms',
      stats: summarise(samples),
      note: `main bundle ${(statSync(mainBundle).size / 1024).toFixed(0)} kB; \`electron\` stubbed`,
    },
  ];
}
