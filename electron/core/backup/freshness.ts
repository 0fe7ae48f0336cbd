/**
 * When each deployment was last backed up: the newest `backup.exported` entry of the journal (the backup
 * service journals one per deployment an export holds). The Backup/Secrets pages (backup.status) and the
 * Dashboard (audit.dashboard) read it from here.
 */
export const BACKUP_EXPORTED = 'backup.exported';

/** The newest export date per deployment id; deployments never backed up are absent. */
export function newestBackups(
  entries: ReadonlyArray<{ type: string; at: string; deploymentId?: string }>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    if (e.type !== BACKUP_EXPORTED || e.deploymentId === undefined) continue;
    const prev = out.get(e.deploymentId);
    if (prev === undefined || e.at > prev) out.set(e.deploymentId, e.at);
  }
  return out;
}
