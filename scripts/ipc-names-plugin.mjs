import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { join } from 'node:path';

// The preload and the harness bridge need only the channel and event names to build window.api, not the
// zod schemas behind them (which would run before the window's first render, issue 20). Their import of the
// registry from common/ipc/api.ts is replaced by those names, read from the real registry at build time.
export async function ipcNamesPlugin(root = process.cwd()) {
  const r = await build({
    entryPoints: [join(root, 'electron/common/ipc/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', r.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
  const channels = mod.exports
    .listChannels()
    .map(({ domain, verb, def }) => ({ domain, verb, def: { channel: def.channel } }));
  const events = mod.exports.listEvents().map(({ name, def }) => ({ name, def: { event: def.event } }));
  if (channels.length === 0) throw new Error('build: the IPC registry lists no channel');
  const contents = `export const listChannels = () => ${JSON.stringify(channels)};\nexport const listEvents = () => ${JSON.stringify(events)};\n`;
  return {
    name: 'ipc-names',
    setup(b) {
      b.onResolve({ filter: /^\.\/index$/ }, (args) =>
        args.importer.replaceAll('\\', '/').endsWith('electron/common/ipc/api.ts')
          ? { path: 'ipc-names', namespace: 'ipc-names' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'ipc-names' }, () => ({ contents, loader: 'js' }));
    },
  };
}
