import { getApi } from '../api';
import { useLoad } from '../hooks';
import { ActiveIncidentsPanel } from '../components/incident/ActiveIncidentsPanel';
import { DashboardAudit } from '../components/audit/DashboardAudit';
import { LoadState } from '../components/LoadState';
import { NoDeployments } from '../components/NoDeployments';
import { DeploymentWhereLine } from '../components/DeploymentWhere';
import { DeploymentComposeFiles } from '../components/DeploymentComposeFiles';
import { href, route } from '../router';

/** The first screen: deployments and what needs attention. */
export function DashboardPage() {
  const [list] = useLoad(() => getApi().deployments.list({}));
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <ActiveIncidentsPanel />
      {list.state === 'ready' && list.value.notice && (
        <div role="alert" className="panel panel-error" data-testid="state-notice">
          {list.value.notice.message}
        </div>
      )}
      <div className="panel">
        <h2>Deployments</h2>
        <LoadState of={list} />
        {list.state === 'ready' && list.value.deployments.length === 0 && <NoDeployments testId="no-deployments" />}
        {list.state === 'ready' && list.value.deployments.length > 0 && (
          <ul className="deployment-list" data-testid="deployment-list">
            {list.value.deployments.map((d) => (
              <li key={d.id}>
                <strong>{d.name}</strong> <span className="badge badge-info">{d.environment}</span>{' '}
                <span className="muted">{d.folder}</span>{' '}
                <a href={href(route.secrets(d.id))} aria-label={`Secrets of ${d.name}`}>
                  Secrets
                </a>
                <DeploymentWhereLine id={d.id} />
                <DeploymentComposeFiles deployment={d} />
              </li>
            ))}
          </ul>
        )}
      </div>
      <DashboardAudit />
    </section>
  );
}
