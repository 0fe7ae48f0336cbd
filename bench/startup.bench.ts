import { execFileSync } from 'node:child_process';
import Module from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { measure, summarise, type Row } from './lib';

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
  const cold = await measure(() => execFileSync(process.execPath, [cli, '--version']), { runs: 7 });
  const bare = await measure(() => execFileSync(process.execPath, ['-e', '0']), { runs: 7 });

  // The main bundle's load (parse + evaluate) under plain Node, with `electron` stubbed.
  const mainBundle = join(ROOT, 'dist', 'main', 'main.cjs');
  const load = (Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown })._load;
  const samples: number[] = [];
  for (let i = 0; i < 6; i++) {
    (Module as unknown as { _load: unknown })._load = (req: string, ...rest: unknown[]) => (req === 'electron' ? electronStub() : load(req, ...rest));
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a fresh load each run is the point
    delete require.cache[mainBundle];
    const t = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS load is what is measured
    require(mainBundle);
    const dt = performance.now() - t;
    (Module as unknown as { _load: unknown })._load = load;
    if (i > 0) samples.push(dt);
  }
  return [
    { group: 'startup', name: 'CLI cold start (`crucible-secrets --version`)', unit: 'ms', stats: cold, reference: { name: '`node -e 0`', stats: bare } },
    { group: 'startup', name: 'main bundle load without Electron', unit: 'ms', stats: summarise(samples) },
  ];
}
