import { z } from 'zod';
import { ErrorShape } from './error-shape';

/**
 * The building blocks of the typed IPC contract (ARCHITECTURE.md §2). A channel is `cs:<domain>:<verb>`
 * with a zod schema for its request and one for its response; types are inferred, never written twice.
 */
export interface ChannelDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly channel: string;
  readonly request: Req;
  readonly response: Res;
}

export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly event: string;
  readonly payload: P;
}

export function channel<Req extends z.ZodType, Res extends z.ZodType>(
  domain: string,
  verb: string,
  request: Req,
  response: Res,
): ChannelDef<Req, Res> {
  return { channel: `cs:${domain}:${verb}`, request, response };
}

export function event<P extends z.ZodType>(domain: string, name: string, payload: P): EventDef<P> {
  return { event: `cs:${domain}:${name}`, payload };
}

/** Requests are strict objects: an unknown key is a malformed request, not something to ignore. */
export const req = z.strictObject;
export const NoRequest = z.strictObject({});

/** What crosses the process boundary: a value, or an error with a code and a safe message. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorShape };

export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorShape }),
]);
