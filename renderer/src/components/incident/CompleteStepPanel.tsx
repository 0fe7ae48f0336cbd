import { useState } from 'react';
import type { IncidentView } from '../../../../electron/common/ipc/incident.ipc';
import { getApi } from '../../api';
import type { Act } from './StepItems';

type StepView = IncidentView['steps'][number];

/**
 * Completes the shown step. Items still open keep the button disabled. Once only essential work is left
 * undone (a secret not rotated, no backup…) it is listed as a warning, and the step then completes only with
 * an override whose reason goes into the journal and the report.
 */
export function CompleteStepPanel({
  view,
  step,
  act,
  onDone,
}: {
  view: IncidentView;
  step: StepView;
  act: Act;
  onDone: () => void;
}) {
  const [reason, setReason] = useState('');
  const unmetIds = new Set(step.unmet.map((u) => u.itemId));
  const open = step.blockers.filter((b) => !unmetIds.has(b));
  const titleOf = (b: string) =>
    view.items.find((i) => i.id === b)?.title ?? (b === 'assess.what-exposed' ? 'the question "What was exposed"' : b);
  const complete = (override?: { reason: string }) =>
    void act(() =>
      getApi().incident.completeStep({ id: view.incident.id, step: step.id, ...(override ? { override } : {}) }),
    ).then((ok) => {
      if (ok) {
        setReason('');
        onDone();
      }
    });
  return (
    <div className="panel" data-testid="complete-step">
      {open.length > 0 && <p className="muted">Still open: {step.blockers.map(titleOf).join('; ')}.</p>}
      {step.unmet.length === 0 || open.length > 0 ? (
        <button
          type="button"
          className="primary"
          disabled={open.length > 0 || step.unmet.length > 0}
          onClick={() => {
            complete();
          }}
        >
          Complete {step.title}
        </button>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            complete({ reason });
          }}
        >
          <div role="alert" className="panel panel-error" data-testid="unmet-essentials">
            <p>
              <strong>{step.title} has essential work not done:</strong>
            </p>
            <ul>
              {step.unmet.map((u) => (
                <li key={u.itemId}>{u.problem}</li>
              ))}
            </ul>
            <p>
              Finish it first. Complete the step anyway only if you decide to go on without it: the reason is journalled
              and the report says so.
            </p>
          </div>
          <label className="label-like" htmlFor="override-reason">
            Why complete {step.title} anyway?
          </label>
          <textarea
            id="override-reason"
            rows={2}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
            }}
            required
            maxLength={4000}
          />
          <div className="button-row">
            <button type="submit" disabled={reason.trim() === ''}>
              Complete {step.title} with an override
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

/** A completed step's override, as the report shows it. */
export function StepOverrideNote({ step }: { step: StepView }) {
  if (!step.override) return null;
  return (
    <div className="panel panel-error" data-testid="step-override">
      <p>
        <strong>Completed with an override:</strong> {step.override.reason}
      </p>
      {step.override.unmet.length > 0 && <p className="muted">Not done: {step.override.unmet.join('; ')}.</p>}
    </div>
  );
}
