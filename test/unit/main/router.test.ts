import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../electron/common/errors';
import { createRouter, type Handlers } from '../../../electron/main/ipc/router';
import { createLogger, memorySink } from '../../../electron/core/log/logger';
import { listChannels } from '../../../electron/common/ipc';

const ORIGIN = 'app://crucible';
const top = { url: `${ORIGIN}/index.html`, isTopFrame: true };
const CANARY = 'canary-8f3kq2LmZ0xYwq9T';

const status = {
  backend: 'memory' as const,
  label: 'mem',
  usable: true,
  checkedAt: new Date(0).toISOString(),
  facts: {},
};

/** What app.info answers in these tests. */
const info = { name: 'x', version: '1', platform: 'linux', arch: 'x64', host: 'harness', versions: { node: '20' } };

function makeRouter(overrides: Partial<Handlers> = {}) {
  const sink = memorySink();
  const logger = createLogger({ sink });
  logger.redactor.register(CANARY);
  // Domains this test does not exercise get handlers that refuse, so adding a domain needs no edit here.
  const refuse: Record<string, Record<string, () => Promise<never>>> = {};
  for (const { domain, verb } of listChannels())
    (refuse[domain] ??= {})[verb] = () => Promise.reject(new Error('not used in this test'));
  const handlers = {
    ...refuse,
    app: {
      ...refuse.app,
      info: () => Promise.resolve(info),
    },
    keychain: { status: () => Promise.resolve(status), recheck: () => Promise.resolve(status) },
    ...overrides,
  } as unknown as Handlers;
  const router = createRouter({ handlers, isTrustedUrl: (u) => u.startsWith(ORIGIN + '/'), logger });
  return { router, sink };
}

describe('IPC router', () => {
  it('answers a registered channel from our own top frame', async () => {
    const { router } = makeRouter();
    const res = await router.handle('cs:app:info', {}, top);
    expect(res).toMatchObject({ ok: true, value: { name: 'x', host: 'harness' } });
  });

  it('refuses an unknown channel', async () => {
    const { router } = makeRouter();
    expect(await router.handle('cs:secrets:dump-everything', {}, top)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'IPC_UNKNOWN_CHANNEL' }),
    });
  });

  it('refuses a sender from another origin', async () => {
    const { router } = makeRouter();
    const res = await router.handle('cs:app:info', {}, { url: 'https://evil.example/', isTopFrame: true });
    expect(res).toMatchObject({ ok: false, error: { code: 'IPC_FORBIDDEN_SENDER' } });
  });

  it('refuses a sub-frame even on our own origin', async () => {
    const { router } = makeRouter();
    const res = await router.handle('cs:app:info', {}, { url: `${ORIGIN}/index.html`, isTopFrame: false });
    expect(res).toMatchObject({ ok: false, error: { code: 'IPC_FORBIDDEN_SENDER' } });
  });

  it('refuses a payload with unknown keys, naming the key but not echoing values', async () => {
    const { router } = makeRouter();
    const res = await router.handle('cs:app:info', { sneaky: CANARY }, top);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('IPC_BAD_REQUEST');
      expect(res.error.message).toContain('sneaky');
      expect(res.error.message).not.toContain(CANARY);
    }
  });

  it('refuses a payload that is not an object', async () => {
    const { router } = makeRouter();
    for (const bad of ['text', 42, [1, 2], true]) {
      const res = await router.handle('cs:keychain:status', bad, top);
      expect(res).toMatchObject({ ok: false, error: { code: 'IPC_BAD_REQUEST' } });
    }
  });

  it('passes an AppError through as code and message', async () => {
    const { router } = makeRouter({
      keychain: {
        status: () => Promise.reject(new AppError('KEYCHAIN_LOCKED', 'Unlock it.')),
        recheck: () => Promise.resolve(status),
      },
    });
    expect(await router.handle('cs:keychain:status', {}, top)).toEqual({
      ok: false,
      error: { code: 'KEYCHAIN_LOCKED', message: 'Unlock it.' },
    });
  });

  it('turns any other handler error into INTERNAL without stack, path or value', async () => {
    const { router, sink } = makeRouter({
      keychain: {
        status: () => Promise.reject(new Error(`ENOENT: /home/admin/secret/.env value=${CANARY}`)),
        recheck: () => Promise.resolve(status),
      },
    });
    const res = await router.handle('cs:keychain:status', {}, top);
    expect(res).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const text = JSON.stringify(res);
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain('/home/admin');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    // The log keeps the cause for the admin, with the secret redacted at the sink.
    expect(sink.lines.join('\n')).toContain('ipc.handler-failed');
    expect(sink.lines.join('\n')).not.toContain(CANARY);
  });

  it('strips response keys the contract does not declare', async () => {
    const { router } = makeRouter({
      app: {
        info: () => Promise.resolve({ ...info, secret: CANARY } as never),
        copyCommand: () => Promise.resolve({ copied: true }),
      },
    });
    const res = await router.handle('cs:app:info', {}, top);
    expect(JSON.stringify(res)).not.toContain(CANARY);
  });

  it('registers every channel of the registry, named cs:<domain>:<verb>', () => {
    const { router } = makeRouter();
    const names = listChannels().map((c) => c.def.channel);
    expect([...router.channels].sort()).toEqual([...names].sort());
    for (const n of names) expect(n).toMatch(/^cs:[a-z][a-z-]*:[a-z][a-zA-Z-]*$/);
  });

  it('every channel refuses unknown request keys', async () => {
    const { router } = makeRouter();
    for (const { def } of listChannels()) {
      const res = await router.handle(def.channel, { __unexpected__: 1 }, top);
      expect(res, def.channel).toMatchObject({ ok: false, error: { code: 'IPC_BAD_REQUEST' } });
    }
  });

  it('every channel refuses unknown keys at every nesting level of its request (no plain z.object inside)', () => {
    const looseIn = (schema: unknown): string[] => {
      const out: string[] = [];
      walkObjects(schema, 'request', out);
      return out;
    };
    // The walker itself: a plain z.object (unknown keys dropped silently) nested in a strict one is found.
    expect(looseIn(z.strictObject({ inner: z.object({ a: z.string() }).optional() }))).toEqual(['request.inner']);
    const loose = listChannels().flatMap(({ def }) => looseIn(def.request).map((p) => `${def.channel} ${p}`));
    expect(loose).toEqual([]);
  });

  it('incident.answer refuses an unknown key inside answers instead of dropping it', async () => {
    const answers = {
      whatExposed: 'the .env was in a public repo',
      since: null,
      secrets: ['REDIS_PASSWORD'],
      users: 'none',
    };
    // The default handlers of this test refuse every call: reaching one gives an error other than IPC_BAD_REQUEST.
    const { router } = makeRouter();
    const nested = await router.handle(
      'cs:incident:answer',
      { id: 'inc-1', answers: { ...answers, smuggled: CANARY } },
      top,
    );
    expect(nested).toMatchObject({ ok: false, error: { code: 'IPC_BAD_REQUEST' } });
    expect(JSON.stringify(nested)).not.toContain(CANARY);
    // The same answers without the extra key pass the contract and reach the handler.
    const plain = await router.handle('cs:incident:answer', { id: 'inc-1', answers }, top);
    expect(plain.ok).toBe(false);
    if (!plain.ok) expect(plain.error.code).not.toBe('IPC_BAD_REQUEST');
  });
});

interface ZodDefLike {
  type: string;
  shape?: Record<string, unknown>;
  catchall?: { _zod: { def: ZodDefLike } };
  innerType?: unknown;
  element?: unknown;
  options?: unknown[];
  in?: unknown;
  out?: unknown;
  valueType?: unknown;
  left?: unknown;
  right?: unknown;
}

/** Collects the paths of object schemas that do not refuse unknown keys (zod 4: catchall is never when strict). */
function walkObjects(schema: unknown, path: string, out: string[]): void {
  const def = (schema as { _zod: { def: ZodDefLike } })._zod.def;
  if (def.type === 'object') {
    if (def.catchall?._zod.def.type !== 'never') out.push(path);
    for (const [k, v] of Object.entries(def.shape ?? {})) walkObjects(v, `${path}.${k}`, out);
  }
  for (const k of ['innerType', 'element', 'in', 'out', 'valueType', 'left', 'right'] as const)
    if (def[k] !== undefined) walkObjects(def[k], path, out);
  for (const o of def.options ?? []) walkObjects(o, path, out);
}
