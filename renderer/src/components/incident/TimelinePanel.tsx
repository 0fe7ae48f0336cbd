import { useState } from 'react';
import type { IncidentView } from '../../../../electron/common/ipc/incident.ipc';
import { getApi } from '../../api';
import { fromLocalInput, toLocalInput } from './AssessPanel';
import { showTime } from './incident-events';
import type { Act } from './StepItems';

/** The admin's timeline: what happened when (entries may predate the incident). */
export function TimelinePanel({ view, act }: { view: IncidentView; act: Act }) {
  const [at, setAt] = useState(() => toLocalInput(new Date().toISOString()));
  const [text, setText] = useState('');
  const editable = view.incident.status === 'active';
  const id = view.incident.id;
  return (
    <section className="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      {view.incident.timeline.length === 0 ? (
        <p className="muted">No entries yet. The report adds the app's own journal to these.</p>
      ) : (
        <ol className="incident-timeline" data-testid="timeline">
          {view.incident.timeline.map((t) => (
            <li key={t.id}>
              <time dateTime={t.at}>{showTime(t.at)}</time> {t.text}{' '}
              {editable && (
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Remove the entry: ${t.text}`}
                  onClick={() => void act(() => getApi().incident.removeTimeline({ id, entryId: t.id }))}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
      {editable && (
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            const iso = fromLocalInput(at);
            if (!iso) return;
            void act(() => getApi().incident.addTimeline({ id, at: iso, text })).then((ok) => {
              if (ok) setText('');
            });
          }}
        >
          <label>
            <span className="label-like">When</span>
            <input
              type="datetime-local"
              value={at}
              onChange={(e) => {
                setAt(e.target.value);
              }}
              required
            />
          </label>
          <label className="grow">
            <span className="label-like">What happened</span>
            <input
              value={text}
              onChange={(e) => {
                setText(e.target.value);
              }}
              required
              maxLength={4000}
            />
          </label>
          <button type="submit">Add to the timeline</button>
        </form>
      )}
    </section>
  );
}
