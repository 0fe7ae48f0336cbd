import { useEffect, useState } from 'react';
import type { PlanView, RotationView } from '../../../electron/common/ipc/rotation.ipc';
import { getApi } from '../api';
import { useAction, useLoad } from '../hooks';
import { href, navigate, replaceRoute, route, useRoute } from '../router';
import { BlastRadiusFacts, RunView } from '../components/rotation/RunView';
import { NewPasswordOnce } from '../components/rotation/NewPasswordOnce';
import { LoadState } from '../components/LoadState';
import { NoDeployments } from '../components/NoDeployments';
import { Cited } from '../components/Cited';
import { CommandBlock } from '../components/CommandBlock';
import { formatWhen } from '../format-date';

/**
 * `#/rotation` lists deployments and unfinished rotations (offered for resume or rollback after a crash);
 * `#/rotation/<deployment>` shows the policy (age, overdue) and history; `#/rotation/<deployment>/<VAR>`
 * shows the plan of one secret and its run.
 */
export function RotationPage() {
  const parts = useRoute().split('/');
  const id = decodeURIComponent(parts[2] ?? '');
  const variable = decodeURIComponent(parts[3] ?? '');
  if (id === '') return <Start />;
  if (variable === '') return <Overview deploymentId={id} />;
  return <SecretRotation deploymentId={id} variable={variable} />;
}

function Start() {
  const [data] = useLoad(async () => {
    const api = getApi();
    const [list, pending] = await Promise.all([api.deployments.list({}), api.rotation.pending({})]);
    return { deployments: list.deployments, pending };
  });
  // One deployment: its page lists its secrets, their unfinished rotations (Resume) and the history.
  const onlyId =
    data.state === 'ready' && data.value.deployments.length === 1 ? data.value.deployments[0]?.id : undefined;
  useEffect(() => {
    if (onlyId !== undefined) replaceRoute(route.rotation(onlyId));
  }, [onlyId]);
  return (
    <section aria-labelledby="rotation-title">
      <h1 id="rotation-title">Rotation</h1>
      <LoadState of={data} />
      {data.state === 'ready' && (
        <>
          {data.value.pending.length > 0 && (
            <div className="panel" role="region" aria-label="Unfinished rotations" data-testid="pending-rotations">
              <p>
                These rotations did not finish (the app was closed or stopped half-way). Resume them, or roll them back:
              </p>
              <ul>
                {data.value.pending.map((p) => (
                  <li key={p.id}>
                    <a href={href(route.rotation(p.deploymentId, p.variable))}>{p.variable}</a>{' '}
                    <span className="muted">
                      ({p.status}, started {formatWhen(p.startedAt)})
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {data.value.deployments.length === 0 && <NoDeployments />}
          <ul>
            {data.value.deployments.map((d) => (
              <li key={d.id}>
                <a href={href(route.rotation(d.id))}>{d.name}</a> <span className="muted">{d.folder}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Overview({ deploymentId }: { deploymentId: string }) {
  const [data] = useLoad(async () => {
    const api = getApi();
    const [overview, history, deployment] = await Promise.all([
      api.rotation.overview({ deploymentId }),
      api.rotation.history({ deploymentId }),
      api.deployments.get({ id: deploymentId }),
    ]);
    return { overview, history, name: deployment.name };
  }, deploymentId);
  return (
    <section aria-labelledby="rotation-title">
      <h1 id="rotation-title">Rotation{data.state === 'ready' ? `: ${data.value.name}` : ''}</h1>
      <LoadState of={data} />
      {data.state === 'ready' && (
        <>
          <p className="muted">
            Rotate all (incident response) goes in this order: {data.value.overview.order.join(' → ')}.
          </p>
          <table aria-label="Rotation policy">
            <thead>
              <tr>
                <th scope="col">Secret</th>
                <th scope="col">Age</th>
                <th scope="col">Maximum age</th>
                <th scope="col">Generation</th>
                <th scope="col">Status</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {data.value.overview.items.map((i) => (
                <tr key={i.variable} data-testid={`policy-${i.variable}`}>
                  <th scope="row">{i.variable}</th>
                  <td>{i.ageDays === null ? '—' : `${i.ageDays} d`}</td>
                  <td>{i.maxAgeDays === null ? '—' : `${i.maxAgeDays} d`}</td>
                  <td>{i.generation ?? '—'}</td>
                  <td>
                    {i.pendingId && <span className="badge badge-warn">rotation pending</span>}
                    {!i.pendingId && i.overdue && <span className="badge badge-error">overdue</span>}
                    {!i.pendingId && !i.overdue && i.rotatable && <span className="badge badge-ok">ok</span>}
                    {!i.rotatable && <span className="badge badge-info">not rotatable</span>}
                  </td>
                  <td>
                    <a
                      href={href(route.rotation(deploymentId, i.variable))}
                      aria-label={`${i.pendingId ? 'Resume' : 'Plan'} the rotation of ${i.variable}`}
                    >
                      {i.pendingId ? 'Resume' : 'Plan'}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>History</h2>
          {data.value.history.length === 0 && (
            <p className="muted" data-testid="no-rotations">
              No rotation yet. Choose Plan on a secret above to rotate it; a secret past its maximum age shows as
              overdue, otherwise none is needed now.
            </p>
          )}
          {data.value.history.length > 0 && (
            <table aria-label="Rotation history" data-testid="rotation-history">
              <thead>
                <tr>
                  <th scope="col">Secret</th>
                  <th scope="col">Started</th>
                  <th scope="col">Finished</th>
                  <th scope="col">Generation</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {data.value.history.map((h) => (
                  <tr key={h.id}>
                    <th scope="row">{h.variable}</th>
                    <td>{formatWhen(h.startedAt)}</td>
                    <td>{h.finishedAt ? formatWhen(h.finishedAt) : '—'}</td>
                    <td>{h.generation}</td>
                    <td>{h.reason}</td>
                    <td>
                      {h.status}
                      {h.newPasswordWaiting && h.status !== 'rolled-back' && (
                        <NewPasswordOnce runId={h.id} variable={h.variable} compact />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function SecretRotation({ deploymentId, variable }: { deploymentId: string; variable: string }) {
  const [tick, setTick] = useState(0);
  const [data, reload] = useLoad(async () => {
    const api = getApi();
    const [plan, pending] = await Promise.all([
      api.rotation.plan({ deploymentId, variable }),
      api.rotation.pending({}),
    ]);
    return { plan, run: pending.find((p) => p.deploymentId === deploymentId && p.variable === variable) ?? null };
  }, `${deploymentId}/${variable}/${tick}`);
  const [started, setStarted] = useState<RotationView | null>(null);
  const run = started ?? (data.state === 'ready' ? data.value.run : null);
  return (
    <section aria-labelledby="rotation-title">
      <h1 id="rotation-title">Rotate {variable}</h1>
      <p>
        <a href={href(route.rotation(deploymentId))}>← All secrets and history</a>
      </p>
      <LoadState of={data} />
      {data.state === 'ready' && run && <RunView key={run.id} initial={run} onChanged={() => undefined} />}
      {data.state === 'ready' && !run && (
        <PlanPanel
          plan={data.value.plan}
          deploymentId={deploymentId}
          onStarted={(v) => {
            setStarted(v);
            setTick((t) => t + 1);
          }}
          onAlternative={(alt) => {
            navigate(route.rotation(deploymentId, alt));
            reload();
          }}
        />
      )}
    </section>
  );
}

function PlanPanel({
  plan,
  deploymentId,
  onStarted,
  onAlternative,
}: {
  plan: PlanView;
  deploymentId: string;
  onStarted: (v: RotationView) => void;
  onAlternative: (v: string) => void;
}) {
  const [reason, setReason] = useState('scheduled');
  const [value, setValue] = useState('');
  const { busy, error, run } = useAction();
  if (!plan.rotatable) {
    return (
      <div className="panel" role="region" aria-label="Not rotatable">
        <p>
          <Cited text={plan.notRotatableReason ?? ''} />
        </p>
        {plan.alternative && (
          <button type="button" onClick={() => onAlternative(plan.alternative ?? '')}>
            Rotate {plan.alternative} instead
          </button>
        )}
      </div>
    );
  }
  const start = () =>
    run(async () => {
      const v = await getApi().rotation.start({
        deploymentId,
        variable: plan.variable,
        reason,
        ...(value !== '' ? { newValue: value } : {}),
      });
      setValue('');
      onStarted(v);
    });
  return (
    <div className="panel" role="region" aria-label="Rotation plan">
      <h2>Before anything changes</h2>
      <BlastRadiusFacts b={plan.blastRadius} />
      <h3>Steps</h3>
      <ol>
        {plan.steps.map((s) => (
          <li key={s.id}>
            <strong>{s.title}</strong> — <Cited text={s.detail} />
            <CommandBlock commands={s.commands} label={`Commands: ${s.title}`} />
          </li>
        ))}
      </ol>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label>
          Reason <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
        </label>
        {plan.input !== 'none' && (
          <label>
            {plan.input === 'required' ? 'New value (from the provider)' : 'New password (leave empty to generate one)'}{' '}
            <input
              type="password"
              autoComplete="new-password"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              required={plan.input === 'required'}
            />
          </label>
        )}
        <div className="button-row">
          <button type="submit" className="primary" disabled={busy}>
            Start the rotation
          </button>
        </div>
      </form>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
