import type { DashboardEntryView } from '../../../../electron/common/ipc/audit.ipc';
import { getApi } from '../../api';
import { useLoad } from '../../hooks';
import { SEVERITIES, SeverityBadge } from './SeverityBadge';
import { href, route } from '../../router';

/** Dashboard: per deployment, findings by severity, checklist items failing/due/overdue, rotations, backups, incidents. */
export function DashboardAudit() {
  const [data] = useLoad(() => getApi().audit.dashboard({}));
  if (data.state === 'loading') return <p role="status">Auditing deployments…</p>;
  if (data.state === 'error') return <p role="alert">{data.message}</p>;
  if (data.value.deployments.length === 0) return null;
  return (
    <div className="panel" data-testid="dashboard-audit">
      <h2>Security at a glance</h2>
      <table>
        <caption className="muted">Latest audit of each deployment</caption>
        <thead>
          <tr>
            <th scope="col">Deployment</th>
            <th scope="col">Findings</th>
            <th scope="col">Checklist</th>
            <th scope="col">Rotations due</th>
            <th scope="col">Newest backup</th>
            <th scope="col">Incident</th>
          </tr>
        </thead>
        <tbody>
          {data.value.deployments.map((d) => (
            <tr key={d.deployment.id} data-testid={`dash-${d.deployment.id}`}>
              <th scope="row">
                <a href={href(route.audit(d.deployment.id))}>{d.deployment.name}</a>{' '}
                <span className="badge badge-info">{d.deployment.environment}</span>
              </th>
              <td>
                {d.error ? (
                  <span className="badge badge-error">{d.error}</span>
                ) : (
                  <ul className="severity-counts">
                    {SEVERITIES.map((s) => (
                      <li key={s}>
                        <SeverityBadge severity={s} /> {d.counts?.[s] ?? 0}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td data-testid="dash-checklist">
                <ChecklistCell deploymentId={d.deployment.id} checklist={d.checklist} />
              </td>
              <td data-testid="dash-rotations">
                <RotationsCell deploymentId={d.deployment.id} rotations={d.rotations} />
              </td>
              <td data-testid="dash-backup">
                <a href={href(route.backup())} className={d.newestBackupAt === null ? 'badge badge-warn' : undefined}>
                  {d.newestBackupAgeDays === null ? 'no backup yet' : backupAge(d.newestBackupAgeDays)}
                </a>
              </td>
              <td>
                {d.activeIncident ? (
                  <span className="badge badge-error">active</span>
                ) : (
                  <span className="muted">none</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Verified items (evidence the app found) apart from items ticked by the admin, then what needs attention:
 * a tick is the admin's word, not evidence, and the Dashboard must not present the two alike (issue 22).
 */
function ChecklistCell({
  deploymentId,
  checklist: c,
}: {
  deploymentId: string;
  checklist: DashboardEntryView['checklist'];
}) {
  const parts: Array<[number, string, string]> = [
    [c.verified, 'verified', 'badge badge-ok'],
    [c.manual, 'ticked by you', 'badge badge-info'],
    [c.failing, 'failing', 'badge badge-error'],
    [c.todo, 'to do', 'badge badge-warn'],
    [c.unknown, 'not evaluated', 'muted'],
  ];
  const shown = parts.filter(([n]) => n > 0);
  return (
    <a
      href={href(route.checklist(deploymentId))}
      aria-label={`Checklist: ${shown.map(([n, label]) => `${String(n)} ${label}`).join(', ') || 'no items'}`}
    >
      {shown.map(([n, label, cls], i) => (
        <span key={label}>
          {i > 0 && ' '}
          <span className={cls} data-testid={`dash-checklist-${label.replace(/ /g, '-')}`}>
            {n} {label}
          </span>
        </span>
      ))}
      {(c.due > 0 || c.overdue > 0) && (
        <span className="muted">
          {' '}
          ({c.overdue > 0 ? `${String(c.overdue)} overdue` : ''}
          {c.overdue > 0 && c.due > 0 ? ', ' : ''}
          {c.due > 0 ? `${String(c.due)} due` : ''})
        </span>
      )}
    </a>
  );
}

const backupAge = (days: number) => (days === 0 ? 'today' : days === 1 ? '1 day old' : `${String(days)} days old`);

/** Overdue and due secrets by name, each linking to its rotation; "none due" links to the Rotation page. */
function RotationsCell({
  deploymentId,
  rotations,
}: {
  deploymentId: string;
  rotations: DashboardEntryView['rotations'];
}) {
  const page = href(route.rotation(deploymentId));
  if (rotations.overdue.length === 0 && rotations.due.length === 0) {
    return (
      <a href={page} className="muted">
        none due
      </a>
    );
  }
  const list = (names: string[], label: string, tone: string) =>
    names.length > 0 && (
      <div>
        <a href={page} className={`badge badge-${tone}`}>
          {names.length} {label}
        </a>{' '}
        {names.map((n, i) => (
          <span key={n}>
            {i > 0 && ', '}
            <a href={`${page}/${encodeURIComponent(n)}`}>
              <code>{n}</code>
            </a>
          </span>
        ))}
      </div>
    );
  return (
    <>
      {list(rotations.overdue, 'overdue', 'error')}
      {list(rotations.due, 'due', 'warn')}
    </>
  );
}
