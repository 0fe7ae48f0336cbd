// Bundles the Electron main process, the preload, the CLI and the test-harness browser bridge with esbuild.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ipcNamesPlugin } from './ipc-names-plugin.mjs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const define = { __APP_VERSION__: JSON.stringify(version) };

const prod = process.env.NODE_ENV === 'production';
const native = ['electron', 'keytar', 'argon2', 'bcrypt'];
const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: native,
  logLevel: 'warning',
  minify: prod,
  define,
};

// The CLI starts fast (issue 20): dist/cli/cli.cjs is a small entry that answers --version and help from a
// catalog of command descriptions (dist/cli/commands.json, written below) and otherwise imports
// dist/cli/run/lazy-run.mjs, an ES module build with code splitting that loads only the command group run.
const cliLazy = {
  name: 'cli-lazy',
  setup(b) {
    b.onResolve({ filter: /^\.\/(lazy-run|check-env-run)$/ }, (a) => ({
      path: `./run/${a.path.slice(2)}.mjs`,
      external: true,
    }));
  },
};
// ES modules have no `require`; bundled CommonJS packages and require.resolve (zxcvbn-worker) need one.
const esmRequire =
  "import { createRequire as __csCreateRequire } from 'node:module'; const require = __csCreateRequire(import.meta.url);";
// The command code: ES modules with code splitting, loaded by dist/cli/cli.cjs. Minified whatever NODE_ENV says:
// parsing less text is most of what a command's start costs (maps kept).
const cliEsm = {
  ...node,
  minify: true,
  format: 'esm',
  splitting: true,
  outdir: 'dist/cli/run',
  outExtension: { '.js': '.mjs' },
  banner: { js: esmRequire },
};
// Chunk names carry a content hash: clear the old ones (cli.cjs itself stays in place while this runs).
rmSync('dist/cli/run', { recursive: true, force: true });

// The preload and the harness bridge get the channel names only, not the registry's schemas (issue 20).
const ipcNames = await ipcNamesPlugin();

await Promise.all([
  build({ ...node, entryPoints: ['electron/main/index.ts'], outfile: 'dist/main/main.cjs' }),
  // The password-strength worker with zxcvbn-ts inside, read by main from the asar (core/secrets/zxcvbn-worker.ts).
  build({
    ...node,
    sourcemap: false,
    entryPoints: ['electron/core/secrets/zxcvbn-worker-entry.ts'],
    outfile: 'dist/main/zxcvbn-worker.cjs',
  }),
  // A sandboxed preload cannot be ESM and can only require 'electron'.
  build({
    ...node,
    entryPoints: ['electron/preload/index.ts'],
    outfile: 'dist/preload/preload.cjs',
    plugins: [ipcNames],
  }),
  build({ ...node, entryPoints: ['electron/cli/index.ts'], outfile: 'dist/cli/cli.cjs', plugins: [cliLazy] }),
  build({ ...cliEsm, entryPoints: ['electron/cli/lazy-run.ts'], chunkNames: 'chunks/[name]-[hash]' }),
  // check-env of a local file, built apart: its own few modules rather than the ~20 chunks it shares with
  // other commands above, since Node's cost per ES module loaded was most of its start (electron/cli/check-env-run.ts).
  build({
    ...cliEsm,
    entryPoints: ['electron/cli/check-env-run.ts'],
    chunkNames: 'chunks/check-env-run-[name]-[hash]',
  }),
  // Minified: the harness page runs it before the app's first render (bench/renderer.bench.ts measures that).
  build({
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    entryPoints: ['test/harness/bridge.ts'],
    outfile: 'dist/harness/bridge.js',
    logLevel: 'warning',
    plugins: [ipcNames],
  }),
]);

// The catalog: every command's description (its run function dropped), in the order of commands/index.ts.
const { loadAllCommands } = await import(pathToFileURL('dist/cli/run/lazy-run.mjs').href);
const catalog = (await loadAllCommands()).map(
  ({ name, summary, usage, exitCodes, aliases, options, allowPositionals }) => ({
    name,
    summary,
    usage,
    exitCodes,
    aliases,
    options,
    allowPositionals,
  }),
);
writeFileSync('dist/cli/commands.json', JSON.stringify(catalog));
