import { useEffect } from 'react';
import { getApi } from '../../api';
import { useLoad } from '../../hooks';
import { INCIDENT_CHANGED, STEP_LABEL } from './incident-events';
import { href, route } from '../../router';

/** Shown on every page while an incident is open: what, where, which step, and a way back to it. */
export function IncidentBanner() {
  const [active, reload] = useLoad(() => getApi().incident.active({}));
  useEffect(() => {
    window.addEventListener(INCIDENT_CHANGED, reload);
    return () => {
      window.removeEventListener(INCIDENT_CHANGED, reload);
    };
  });
  if (active.state !== 'ready' || active.value.incidents.length === 0) return null;
  return (
    <div className="banner banner-error incident-banner" role="alert" data-testid="incident-banner">
      {active.value.incidents.map((i) => (
        <div key={i.id}>
          <strong>Incident open:</strong> {i.title} on {i.deploymentName}
          {i.currentStep
            ? ` (step: ${STEP_LABEL[i.currentStep] ?? i.currentStep})`
            : ' (all steps done: close it with a summary)'}
          . <a href={href(route.incident(i.id))}>Continue the runbook</a>
        </div>
      ))}
    </div>
  );
}
