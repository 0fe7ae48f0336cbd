import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';
import { CLIPBOARD_CLEAR_MS } from '../../../core/inventory/clipboard-guard';

/** The only handlers that touch secret values: reveal answers with one, copy hands one to the OS clipboard. */
export function secretsHandlers({ core, platform }: HandlerDeps): Handlers['secrets'] {
  return {
    list: ({ deploymentId }) => core.inventory.list(deploymentId),
    reveal: async ({ deploymentId, name }) => ({ name, value: await core.inventory.reveal(deploymentId, name) }),
    copy: async ({ deploymentId, name }) => {
      const { clearsAt } = await core.inventory.copy(deploymentId, name, platform.clipboard);
      return { name, clearsAt: clearsAt.toISOString(), seconds: CLIPBOARD_CLEAR_MS / 1000 };
    },
    drift: ({ deploymentId }) => core.inventory.drift(deploymentId),
  };
}
