import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { childrenCpuMs, summarise, type Row } from './lib';

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
  // Alternating runs, each timed as wall time and as the child's CPU time (the steadier figure when busy).
  const run = (args: string[]) => {
    const c = childrenCpuMs() ?? 0;
    const t = performance.now();
    execFileSync(process.execPath, args);
    return { wall: performance.now() - t, cpu: (childrenCpuMs() ?? 0) - c };
  };
  const s = { cli: [] as number[], cliCpu: [] as number[], node: [] as number[], nodeCpu: [] as number[] };
  run([cli, '--version']);
  run(['-e', '0']);
  for (let i = 0; i < 5; i++) {
    const a = run([cli, '--version']);
    const b = run(['-e', '0']);
    s.cli.push(a.wall);
    s.cliCpu.push(a.cpu);
    s.node.push(b.wall);
    s.nodeCpu.push(b.cpu);
  }

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
    { group: 'startup', name: 'CLI cold start (`crucible-secrets --version`), wall', unit: 'ms', stats: summarise(s.cli), reference: { name: '`node -e 0`', stats: summarise(s.node) }, note: `CLI bundle ${(statSync(join(ROOT, 'dist', 'cli', 'cli.cjs')).size / 1024).toFixed(0)} kB` },
    { group: 'startup', name: 'CLI cold start, CPU time', unit: 'ms', stats: summarise(s.cliCpu), reference: { name: '`node -e 0`', stats: summarise(s.nodeCpu) }, note: 'child user+system (/proc cutime, 10 ms ticks)' },
    { group: 'startup', name: 'main bundle load without Electron (fresh process, require only)', unit: 'ms', stats: summarise(samples), note: `main bundle ${(statSync(mainBundle).size / 1024).toFixed(0)} kB; \`electron\` stubbed` },
  ];
}
