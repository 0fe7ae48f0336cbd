import type { AuditRule } from '../types';
import { datastorePortRule, networkModeHostRule, webPortRule } from './compose-ports';
import { envOverrideRule, hardcodedCorsRule, hardcodedSecretRule, localhostApiUrlRule } from './compose-env';
import {
  composeProblemsRule,
  envFileMountedRule,
  secretInHealthcheckRule,
  secretOnCommandLineRule,
  unpinnedImageRule,
} from './compose-misc';
import {
  buildContextEnvRule,
  envMissingRule,
  envModeRule,
  envNotIgnoredRule,
  envTrackedRule,
  rotationLeftoverRule,
  plaintextDumpRule,
} from './files';
import { proxyAuditRules } from '../../proxy/audit-rules';
import { apiNotProductionRule, envNotNeededRule, envReachesNoContainerRule } from './service-env';
import { crucibleFactsRules } from './crucible-facts';
import { composeFileRecordRule } from './compose-file-record';
import {
  knownLoginRateLimitRule,
  knownProductionCorsRule,
  knownRedisUrlLoggedRule,
  secretReusedAcrossDeploymentsRule,
} from './cross-known';

/** Every audit rule, in report order. check-env's findings are added by runAudit (see env-adapter.ts). */
export const auditRules: readonly AuditRule[] = [
  envMissingRule,
  composeProblemsRule,
  composeFileRecordRule,
  datastorePortRule,
  networkModeHostRule,
  webPortRule,
  hardcodedCorsRule,
  hardcodedSecretRule,
  envOverrideRule,
  apiNotProductionRule,
  envReachesNoContainerRule,
  envNotNeededRule,
  localhostApiUrlRule,
  secretOnCommandLineRule,
  secretInHealthcheckRule,
  envFileMountedRule,
  unpinnedImageRule,
  envNotIgnoredRule,
  envTrackedRule,
  envModeRule,
  buildContextEnvRule,
  rotationLeftoverRule,
  plaintextDumpRule,
  secretReusedAcrossDeploymentsRule,
  knownLoginRateLimitRule,
  knownRedisUrlLoggedRule,
  knownProductionCorsRule,
  ...crucibleFactsRules,
  ...proxyAuditRules,
];
