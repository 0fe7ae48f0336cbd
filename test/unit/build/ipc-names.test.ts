import { build, type Plugin } from 'esbuild';
import { runInThisContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildRawApi } from '../../../electron/common/ipc/api';
import { listChannels, listEvents } from '../../../electron/common/ipc';

/**
 * The preload (and the harness bridge) are built with the registry's names only, not its schemas (issue 20):
 * the window.api they expose must still be exactly the registry's, channel for channel and event for event.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Recorded {
  shape: Record<string, string[]>;
  channels: string[];
  events: string[];
}

/** Calls every function of a raw API once, recording which channel or event each one reaches. */
function record(
  api: Record<string, Record<string, (x: unknown) => unknown>>,
  calls: { channels: string[]; events: string[] },
): Recorded {
  const shape: Record<string, string[]> = {};
  for (const [domain, verbs] of Object.entries(api)) {
    shape[domain] = Object.keys(verbs).sort();
    for (const fn of Object.values(verbs)) fn(() => undefined);
  }
  return { shape, channels: [...calls.channels].sort(), events: [...calls.events].sort() };
}

describe('the preload built with channel names only', () => {
  it('exposes the same window.api as the registry, without bundling the schemas', async () => {
    const { ipcNamesPlugin } = (await import(`${ROOT}scripts/ipc-names-plugin.mjs`)) as {
      ipcNamesPlugin: (root: string) => Promise<Plugin>;
    };
    const out = await build({
      entryPoints: [`${ROOT}electron/preload/index.ts`],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['electron'],
      write: false,
      logLevel: 'error',
      plugins: [await ipcNamesPlugin(ROOT)],
    });
    const text = out.outputFiles[0]!.text;
    expect(text).not.toContain('_zod');
    expect(text.length).toBeLessThan(20_000);

    const built = { channels: [] as string[], events: [] as string[] };
    let exposed: unknown;
    const electron = {
      contextBridge: { exposeInMainWorld: (_k: string, v: unknown) => (exposed = v) },
      ipcRenderer: {
        invoke: (c: string) => (built.channels.push(c), Promise.resolve({ ok: true, value: null })),
        on: (e: string) => built.events.push(e),
        removeListener: () => undefined,
      },
    };
    const mod = { exports: {} };
    const wrapped = runInThisContext(`(function (module, exports, require) {${text}\n})`) as (
      m: unknown,
      e: unknown,
      r: (id: string) => unknown,
    ) => void;
    wrapped(mod, mod.exports, (id) => (id === 'electron' ? electron : undefined));

    const source = { channels: [] as string[], events: [] as string[] };
    const reference = buildRawApi(
      (c) => (source.channels.push(c), Promise.resolve({ ok: true, value: null })),
      (e) => (source.events.push(e), () => undefined),
    );
    const a = record(exposed as Record<string, Record<string, (x: unknown) => unknown>>, built);
    const b = record(reference as unknown as Record<string, Record<string, (x: unknown) => unknown>>, source);
    expect(a).toEqual(b);
    expect(a.channels).toHaveLength(listChannels().length);
    expect(a.events).toHaveLength(listEvents().length);
  });
});
