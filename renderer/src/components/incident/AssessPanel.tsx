import { useState } from 'react';
import type { IncidentView } from '../../../../electron/common/ipc/incident.ipc';
import { getApi } from '../../api';
import type { Act } from './StepItems';

/** `2026-11-29T10:00:00.000Z` → the value a datetime-local input shows (local time). */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getFullYear())}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): string | null {
  if (value === '') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The Assess questions: what was exposed, since when, which secrets, which users. */
export function AssessPanel({ view, act, editable }: { view: IncidentView; act: Act; editable: boolean }) {
  const a = view.incident.answers;
  const [what, setWhat] = useState(a.whatExposed);
  const [since, setSince] = useState(toLocalInput(a.since));
  const [secrets, setSecrets] = useState<string[]>(a.secrets);
  const [users, setUsers] = useState(a.users);
  const [saved, setSaved] = useState(false);
  const toggle = (name: string) => {
    setSecrets((cur) => (cur.includes(name) ? cur.filter((x) => x !== name) : [...cur, name]));
  };
  return (
    <form
      className="panel"
      aria-labelledby="assess-title"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        void act(() =>
          getApi().incident.answer({
            id: view.incident.id,
            answers: { whatExposed: what, since: fromLocalInput(since), secrets, users },
          }),
        ).then(setSaved);
      }}
    >
      <h2 id="assess-title">Questions</h2>
      <label className="label-like" htmlFor="assess-what">
        What was exposed, and how?
      </label>
      <textarea
        id="assess-what"
        rows={3}
        value={what}
        onChange={(e) => {
          setWhat(e.target.value);
        }}
        disabled={!editable}
        maxLength={4000}
      />
      <label className="label-like" htmlFor="assess-since">
        Since when (your local time)?
      </label>
      <input
        id="assess-since"
        type="datetime-local"
        value={since}
        onChange={(e) => {
          setSince(e.target.value);
        }}
        disabled={!editable}
      />
      <fieldset disabled={!editable}>
        <legend>Which secrets may be exposed?</legend>
        {view.secretChoices.map((name) => (
          <label key={name} className="inline">
            <input
              type="checkbox"
              checked={secrets.includes(name)}
              onChange={() => {
                toggle(name);
              }}
            />{' '}
            <code>{name}</code>
          </label>
        ))}
      </fieldset>
      <label className="label-like" htmlFor="assess-users">
        Which users are affected?
      </label>
      <textarea
        id="assess-users"
        rows={2}
        value={users}
        onChange={(e) => {
          setUsers(e.target.value);
        }}
        disabled={!editable}
        maxLength={4000}
      />
      <p className="muted">Never paste a secret value here: the app refuses text that contains one.</p>
      {editable && (
        <div className="button-row">
          <button type="submit" className="primary">
            Save answers
          </button>
          {saved && <span role="status">Saved.</span>}
        </div>
      )}
    </form>
  );
}
