import type { RawApi } from './index';
import { listChannels, listEvents } from './index';
import type { Envelope } from './contract';

export type Invoke = (channel: string, request: unknown) => Promise<Envelope<unknown>>;
export type Subscribe = (event: string, listener: (payload: unknown) => void) => () => void;

/**
 * Builds `window.api` from the registry: one named function per channel, never a generic invoke.
 * Used by the preload (ipcRenderer) and by the test harness bridge (HTTP), so both expose the same shape.
 */
export function buildRawApi(invoke: Invoke, subscribe: Subscribe): RawApi {
  const api: Record<string, Record<string, unknown>> = { on: {} };
  for (const { domain, verb, def } of listChannels()) {
    api[domain] ??= {};
    const domainApi = api[domain];
    domainApi[verb] = (request: unknown) => invoke(def.channel, request ?? {});
  }
  const on = api.on as Record<string, unknown>;
  for (const { name, def } of listEvents()) {
    on[name] = (listener: (payload: unknown) => void) => subscribe(def.event, listener);
  }
  return api as unknown as RawApi;
}

// The renderer's half lives apart so the window need not load the registry (issue 20).
export { ApiError, unwrapApi } from './unwrap';
