import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';
import { requireDeployment } from '../../../core/inventory/inventory';
import { deploymentWhere } from '../../../core/host/where';

export function deploymentsHandlers({ core }: HandlerDeps): Handlers['deployments'] {
  return {
    list: async () => {
      const state = await core.store.read();
      return { deployments: state.deployments, notice: core.store.notice() };
    },
    get: async ({ id }) => requireDeployment(await core.store.read(), id),
    where: async ({ id }) => deploymentWhere(core, requireDeployment(await core.store.read(), id)),
  };
}
