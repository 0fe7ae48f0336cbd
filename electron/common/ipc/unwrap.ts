import type { Api, RawApi } from './index';
import type { Envelope } from './contract';
import type { ErrorCode } from '../error-codes';

/**
 * The renderer's side of the API: no runtime import of the channel registry (and so of every zod schema),
 * which keeps them out of the window's start-up code. The raw API it wraps was itself built from the
 * registry by the preload (or the test harness bridge), so it holds exactly the registry's channels.
 */

/** A failed call as seen by the renderer: the code to branch on and a message safe to show. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Wraps the raw envelopes into calls that resolve to the value or reject with an ApiError. */
export function unwrapApi(raw: RawApi): Api {
  const out: Record<string, unknown> = { on: raw.on };
  for (const [domain, verbs] of Object.entries(raw as unknown as Record<string, Record<string, unknown>>)) {
    if (domain === 'on') continue;
    const target: Record<string, unknown> = {};
    for (const [verb, fn] of Object.entries(verbs)) {
      if (typeof fn !== 'function') continue;
      target[verb] = async (request: unknown) => {
        const envelope = await (fn as (r: unknown) => Promise<Envelope<unknown>>)(request);
        if (envelope.ok) return envelope.value;
        throw new ApiError(envelope.error.code, envelope.error.message);
      };
    }
    out[domain] = target;
  }
  return out as Api;
}
