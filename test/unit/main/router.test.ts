import { describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/common/errors';
import { createRouter, type Handlers } from '../../../electron/main/ipc/router';
import { createLogger, memorySink } from '../../../electron/core/log/logger';
import { listChannels } from '../../../electron/common/ipc';

const ORIGIN = 'app://crucible';
const top = { url: `${ORIGIN}/index.html`, isTopFrame: true };
const CANARY = 'canary-8f3kq2LmZ0xYwq9T';

const status = { backend: 'memory' as const, label: 'mem', usable: true, checkedAt: new Date(0).toISOString(), facts: {} };

function makeRouter(overrides: Partial<Handlers> = {}) {
  const sink = memorySink();
  const logger = createLogger({ sink });
  logger.redactor.register(CANARY);
  // Domains this test does not exercise get handlers that refuse, so adding a domain needs no edit here.
  const refuse: Record<string, Record<string, () => Promise<never>>> = {};
  for (const { domain, verb } of listChannels()) (refuse[domain] ??= {})[verb] = () => Promise.reject(new Error('not used in this test'));
  const handlers = {
    ...refuse,
    app: {
      info: () => Promise.resolve({ name: 'x', version: '1', platform: 'linux', arch: 'x64', host: 'harness', versions: { node: '20' } }),
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
    expect(await router.handle('cs:secrets:dump-everything', {}, top)).toEqual({ ok: false, error: expect.objectContaining({ code: 'IPC_UNKNOWN_CHANNEL' }) });
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
    const { router } = makeRouter({ keychain: { status: () => Promise.reject(new AppError('KEYCHAIN_LOCKED', 'Unlock it.')), recheck: () => Promise.resolve(status) } });
    expect(await router.handle('cs:keychain:status', {}, top)).toEqual({ ok: false, error: { code: 'KEYCHAIN_LOCKED', message: 'Unlock it.' } });
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
        info: () => Promise.resolve({ name: 'x', version: '1', platform: 'linux', arch: 'x64', host: 'harness', versions: { node: '20' }, secret: CANARY } as never),
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
});
