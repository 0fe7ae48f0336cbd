import { useState } from 'react';
import type { IncidentView } from '../../../../electron/common/ipc/incident.ipc';
import { errorMessage, getApi } from '../../api';
import type { Act } from './StepItems';

/** The user notice filled from the incident, the admin's additions, and copy (done by main). */
export function NotifyPanel({ view, act }: { view: IncidentView; act: Act }) {
  const [extra, setExtra] = useState(view.incident.noticeExtra);
  const [copied, setCopied] = useState<string | null>(null);
  const editable = view.incident.status === 'active';
  return (
    <section className="panel" aria-labelledby="notice-title">
      <h2 id="notice-title">Notice to users</h2>
      <pre className="code-block notice-text" data-testid="notice" tabIndex={0} aria-label="Notice text">
        {view.notice}
      </pre>
      <div className="button-row">
        <button
          type="button"
          className="primary"
          onClick={() => {
            setCopied(null);
            getApi()
              .incident.copyNotice({ id: view.incident.id })
              .then(
                () => {
                  setCopied('The notice is on the clipboard.');
                },
                (e: unknown) => {
                  setCopied(errorMessage(e));
                },
              );
          }}
        >
          Copy the notice
        </button>
        {copied && <span role="status">{copied}</span>}
      </div>
      {editable && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => getApi().incident.setNoticeExtra({ id: view.incident.id, text: extra }));
          }}
        >
          <label className="label-like" htmlFor="notice-extra">
            Add to the notice (contact, what else users should do)
          </label>
          <textarea
            id="notice-extra"
            rows={3}
            value={extra}
            onChange={(e) => {
              setExtra(e.target.value);
            }}
            maxLength={4000}
          />
          <div className="button-row">
            <button type="submit">Update the notice</button>
          </div>
        </form>
      )}
    </section>
  );
}
