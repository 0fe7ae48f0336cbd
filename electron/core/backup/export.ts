import { AppError } from '../../common/errors';
import { serviceFor } from '../keychain/keychain';
import { BackupErrorCode } from './errors';
import { VariableName, type BackupPayloadInput, type BackupSecret } from './payload';
import type { BackupDeps } from './ports';

/** Dates in the state are ISO strings but may lack a time or offset; the payload wants full ISO 8601. */
function isoOrUndefined(s: string | null | undefined): string | undefined {
  if (!s) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * Collects what a backup holds for the given deployments: every keychain entry of each deployment (values
 * registered with the log redactor as they are read), the state's metadata and checklist ticks.
 * @throws AppError BACKUP_NOT_FOUND for an unknown deployment; KEYCHAIN_* when the keychain cannot be read.
 */
export async function gatherPayload(deps: BackupDeps, deploymentIds: readonly string[]): Promise<BackupPayloadInput> {
  const known = await deps.state.deployments();
  const kc = await deps.keychain();
  const now = deps.clock();
  const deployments: BackupPayloadInput['deployments'] = [];
  for (const id of new Set(deploymentIds)) {
    const d = known.find((x) => x.id === id);
    if (!d)
      throw new AppError(
        BackupErrorCode.NotFound,
        `No deployment with the id ${id} is registered, so there is nothing to back up for it.`,
      );
    const entries = await kc.list(serviceFor(id));
    const metas = await deps.state.secretMeta(id);
    const secrets: BackupSecret[] = [];
    let skipped = 0;
    for (const e of entries) {
      deps.logger.redactor.register(e.value);
      if (!VariableName.safeParse(e.account).success) {
        skipped++;
        continue;
      }
      const m = metas[e.account];
      secrets.push({
        name: e.account,
        value: e.value,
        generation: m?.generation ?? 1,
        origin: m?.origin ?? 'unknown',
        createdAt: isoOrUndefined(m?.created),
        rotatedAt: isoOrUndefined(m?.lastRotated),
      });
    }
    if (skipped > 0) deps.logger.warn('backup.skipped-entries', { deploymentId: id, count: skipped });
    secrets.sort((a, b) => a.name.localeCompare(b.name));
    deployments.push({
      id: d.id,
      name: d.name,
      folder: d.folder,
      composeFiles: d.composeFiles,
      environment: d.environment,
      createdAt: isoOrUndefined(d.createdAt) ?? now.toISOString(),
      secrets,
      checklist: (await deps.state.checklist(id)).map((c) => ({
        id: c.id,
        done: c.done,
        at: isoOrUndefined(c.at),
        ...(c.note !== undefined ? { note: c.note } : {}),
      })),
    });
  }
  if (deployments.length === 0)
    throw new AppError(BackupErrorCode.NotFound, 'Choose at least one deployment to back up.');
  return {
    kind: 'crucible-secrets-backup',
    payloadVersion: 1,
    appVersion: deps.appVersion,
    createdAt: now.toISOString(),
    deployments,
  };
}
