import { useState } from 'react';
import type { IncidentView } from '../../../../electron/common/ipc/incident.ipc';
import { getApi } from '../../api';
import { useAction } from '../../hooks';
import { splitErrorCode } from '../error-words';

/**
 * The Rotate step's run: every secret (or a chosen subset) in dependency order, one secret per call so
 * progress shows and survives a restart. A failure stops the run; "Resume" continues with that secret.
 */
export function RotatePanel({
  view,
  onView,
  editable,
}: {
  view: IncidentView;
  onView: (v: IncidentView) => void;
  editable: boolean;
}) {
  const run = view.incident.rotation;
  const [chosen, setChosen] = useState<string[]>(view.rotation.candidates);
  const { busy, error, run: act } = useAction();
  const id = view.incident.id;

  const go = (plan: boolean) =>
    act(async () => {
      let v = plan
        ? await getApi().incident.planRotation({
            id,
            variables: chosen.length === view.rotation.candidates.length ? undefined : chosen,
          })
        : view;
      onView(v);
      for (;;) {
        const r = v.incident.rotation;
        const next = r?.items.find((i) => i.status === 'pending' || i.status === 'failed');
        if (!r || r.finishedAt !== null || !next) break;
        v = await getApi().incident.rotateNext({ id });
        onView(v);
        // A failure stops the run: the admin reads why, fixes it, and resumes.
        if (v.incident.rotation?.items.find((i) => i.variable === next.variable)?.status === 'failed') break;
      }
    });

  const rotated = run?.items.filter((i) => i.status === 'rotated').length ?? 0;
  return (
    <section className="panel" aria-labelledby="rotation-title" data-testid="rotation-panel">
      <h2 id="rotation-title">Rotate the secrets</h2>
      {!view.rotation.available && (
        <p role="status" data-testid="rotation-unavailable">
          {view.rotation.reason}
        </p>
      )}
      {view.rotation.available && !run && editable && (
        <fieldset>
          <legend>Secrets to rotate, in dependency order</legend>
          {view.rotation.candidates.map((name) => (
            <label key={name} className="inline">
              <input
                type="checkbox"
                checked={chosen.includes(name)}
                onChange={() => {
                  setChosen((c) => (c.includes(name) ? c.filter((x) => x !== name) : [...c, name]));
                }}
              />{' '}
              <code>{name}</code>
            </label>
          ))}
        </fieldset>
      )}
      {run && (
        <>
          <progress max={run.items.length} value={rotated} aria-label="Rotation progress">
            {rotated} of {run.items.length}
          </progress>
          <p role="status" data-testid="rotation-progress">
            {rotated} of {run.items.length} rotated{run.finishedAt ? ' — finished' : ''}.
          </p>
          <ol className="rotation-list">
            {run.items.map((i) => (
              <li key={i.variable} data-status={i.status}>
                <code>{i.variable}</code>: {i.status}
                {i.generation !== null && i.status === 'rotated' ? ` (generation ${String(i.generation)})` : ''}
                {i.reason && <FailureReason reason={i.reason} />}
              </li>
            ))}
          </ol>
        </>
      )}
      {error && <p role="alert">{error}</p>}
      {editable && view.rotation.available && (
        <div className="button-row">
          {!run && (
            <button
              type="button"
              className="primary"
              disabled={busy || chosen.length === 0}
              onClick={() => void go(true)}
            >
              {chosen.length === view.rotation.candidates.length
                ? 'Rotate all in dependency order'
                : `Rotate ${String(chosen.length)} selected`}
            </button>
          )}
          {run && run.finishedAt === null && (
            <button type="button" className="primary" disabled={busy} onClick={() => void go(false)}>
              {busy ? 'Rotating…' : 'Resume the rotation'}
            </button>
          )}
        </div>
      )}
      {busy && <p role="status">Rotating… each secret is recorded as soon as it is done.</p>}
    </section>
  );
}

/** Why a secret was not rotated, in words; the error code (for support) only in the tooltip. */
function FailureReason({ reason }: { reason: string }) {
  const { code, words } = splitErrorCode(reason);
  return <span title={code === null ? undefined : `Error code ${code}`}> — {words}</span>;
}
