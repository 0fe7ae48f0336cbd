import { getApi } from '../../api';
import { useLoad } from '../../hooks';
import { href, route } from '../../router';
import { formatWhen } from '../../format-date';

/**
 * For the Secrets page: warns when a secret was rotated after the newest backup of this deployment
 * (restoring that backup would bring back a revoked value), or when there is no backup at all.
 */
export function BackupFreshness({ deploymentId }: { deploymentId: string }) {
  const [status] = useLoad(() => getApi().backup.status({}), deploymentId);
  if (status.state !== 'ready') return null;
  const d = status.value.deployments.find((x) => x.id === deploymentId);
  if (!d) return null;
  if (d.lastBackupAt === null) {
    return (
      <p role="note" className="badge-info" data-testid="backup-freshness">
        No backup of this deployment yet. <a href={href(route.backup())}>Make one</a>.
      </p>
    );
  }
  if (d.rotatedSince.length === 0) return null;
  return (
    <div role="alert" className="panel panel-error" data-testid="backup-freshness">
      Rotated after the newest backup ({formatWhen(d.lastBackupAt)}): {d.rotatedSince.join(', ')}. Restoring that backup
      would bring back revoked values. <a href={href(route.backup())}>Make a new backup</a>.
    </div>
  );
}
