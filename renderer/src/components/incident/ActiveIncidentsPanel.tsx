import { getApi } from '../../api';
import { useLoad } from '../../hooks';
import { showTime, STEP_LABEL } from './incident-events';
import { href, route } from '../../router';

/** The Dashboard's view of open incidents (nothing when none is open). */
export function ActiveIncidentsPanel() {
  const [active] = useLoad(() => getApi().incident.active({}));
  if (active.state !== 'ready' || active.value.incidents.length === 0) return null;
  return (
    <div className="panel panel-error" data-testid="dashboard-incidents">
      <h2>Open incident{active.value.incidents.length > 1 ? 's' : ''}</h2>
      <ul className="deployment-list">
        {active.value.incidents.map((i) => (
          <li key={i.id}>
            <strong>{i.title}</strong> on {i.deploymentName}, opened {showTime(i.openedAt)};{' '}
            {i.currentStep ? `current step: ${STEP_LABEL[i.currentStep] ?? i.currentStep}` : 'all steps done'}.{' '}
            <a href={href(route.incident(i.id))}>Continue</a>
          </li>
        ))}
      </ul>
    </div>
  );
}
