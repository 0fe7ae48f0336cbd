import { useState } from 'react';
import type { IncidentView } from '../../../../electron/common/ipc/incident.ipc';
import { errorMessage, getApi } from '../../api';
import { showTime } from './incident-events';
import { ActionOutcome } from '../ActionOutcome';
import type { Act } from './StepItems';

/**
 * Close the incident with a summary (closing writes the final report to the app's folder and says where),
 * and export a copy of the report (Markdown, printable HTML) at any time.
 */
export function DocumentPanel({
  view,
  act,
  onView,
}: {
  view: IncidentView;
  act: Act;
  onView: (v: IncidentView) => void;
}) {
  const [summary, setSummary] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const exportAs = (format: 'markdown' | 'html') => {
    setStatus(null);
    setFailure(null);
    getApi()
      .incident.exportReport({ id: view.incident.id, format })
      .then(
        (r) => {
          onView(r.view);
          setStatus(r.file ? `Saved ${r.file}.` : 'Not saved.');
        },
        (e: unknown) => {
          setFailure(errorMessage(e));
        },
      );
  };
  return (
    <section className="panel" aria-labelledby="document-title">
      <h2 id="document-title">Incident report</h2>
      <p>
        The timeline from the app's journal and your entries, every action with its time, and the secrets rotated by
        name and generation. Never a value. Closing the incident writes the final report; export a copy any time to
        share it.
      </p>
      {view.incident.finalReport && (
        <div className="panel panel-ok" role="status" data-testid="final-report">
          <p>Final report written when the incident was closed:</p>
          <ul>
            <li>
              <code>{view.incident.finalReport.html}</code> (printable)
            </li>
            <li>
              <code>{view.incident.finalReport.markdown}</code>
            </li>
          </ul>
        </div>
      )}
      <div className="button-row">
        <button
          type="button"
          className="primary"
          onClick={() => {
            exportAs('html');
          }}
        >
          Export a printable copy (HTML)…
        </button>
        <button
          type="button"
          onClick={() => {
            exportAs('markdown');
          }}
        >
          Export a copy (Markdown)…
        </button>
      </div>
      <ActionOutcome done={status} error={failure} testId="export-status" />
      {view.incident.reportExportedAt && (
        <p className="muted">Last exported {showTime(view.incident.reportExportedAt)}.</p>
      )}
      {view.incident.status === 'active' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => getApi().incident.close({ id: view.incident.id, summary }));
          }}
        >
          <h3>Close the incident</h3>
          <p className="muted">
            Closing writes the final report (Markdown and printable HTML) to the app's folder; no export is needed
            first.
          </p>
          {view.currentStep !== null && view.currentStep !== 'document' && (
            <p className="muted">
              Steps not completed are listed as such in the report. Close early only for a false alarm.
            </p>
          )}
          <label className="label-like" htmlFor="close-summary">
            Summary (what happened, what was done)
          </label>
          <textarea
            id="close-summary"
            rows={3}
            value={summary}
            onChange={(e) => {
              setSummary(e.target.value);
            }}
            required
            maxLength={4000}
          />
          <div className="button-row">
            <button type="submit">Close and write the final report</button>
          </div>
        </form>
      )}
    </section>
  );
}
