import { describe, expect, it } from 'vitest';
import { appHandlers } from '../../../electron/main/ipc/handlers/app.handlers';
import type { HandlerDeps } from '../../../electron/main/ipc/handlers/deps';
import { createLogger, memorySink } from '../../../electron/core/log/logger';
import { harnessPlatform } from '../../harness/platform';

const CANARY = 'CANARY-value-9f2c41d7e0';

/** The app handlers with a real logger (its redactor knows CANARY) and the harness' in-memory clipboard. */
function build() {
  const logger = createLogger({ sink: memorySink() });
  logger.redactor.register(CANARY);
  const platform = harnessPlatform();
  const deps = {
    core: { logger },
    platform,
    hostInfo: { host: 'harness', name: 'x', version: '1', versions: { node: '20' } },
  } as unknown as HandlerDeps;
  return { handlers: appHandlers(deps), platform };
}

describe('app.copyCommand', () => {
  it('puts a shown command on the clipboard as it is', async () => {
    const { handlers, platform } = build();
    const text = 'cd /srv/crucible && docker compose -f docker-compose.yml -f docker-compose.prod.yml up -d';
    await expect(handlers.copyCommand({ text }, { senderUrl: '' } as never)).resolves.toEqual({ copied: true });
    expect(platform.clipboardText()).toBe(text);
  });

  it('refuses text holding a value the app handled, or a secret’s shape, and leaves the clipboard alone', async () => {
    const { handlers, platform } = build();
    for (const text of [
      `echo ${CANARY} | docker login`,
      "htpasswd -b x '$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234'",
      'psql postgres://crucible:hunter2-pw@db/crucible',
    ]) {
      const r = handlers.copyCommand({ text }, { senderUrl: '' } as never);
      await expect(r).rejects.toMatchObject({ code: 'CLIPBOARD_SECRET_REFUSED' });
      await r.catch((e: unknown) => {
        expect((e as Error).message).not.toContain(CANARY);
      });
    }
    expect(platform.clipboardText()).toBe('');
  });
});
