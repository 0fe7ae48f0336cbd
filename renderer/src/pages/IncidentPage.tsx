import { useState } from 'react';
import type { IncidentView } from '../../../electron/common/ipc/incident.ipc';
import { errorMessage, getApi } from '../api';
import { useLoad } from '../hooks';
import { href, route, useRoute } from '../router';
import { AssessPanel } from '../components/incident/AssessPanel';
import { CompleteStepPanel, StepOverrideNote } from '../components/incident/CompleteStepPanel';
import { DocumentPanel } from '../components/incident/DocumentPanel';
import { announceIncidentChange, showTime, STEP_LABEL } from '../components/incident/incident-events';
import { NotifyPanel } from '../components/incident/NotifyPanel';
import { RotatePanel } from '../components/incident/RotatePanel';
import { StepItems, type Act } from '../components/incident/StepItems';
import { TimelinePanel } from '../components/incident/TimelinePanel';
import { LoadState } from '../components/LoadState';
import { NoDeployments } from '../components/NoDeployments';

/** `#/incident`: open incidents, start one, past ones. `#/incident/<id>`: the runbook of one incident. */
export function IncidentPage() {
  const route = useRoute();
  const id = decodeURIComponent(route.split('/')[2] ?? '');
  return id === '' ? <IncidentList /> : <IncidentRunbook key={id} id={id} />;
}

function IncidentList() {
  const [data] = useLoad(async () => {
    const api = getApi();
    const [incidents, deployments] = await Promise.all([api.incident.list({}), api.deployments.list({})]);
    return { incidents: incidents.incidents, deployments: deployments.deployments };
  });
  // null until the admin chooses: the only deployment is then the one the incident is about.
  const [chosen, setDeploymentId] = useState<string | null>(null);
  const only = data.state === 'ready' && data.value.deployments.length === 1 ? data.value.deployments[0] : undefined;
  const deploymentId = chosen ?? only?.id ?? '';
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const start = () => {
    setError(null);
    getApi()
      .incident.start({ deploymentId, title })
      .then(
        (v) => {
          announceIncidentChange();
          window.location.hash = `/incident/${encodeURIComponent(v.incident.id)}`;
        },
        (e: unknown) => {
          setError(errorMessage(e));
        },
      );
  };
  return (
    <section className="incident-page" aria-labelledby="incident-title">
      <h1 id="incident-title">Incident response</h1>
      <p>
        If a deployment may be compromised: isolate it, assess the scope, rotate every secret, review the logs, notify
        users and document what happened. Progress is saved after every step, so you can stop and continue later.
      </p>
      <LoadState of={data} />
      {data.state === 'ready' && (
        <>
          <form
            className="panel"
            aria-labelledby="start-title"
            onSubmit={(e) => {
              e.preventDefault();
              start();
            }}
          >
            <h2 id="start-title">Start an incident</h2>
            {data.value.deployments.length === 0 ? (
              <NoDeployments />
            ) : (
              <div className="form-row">
                <label>
                  <span className="label-like">Deployment</span>
                  <select
                    value={deploymentId}
                    onChange={(e) => {
                      setDeploymentId(e.target.value);
                    }}
                    required
                  >
                    <option value="">Choose…</option>
                    {data.value.deployments.map((d) => (
                      <option key={d.id} value={d.id}>
                        {d.name}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="grow">
                  <span className="label-like">What happened (a few words)</span>
                  <input
                    value={title}
                    onChange={(e) => {
                      setTitle(e.target.value);
                    }}
                    required
                    maxLength={200}
                  />
                </label>
                <button type="submit" className="primary">
                  Start the runbook
                </button>
              </div>
            )}
            {error && <p role="alert">{error}</p>}
          </form>
          <div className="panel">
            <h2>Incidents</h2>
            {data.value.incidents.length === 0 ? (
              <p className="muted" data-testid="no-incidents">
                None recorded. Nothing is needed until a deployment may be compromised (a leaked <code>.env</code>, a
                stolen laptop, a suspicious login); then start the runbook above.
              </p>
            ) : (
              <ul className="deployment-list" data-testid="incident-list">
                {data.value.incidents.map((i) => (
                  <li key={i.id}>
                    <a href={href(route.incident(i.id))}>{i.title}</a> — {i.deploymentName},{' '}
                    <span className={i.status === 'active' ? 'badge badge-error' : 'badge badge-ok'}>
                      {i.status === 'active' ? 'open' : 'closed'}
                    </span>{' '}
                    <span className="muted">
                      opened {showTime(i.openedAt)}
                      {i.closedAt ? `, closed ${showTime(i.closedAt)}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function IncidentRunbook({ id }: { id: string }) {
  const [loaded] = useLoad(() => getApi().incident.get({ id }), id);
  // The latest answer of an action wins over the first load.
  const [latest, setView] = useState<IncidentView | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const view = latest ?? (loaded.state === 'ready' ? loaded.value : null);

  const onView = (v: IncidentView) => {
    setView(v);
    announceIncidentChange();
  };
  const act: Act = async (run) => {
    setError(null);
    try {
      onView(await run());
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    }
  };

  if (!view) {
    return (
      <section className="incident-page" aria-labelledby="incident-title">
        <h1 id="incident-title">Incident</h1>
        {loaded.state === 'error' ? <p role="alert">{loaded.message}</p> : <p role="status">Loading…</p>}
      </section>
    );
  }
  const inc = view.incident;
  const step = shown ?? view.currentStep ?? 'document';
  const s = view.steps.find((x) => x.id === step);
  const editable = inc.status === 'active' && s !== undefined && s.startedAt !== null && s.completedAt === null;
  return (
    <section className="incident-page" aria-labelledby="incident-title">
      <h1 id="incident-title">Incident: {inc.title}</h1>
      <p>
        <span
          className={inc.status === 'active' ? 'badge badge-error' : 'badge badge-ok'}
          data-testid="incident-status"
        >
          {inc.status === 'active' ? 'open' : 'closed'}
        </span>{' '}
        {view.deploymentName}, opened {showTime(inc.openedAt)}
        {inc.closedAt ? `, closed ${showTime(inc.closedAt)}` : ''}. Run the commands from the deployment folder:{' '}
        <code>{view.workdir}</code>
      </p>
      {inc.summary && (
        <div className="panel" data-testid="incident-summary">
          <h2>Summary</h2>
          <p>{inc.summary}</p>
        </div>
      )}
      <nav aria-label="Runbook steps">
        <ol className="incident-steps">
          {view.steps.map((x, i) => (
            <li key={x.id}>
              <button
                type="button"
                className={`incident-step ${x.completedAt ? 'is-done' : x.id === view.currentStep ? 'is-current' : 'is-later'}`}
                aria-current={x.id === step ? 'step' : undefined}
                disabled={x.startedAt === null}
                onClick={() => {
                  setShown(x.id);
                }}
              >
                {i + 1}. {x.title}
                {x.completedAt ? ' ✓' : ''}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      {error && (
        <div role="alert" className="panel panel-error" data-testid="incident-error">
          {error}
        </div>
      )}
      <h2 data-testid="step-heading">
        Step {view.steps.findIndex((x) => x.id === step) + 1}: {STEP_LABEL[step] ?? step}
      </h2>
      {s && (
        <p className="muted">
          {s.completedAt
            ? `Completed ${showTime(s.completedAt)}.`
            : s.startedAt
              ? `Started ${showTime(s.startedAt)}.`
              : 'Not started yet.'}
        </p>
      )}
      {step === 'assess' && <AssessPanel view={view} act={act} editable={editable} />}
      {step === 'rotate' && <RotatePanel view={view} onView={onView} editable={editable} />}
      {step === 'notify' && <NotifyPanel view={view} act={act} />}
      <StepItems view={view} step={step} act={act} />
      {step === 'document' && <DocumentPanel view={view} act={act} onView={onView} />}
      {s && <StepOverrideNote step={s} />}
      {editable && (
        <CompleteStepPanel
          key={s.id}
          view={view}
          step={s}
          act={act}
          onDone={() => {
            setShown(null);
          }}
        />
      )}
      <TimelinePanel view={view} act={act} />
    </section>
  );
}
