import { useState } from 'react';
import type { RotationView, StepView } from '../../../../electron/common/ipc/rotation.ipc';
import { STEP } from '../../../../electron/common/model/rotation-steps';
import { getApi } from '../../api';
import { useAction } from '../../hooks';
import { NewPasswordOnce } from './NewPasswordOnce';
import { Cited } from '../Cited';
import { CommandBlock } from '../CommandBlock';
import { formatWhen } from '../../format-date';
import { CodeText } from '../CodeText';

type Output = Array<{ command: string; code: number; stdout: string; stderr: string }>;

const STATE_WORDS: Record<StepView['state'], string> = {
  todo: 'not done',
  running: 'running',
  done: 'done',
  failed: 'failed',
};

const WHO: Record<StepView['kind'], string> = { app: 'done by the app', command: 'a command', manual: 'done by you' };

/** One rotation run: blast radius, steps to tick or perform, confirm and roll back. */
export function RunView({ initial, onChanged }: { initial: RotationView; onChanged: () => void }) {
  const [view, setView] = useState(initial);
  const { busy, error, run } = useAction();
  const [output, setOutput] = useState<Output>([]);
  const [rollbackCommands, setRollbackCommands] = useState<string[] | null>(null);
  const [confirmingRollback, setConfirmingRollback] = useState(false);
  /** For the service check only: sent once with "Run it" on the verify step, then cleared. */
  const [loginPassword, setLoginPassword] = useState('');
  const finished = view.status === 'confirmed' || view.status === 'rolled-back';
  // The panel stays while the page is open, so the password shown once does not vanish on the next step.
  const [passwordPanel, setPasswordPanel] = useState(initial.newPasswordWaiting);
  const passwordUnseen = view.newPasswordWaiting;

  const act = (fn: () => Promise<RotationView | { view: RotationView; output?: Output }>) =>
    run(async () => {
      const r = await fn();
      if ('view' in r) {
        setView(r.view);
        setOutput(r.output ?? []);
      } else setView(r);
      onChanged();
    });

  const api = getApi().rotation;
  return (
    <section className="panel" aria-labelledby={`run-${view.id}`} data-testid="rotation-run">
      <h2 id={`run-${view.id}`}>
        Rotating {view.variable}{' '}
        <span
          className={`badge ${finished ? (view.status === 'confirmed' ? 'badge-ok' : 'badge-info') : 'badge-warn'}`}
          data-testid="run-status"
        >
          {view.status}
        </span>
      </h2>
      <p className="muted">
        Started {formatWhen(view.startedAt)} · reason: {view.reason} · new generation {view.generation}
      </p>
      <BlastRadiusFacts b={view.blastRadius} />
      {(passwordPanel || view.newPasswordWaiting) && view.status !== 'rolled-back' && (
        <NewPasswordOnce
          runId={view.id}
          variable={view.variable}
          onShown={() => {
            setPasswordPanel(true);
            setView((v) => ({ ...v, newPasswordWaiting: false }));
          }}
        />
      )}
      <ol className="rotation-steps">
        {view.steps.map((s) => (
          <li key={s.id} data-testid={`step-${s.id}`} data-state={s.state}>
            <label className="rotation-step-title">
              <input
                type="checkbox"
                checked={s.state === 'done'}
                readOnly
                disabled
                aria-label={`${s.title}: ${STATE_WORDS[s.state]}`}
              />{' '}
              <strong>{s.title}</strong>{' '}
              <span className="muted">
                ({WHO[s.kind]}
                {s.optional ? ', optional' : ''})
              </span>
              {s.state === 'failed' && <span className="badge badge-error">failed</span>}
            </label>
            <p>
              <Cited text={s.detail} />
            </p>
            {s.state === 'failed' && s.failure && (
              <div role="alert" className="panel panel-error" data-testid={`failure-${s.id}`}>
                <p>
                  <strong>{s.failure.summary}</strong> (exit status {s.failure.exitCode})
                </p>
                <p>
                  <CodeText text={s.failure.hint} />
                </p>
                <p className="muted">
                  Nothing after this step was done. Retry it, tell the app you did it by hand, or roll back.
                </p>
              </div>
            )}
            <CommandBlock commands={s.commands} label={`Commands: ${s.title}`} />
            {!finished && s.state !== 'done' && (
              <div className="button-row">
                {s.kind === 'app' && (
                  <button
                    type="button"
                    className="primary"
                    disabled={busy || !s.ready || (s.id === STEP.writeEnv && passwordUnseen)}
                    onClick={() => void act(() => api.perform({ id: view.id, step: s.id }))}
                  >
                    {s.title}
                  </button>
                )}
                {s.id === STEP.writeEnv && passwordUnseen && (
                  <span className="muted">Show and store the new password first.</span>
                )}
                {s.id === STEP.verify && view.canRunCommands && (
                  <span>
                    <label className="inline" htmlFor={`login-${view.id}`}>
                      Admin login password (optional: also check the login
                      {view.playbook === 'encryption-key-reencrypt' ? ' and the stored provider keys' : ''})
                    </label>
                    <input
                      id={`login-${view.id}`}
                      type="password"
                      autoComplete="off"
                      value={loginPassword}
                      onChange={(e) => setLoginPassword(e.target.value)}
                    />
                  </span>
                )}
                {s.kind === 'command' && view.canRunCommands && (
                  <button
                    type="button"
                    className="primary"
                    disabled={busy || !s.ready}
                    onClick={() =>
                      void act(() => {
                        const pw = s.id === STEP.verify && loginPassword !== '' ? loginPassword : undefined;
                        setLoginPassword('');
                        return api.perform(
                          pw === undefined
                            ? { id: view.id, step: s.id }
                            : { id: view.id, step: s.id, loginPassword: pw },
                        );
                      })
                    }
                  >
                    {s.state === 'failed' ? 'Retry' : 'Run it'}
                  </button>
                )}
                {s.kind !== 'app' && (
                  <button
                    type="button"
                    disabled={busy || !s.ready}
                    onClick={() => void act(() => api.tick({ id: view.id, step: s.id }))}
                  >
                    {s.kind === 'command' ? 'I did it by hand' : 'Done'}
                  </button>
                )}
                {s.id === STEP.export && (
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => void act(async () => (await api.pickExport({ id: view.id })) ?? view)}
                  >
                    Choose the export file…
                  </button>
                )}
                {!s.ready && <span className="muted">Waits for: {waitingOn(view.steps, s.requires)}</span>}
              </div>
            )}
          </li>
        ))}
      </ol>
      {output.length > 0 && (
        <div aria-live="polite" data-testid="command-output">
          {output.map((o, i) => (
            <pre key={i} className="code-block">
              {`$ ${o.command}\n${o.stdout ? `${o.stdout}\n` : ''}${o.stderr ? `${o.stderr}\n` : ''}(exit ${o.code})`}
            </pre>
          ))}
        </div>
      )}
      {view.verify.length > 0 && (
        <>
          <h3>How to verify</h3>
          <ul>
            {view.verify.map((v) => (
              <li key={v}>
                <Cited text={v} />
              </li>
            ))}
          </ul>
        </>
      )}
      {error && (
        <p role="alert" className="panel panel-error">
          {error}
        </p>
      )}
      {rollbackCommands && rollbackCommands.length > 0 && (
        <div role="status">
          <p>The previous value is back in .env and the keychain. Run these so the services use it again:</p>
          <CommandBlock commands={rollbackCommands} label="Commands that re-apply the previous value" />
        </div>
      )}
      {!finished && (
        <div className="button-row">
          <button
            type="button"
            className="primary"
            disabled={busy || view.blocking.length > 0}
            onClick={() => void act(() => api.confirm({ id: view.id }))}
            aria-describedby={view.blocking.length > 0 ? `blocking-${view.id}` : undefined}
          >
            The service is healthy: confirm
          </button>
          {!confirmingRollback ? (
            <button type="button" disabled={busy} onClick={() => setConfirmingRollback(true)}>
              Roll back…
            </button>
          ) : (
            <span role="group" aria-label="Confirm the roll back" className="button-row">
              <span>
                Put the previous {view.variable} back in .env and the keychain
                {view.canRunCommands ? ' and run the commands that re-apply it' : ''}?
              </span>
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() =>
                  void act(async () => {
                    setConfirmingRollback(false);
                    const r = await api.rollback({ id: view.id, runCommands: view.canRunCommands });
                    setRollbackCommands(r.ran ? [] : r.commands);
                    return r;
                  })
                }
              >
                Yes, roll back
              </button>
              <button type="button" disabled={busy} onClick={() => setConfirmingRollback(false)}>
                Keep going
              </button>
            </span>
          )}
          {view.blocking.length > 0 && (
            <span id={`blocking-${view.id}`} className="muted">
              Not yet: {waitingOn(view.steps, view.blocking)}. The previous value is kept until you confirm.
            </span>
          )}
        </div>
      )}
    </section>
  );
}

/** The unfinished steps a step waits for, by their titles (a step's id is the app's, not the admin's word). */
export function waitingOn(steps: readonly StepView[], requires: readonly string[]): string {
  return requires
    .map((q) => steps.find((x) => x.id === q))
    .filter((x): x is StepView => x !== undefined && x.state !== 'done')
    .map((x) => `“${x.title}”`)
    .join(', ');
}

export function BlastRadiusFacts({ b }: { b: RotationView['blastRadius'] }) {
  return (
    <dl className="facts" aria-label="Blast radius">
      <dt>Containers recreated</dt>
      <dd>{b.servicesRecreated.length > 0 ? b.servicesRecreated.join(', ') : 'none'}</dd>
      <dt>What users lose</dt>
      <dd data-testid="users-lose">
        <CodeText text={b.usersLose} />
      </dd>
      <dt>Expected downtime</dt>
      <dd>{b.downtime}</dd>
    </dl>
  );
}
