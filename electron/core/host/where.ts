import { isAppError } from '../../common/errors';
import type { DeploymentWhere } from '../../common/ipc/deployments.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import { detectCompose } from './compose';
import type { DeploymentHost } from './host';
import { locationLabel, parseLocation, type Location } from './location';

/**
 * Where a deployment runs, for the Dashboard: the host reached (a server over the admin's OpenSSH), and
 * docker, the Compose v2 plugin and the daemon there. A server that cannot be reached is an answer (with
 * the words of the failure: an unknown host key names its fingerprint), not an error.
 */
export async function deploymentWhere(
  deps: { openHost(location: Location): DeploymentHost },
  d: DeploymentRef,
): Promise<DeploymentWhere> {
  const loc = parseLocation(d.folder, '/');
  const base = {
    deploymentId: d.id,
    host: locationLabel(loc),
    docker: null,
    compose: null,
    daemon: 'not-checked' as const,
  };
  const host = deps.openHost(loc);
  try {
    const c = await detectCompose(host);
    return {
      ...base,
      reachable: true,
      composeReady: c.ready,
      docker: c.docker.version,
      compose: c.composeV2.version,
      daemon: c.daemon,
      problems: c.problems.map((p) => ({ summary: p.summary, hint: p.hint })),
    };
  } catch (e) {
    if (!isAppError(e)) throw e;
    return {
      ...base,
      reachable: false,
      composeReady: false,
      problems: [{ summary: e.message, hint: 'Check the connection with ssh in a terminal, then look again.' }],
    };
  } finally {
    await host.close();
  }
}
