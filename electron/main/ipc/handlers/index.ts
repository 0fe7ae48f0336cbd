import type { Handlers } from '../router';
import type { HandlerDeps } from './deps';
import { appHandlers } from './app.handlers';
import { keychainHandlers } from './keychain.handlers';
import { auditHandlers } from './audit.handlers';
import { proxyHandlers } from './proxy.handlers';
import { deploymentsHandlers } from './deployments.handlers';
import { secretsHandlers } from './secrets.handlers';
import { setupHandlers } from './setup.handlers';
import { backupHandlers } from './backup.handlers';
import { incidentHandlers } from './incident.handlers';
import { rotationHandlers } from './rotation.handlers';
import { dumpsHandlers } from './dumps.handlers';

export type { HandlerDeps, HostInfo } from './deps';

/**
 * Builds every handler, one file per domain (`<domain>.handlers.ts`). The router's type makes a registry
 * channel without a handler a compile error.
 */
export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    app: appHandlers(deps),
    keychain: keychainHandlers(deps),
    audit: auditHandlers(deps),
    proxy: proxyHandlers(deps),
    deployments: deploymentsHandlers(deps),
    secrets: secretsHandlers(deps),
    setup: setupHandlers(deps),
    backup: backupHandlers(deps),
    incident: incidentHandlers(deps),
    rotation: rotationHandlers(deps),
    dumps: dumpsHandlers(deps),
  };
}
