import type { Api, RawApi } from './index';
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

/** A failed call as seen by the renderer: the code to branch on and a message safe to show. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Wraps the raw envelopes into calls that resolve to the value or reject with an ApiError. */
export function unwrapApi(raw: RawApi): Api {
  const out: Record<string, unknown> = { on: raw.on };
  for (const { domain, verb } of listChannels()) {
    const rawDomain = (raw as unknown as Record<string, Record<string, (r: unknown) => Promise<Envelope<unknown>>>>)[domain];
    const fn = rawDomain?.[verb];
    if (!fn) continue;
    const target = (out[domain] ??= {}) as Record<string, unknown>;
    target[verb] = async (request: unknown) => {
      const envelope = await fn(request);
      if (envelope.ok) return envelope.value;
      throw new ApiError(envelope.error.code, envelope.error.message);
    };
  }
  return out as Api;
}
