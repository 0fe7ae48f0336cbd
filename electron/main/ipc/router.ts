import type { z } from 'zod';
import { AppError, BaseErrorCode, type ErrorCode, type ErrorShape } from '../../common/errors';
import { contract, listChannels, type Contract, type Domain, type Envelope } from '../../common/ipc';
import type { ChannelDef } from '../../common/ipc/contract';
import type { Logger } from '../../core/log/logger';

/**
 * The one IPC router (ARCHITECTURE.md §2). Electron's ipcMain and the test harness both feed it; it imports
 * no Electron so the harness can host exactly the same code.
 */

/** Who sent a call: the URL of the sending frame and whether that frame is the window's top frame. */
export interface SenderInfo {
  url: string;
  isTopFrame: boolean;
}

export interface HandlerContext {
  sender: SenderInfo;
}

type Handler<C> =
  C extends ChannelDef<infer Req, infer Res>
    ? (request: z.output<Req>, ctx: HandlerContext) => Promise<z.input<Res>>
    : never;

/** A handler for every channel of every domain: the compiler refuses a registry entry without one. */
export type Handlers = { [D in Domain]: { [V in keyof Contract[D]]: Handler<Contract[D][V]> } };

export interface RouterOptions {
  handlers: Handlers;
  /** True when a URL belongs to our own app origin (app://crucible in Electron, the harness origin in tests). */
  isTrustedUrl: (url: string) => boolean;
  logger: Logger;
}

export interface Router {
  readonly channels: readonly string[];
  handle(channel: string, payload: unknown, sender: SenderInfo): Promise<Envelope<unknown>>;
}

function fail(code: ErrorCode, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

/** Describes what was wrong with a request without echoing any of its values. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map(
      (i) =>
        `${i.path.length ? i.path.join('.') : '(request)'}: ${i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.code}`,
    )
    .join('; ');
}

export function createRouter({ handlers, isTrustedUrl, logger }: RouterOptions): Router {
  const table = new Map<string, { def: ChannelDef; fn: (req: unknown, ctx: HandlerContext) => Promise<unknown> }>();
  for (const { domain, verb, def } of listChannels()) {
    const domainHandlers = handlers[domain as Domain] as Record<
      string,
      (req: unknown, ctx: HandlerContext) => Promise<unknown>
    >;
    const fn = domainHandlers[verb];
    if (!fn) throw new Error(`No handler registered for ${def.channel}`);
    table.set(def.channel, { def, fn });
  }

  return {
    channels: [...table.keys()],
    async handle(channel, payload, sender) {
      const entry = table.get(channel);
      if (!entry) {
        logger.warn('ipc.refused', { reason: 'unknown channel', channel: channel.slice(0, 80) });
        return fail(
          BaseErrorCode.IpcUnknownChannel,
          'This request is not part of the app’s interface and was refused.',
        );
      }
      if (!sender.isTopFrame || !isTrustedUrl(sender.url)) {
        logger.warn('ipc.refused', { reason: 'foreign sender', channel, topFrame: sender.isTopFrame });
        return fail(
          BaseErrorCode.IpcForbiddenSender,
          'Only the app’s own window may call this; the request was refused.',
        );
      }
      const parsed = entry.def.request.safeParse(payload ?? {});
      if (!parsed.success) {
        return fail(
          BaseErrorCode.IpcBadRequest,
          `The request to ${channel} was malformed (${describeIssues(parsed.error)}).`,
        );
      }
      try {
        const value = await entry.fn(parsed.data, { sender });
        // Parsing the response strips keys the contract does not name, so nothing extra can leak out.
        const out = entry.def.response.safeParse(value);
        if (!out.success) {
          logger.error('ipc.bad-response', { channel, issues: describeIssues(out.error) });
          return fail(BaseErrorCode.IpcBadResponse, 'The app produced an invalid answer. Please report this.');
        }
        return { ok: true, value: out.data };
      } catch (e) {
        return { ok: false, error: toSafeError(e, channel, logger) };
      }
    },
  };
}

/** Handler errors cross as `{ code, message }`: AppErrors as they are, anything else as INTERNAL, no stack. */
export function toSafeError(e: unknown, channel: string, logger: Logger): ErrorShape {
  if (e instanceof AppError) return e.toShape();
  logger.error('ipc.handler-failed', { channel, error: e });
  return { code: BaseErrorCode.Internal, message: 'Something went wrong inside the app. Details are in the log.' };
}

export { contract };
