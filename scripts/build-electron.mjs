// Bundles the Electron main process, the preload, the CLI and the test-harness browser bridge with esbuild.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const define = { __APP_VERSION__: JSON.stringify(version) };

const prod = process.env.NODE_ENV === 'production';
const native = ['electron', 'keytar', 'argon2', 'bcrypt'];
const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, external: native, logLevel: 'warning', minify: prod, define };

await Promise.all([
  build({ ...node, entryPoints: ['electron/main/index.ts'], outfile: 'dist/main/main.cjs' }),
  // A sandboxed preload cannot be ESM and can only require 'electron'.
  build({ ...node, entryPoints: ['electron/preload/index.ts'], outfile: 'dist/preload/preload.cjs' }),
  build({ ...node, entryPoints: ['electron/cli/index.ts'], outfile: 'dist/cli/cli.cjs' }),
  build({ bundle: true, platform: 'browser', format: 'iife', target: 'chrome120', entryPoints: ['test/harness/bridge.ts'], outfile: 'dist/harness/bridge.js', logLevel: 'warning' }),
]);
