import { useState } from 'react';
import type { IncidentView } from '../../../../electron/common/ipc/incident.ipc';
import type { RunbookItem } from '../../../../electron/common/model/incident';
import { getApi } from '../../api';
import { showTime } from './incident-events';
import { Cited } from '../Cited';
import { CommandBlock } from '../CommandBlock';

const getIncidentApi = () => getApi().incident;

export interface Act {
  /** Runs an action that answers with the new view; errors are shown by the page. */
  (run: () => Promise<IncidentView>): Promise<boolean>;
}

/** One runbook item: what to do, the exact commands, and done / skip (with why) / undo. */
function Item({ view, item, act, editable }: { view: IncidentView; item: RunbookItem; act: Act; editable: boolean }) {
  const tick = view.incident.ticks[item.id];
  const [skipping, setSkipping] = useState(false);
  const [reason, setReason] = useState('');
  const id = view.incident.id;
  const headingId = `item-${item.id}`;
  return (
    <li
      className={`incident-item incident-item-${tick?.outcome ?? 'open'}`}
      data-testid={`item-${item.id}`}
      aria-labelledby={headingId}
    >
      <h3 id={headingId}>
        {tick ? (tick.outcome === 'done' ? '✓ ' : '– ') : ''}
        {item.title}
        {!item.required && <span className="muted"> (optional)</span>}
        {item.essential !== null && <span className="muted"> (essential)</span>}
      </h3>
      <p>
        <Cited text={item.detail} />
      </p>
      <CommandBlock commands={item.commands} label={`Commands: ${item.title}`} />
      {tick && (
        <p className="muted" data-testid="tick-time">
          {tick.outcome === 'done' ? 'Done' : 'Skipped'} {showTime(tick.at)}
          {tick.note ? ` (${tick.note})` : ''}
        </p>
      )}
      {editable && item.kind !== 'export' && (
        <div className="button-row">
          {!tick && item.kind !== 'rotation' && (
            <button
              type="button"
              className="primary"
              onClick={() => void act(() => getIncidentApi().tick({ id, itemId: item.id, outcome: 'done' }))}
            >
              Mark done
            </button>
          )}
          {!tick && item.kind === 'rotation' && !view.rotation.available && view.incident.rotation === null && (
            <button
              type="button"
              onClick={() =>
                void act(() =>
                  getIncidentApi().tick({ id, itemId: item.id, outcome: 'done', note: 'rotated outside the runbook' }),
                )
              }
            >
              I rotated them elsewhere
            </button>
          )}
          {!tick && !skipping && (
            <button
              type="button"
              onClick={() => {
                setSkipping(true);
              }}
            >
              Skip…
            </button>
          )}
          {tick && (
            <button type="button" onClick={() => void act(() => getIncidentApi().untick({ id, itemId: item.id }))}>
              Undo
            </button>
          )}
        </div>
      )}
      {editable && skipping && !tick && (
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => getIncidentApi().tick({ id, itemId: item.id, outcome: 'skipped', note: reason })).then(
              (ok) => {
                if (ok) setSkipping(false);
              },
            );
          }}
        >
          <label>
            <span className="label-like">Why is it skipped?</span>
            <input
              value={reason}
              onChange={(e) => {
                setReason(e.target.value);
              }}
              required
              maxLength={4000}
            />
          </label>
          <button type="submit">Skip with this reason</button>
          <button
            type="button"
            onClick={() => {
              setSkipping(false);
            }}
          >
            Cancel
          </button>
        </form>
      )}
    </li>
  );
}

export function StepItems({ view, step, act }: { view: IncidentView; step: string; act: Act }) {
  const items = view.items.filter((i) => i.step === step);
  const s = view.steps.find((x) => x.id === step);
  const editable = view.incident.status === 'active' && s?.completedAt === null && s.startedAt !== null;
  return (
    <ol className="incident-items" aria-label="Items of this step">
      {items.map((item) => (
        <Item key={item.id} view={view} item={item} act={act} editable={editable} />
      ))}
    </ol>
  );
}
