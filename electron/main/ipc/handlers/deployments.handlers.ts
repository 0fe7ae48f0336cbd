import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';
import { requireDeployment } from '../../../core/inventory/inventory';
import { deploymentWhere } from '../../../core/host/where';
import { verifyDeployment } from '../../../core/verify/verify-deployment';

export function deploymentsHandlers({ core }: HandlerDeps): Handlers['deployments'] {
  return {
    list: async () => {
      const state = await core.store.read();
      return { deployments: state.deployments, notice: core.store.notice() };
    },
    get: async ({ id }) => requireDeployment(await core.store.read(), id),
    where: async ({ id }) => deploymentWhere(core, requireDeployment(await core.store.read(), id)),
    verify: async ({ id, loginPassword }) =>
      verifyDeployment(
        { openHost: (l) => core.openHost(l), redactor: core.logger.redactor },
        requireDeployment(await core.store.read(), id),
        loginPassword === undefined ? {} : { loginPassword },
      ),
  };
}
