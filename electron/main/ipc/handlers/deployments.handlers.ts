import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';
import { requireDeployment } from '../../../core/inventory/inventory';
import { deploymentWhere } from '../../../core/host/where';
import type { Location } from '../../../core/host/location';
import { verifyDeployment } from '../../../core/verify/verify-deployment';
import { deploymentComposeFiles, setDeploymentComposeFiles } from '../../../core/inventory/compose-files';

export function deploymentsHandlers({ core }: HandlerDeps): Handlers['deployments'] {
  const composeDeps = { store: core.store, journal: core.journal, openHost: (l: Location) => core.openHost(l) };
  return {
    list: async () => {
      const state = await core.store.read();
      return { deployments: state.deployments, notice: core.store.notice() };
    },
    get: async ({ id }) => requireDeployment(await core.store.read(), id),
    where: async ({ id }) => deploymentWhere(core, requireDeployment(await core.store.read(), id)),
    composeFiles: ({ id }) => deploymentComposeFiles(composeDeps, id),
    setComposeFiles: async ({ id, files }) => {
      const d = await setDeploymentComposeFiles(composeDeps, id, files);
      core.logger.info('deployments.compose-files', { deploymentId: id, files: d.composeFiles.length });
      return d;
    },
    verify: async ({ id, loginPassword }) =>
      verifyDeployment(
        { openHost: (l) => core.openHost(l), redactor: core.logger.redactor },
        requireDeployment(await core.store.read(), id),
        loginPassword === undefined ? {} : { loginPassword },
      ),
  };
}
