import type { Api } from '../../electron/common/ipc';
import { setApiForTests } from '../../renderer/src/api';

/** The one deployment most component tests list: a local folder in production mode. */
export const demoDeployment = {
  id: 'demo-one',
  name: 'Demo',
  folder: '/srv/demo',
  composeFiles: [],
  environment: 'production' as const,
  createdAt: '2026-01-01T00:00:00.000Z',
};

/** Another production deployment in its own folder under /srv, for tests that list several. */
export const fakeDeployment = (id: string, name: string) => ({
  ...demoDeployment,
  id,
  name,
  folder: `/srv/${id}`,
  composeFiles: ['docker-compose.yml'],
});

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (...a: never[]) => unknown ? T[K] : DeepPartial<T[K]> };

/**
 * A fake `window.api` for component tests, typed from the contract: supply only the calls a test needs;
 * any other call rejects loudly so a test never passes on a missing stub.
 */
export function installFakeApi(partial: DeepPartial<Api>): void {
  const handler: ProxyHandler<object> = {
    get(_t, domain: string) {
      const d = (partial as Record<string, Record<string, unknown> | undefined>)[domain];
      return new Proxy(
        {},
        {
          get(_x, verb: string) {
            const fn = d?.[verb];
            if (typeof fn === 'function') return fn;
            return () => Promise.reject(new Error(`fake api: ${domain}.${verb} not stubbed`));
          },
        },
      );
    },
  };
  setApiForTests(new Proxy({}, handler) as Api);
}
