import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';
import { CLIPBOARD_CLEAR_MS } from '../../../core/inventory/clipboard-guard';
import { createEnvWatcher } from '../../../core/inventory/env-watch';
import { parseLocation } from '../../../core/host/location';
import { requireDeployment } from '../../../core/inventory/inventory';

/** The only handlers that touch secret values: reveal answers with one, copy hands one to the OS clipboard. */
export function secretsHandlers({ core, platform }: HandlerDeps): Handlers['secrets'] {
  // The IPC layer has pushes (ARCHITECTURE.md §2), so a local `.env` is watched for real while a page asks for it.
  const envWatcher = createEnvWatcher({
    onChange: (deploymentId) => {
      platform.emit('secretsEnvChanged', { deploymentId });
    },
  });
  return {
    list: ({ deploymentId }) => core.inventory.list(deploymentId),
    reveal: async ({ deploymentId, name }) => ({ name, value: await core.inventory.reveal(deploymentId, name) }),
    copy: async ({ deploymentId, name }) => {
      const { clearsAt } = await core.inventory.copy(deploymentId, name, platform.clipboard);
      return { name, clearsAt: clearsAt.toISOString(), seconds: CLIPBOARD_CLEAR_MS / 1000 };
    },
    drift: ({ deploymentId }) => core.inventory.drift(deploymentId),
    previewDriftRepair: ({ deploymentId, name, direction }) =>
      core.inventory.previewDriftRepair(deploymentId, name, direction),
    repairDrift: ({ deploymentId, name, direction, token }) =>
      core.inventory.repairDrift(deploymentId, name, direction, token),
    watchEnv: async ({ deploymentId }) => {
      const d = requireDeployment(await core.store.read(), deploymentId);
      // A server's `.env` cannot be watched from here; the page re-checks it on a timer.
      if (parseLocation(d.folder, '/').kind !== 'local') return { watching: false };
      return { watching: envWatcher.watch(deploymentId, d.folder) };
    },
    unwatchEnv: ({ deploymentId }) => {
      envWatcher.unwatch(deploymentId);
      return Promise.resolve({});
    },
    previousVersions: ({ deploymentId }) => core.previousVersions.list(deploymentId),
    restorePrevious: async ({ deploymentId, id }) => {
      const r = await core.previousVersions.restore(deploymentId, id);
      return { file: r.file, currentKept: r.keptCurrentAs !== null };
    },
  };
}
