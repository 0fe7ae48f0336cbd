import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 20: `check-env` on a lone `.env` starts within 1.6 × `node -e 0`. Evaluating zod (450 kB minified)
 * and the `yaml` library was most of what it cost, so the modules it loads before reading the file must
 * import neither; yaml comes in by a dynamic import() only when compose files sit beside the `.env`. Each
 * entry is bundled the way scripts/build-electron.mjs builds the CLI (ES modules with code splitting, so a
 * dynamic import() is a chunk of its own), and only what the entry chunk loads with static imports counts.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const ENTRIES = ['electron/cli/check-env-run.ts', 'electron/cli/commands/check-env.ts'];
/** Packages and built-ins the start of a local check-env must not load: each was a measured cost. */
const BANNED = /node_modules\/(zod|yaml)\/|^node:(crypto|child_process)$/;

async function metafile(entry: string): Promise<Metafile> {
  const r = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    splitting: true,
    outdir: 'out',
    write: false,
    metafile: true,
    external: ['electron', 'keytar', 'argon2', 'bcrypt'],
    define: { __APP_VERSION__: JSON.stringify('0.0.0-test') },
    logLevel: 'error',
  });
  return r.metafile;
}

/** The output files the entry's chunk loads through static imports (itself included), and what they import. */
function staticGraph(meta: Metafile, entry: string): { inputs: string[]; externals: string[]; dynamic: string[] } {
  const outputs = meta.outputs;
  const start = Object.keys(outputs).find((o) => outputs[o]?.entryPoint === entry);
  if (start === undefined) throw new Error(`no output chunk for ${entry}`);
  const seen = new Set<string>();
  const externals: string[] = [];
  const dynamic: string[] = [];
  const queue = [start];
  for (let o = queue.pop(); o !== undefined; o = queue.pop()) {
    if (seen.has(o)) continue;
    seen.add(o);
    for (const i of outputs[o]?.imports ?? []) {
      if (i.kind === 'dynamic-import') dynamic.push(i.path);
      else if (i.external === true) externals.push(i.path);
      else queue.push(i.path);
    }
  }
  const inputs = [...seen].flatMap((o) => Object.keys(outputs[o]?.inputs ?? {}));
  return { inputs, externals, dynamic };
}

describe('what a local check-env loads before it reads the file', () => {
  const metas = new Map<string, Metafile>();
  beforeAll(async () => {
    for (const e of ENTRIES) metas.set(e, await metafile(e));
  });

  it.each(ENTRIES)('%s statically loads neither zod, yaml, node:crypto nor node:child_process', (entry) => {
    const { inputs, externals } = staticGraph(metas.get(entry)!, entry);
    expect(inputs).toContain('electron/cli/commands/check-env.ts');
    expect(inputs.filter((i) => BANNED.test(i))).toEqual([]);
    expect(externals.filter((i) => BANNED.test(i))).toEqual([]);
  });

  it.each(ENTRIES)('%s still loads yaml, in the chunk it imports when compose files are there', (entry) => {
    const meta = metas.get(entry)!;
    const { dynamic } = staticGraph(meta, entry);
    const compose = dynamic.find((d) => meta.outputs[d]?.entryPoint === 'electron/cli/commands/check-env-compose.ts');
    expect(compose, 'check-env-compose.ts is imported dynamically').toBeDefined();
    const behind = staticGraph(meta, 'electron/cli/commands/check-env-compose.ts').inputs;
    expect(behind.some((i) => i.includes('node_modules/yaml/'))).toBe(true);
  });
});
