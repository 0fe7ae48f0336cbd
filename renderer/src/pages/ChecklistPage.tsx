import { useState } from 'react';
import type { ChecklistItemView, ChecklistStatus, ChecklistView } from '../../../electron/common/ipc/audit.ipc';
import { errorMessage, getApi } from '../api';
import { useLoad } from '../hooks';
import { useRoute } from '../router';
import { DeploymentChooser } from '../components/audit/DeploymentChooser';
import { LoadState } from '../components/LoadState';

const LISTS: Array<[ChecklistItemView['list'], string]> = [
  ['environment', 'Environment variables'],
  ['pre-production', 'Pre-production'],
  ['ongoing', 'Ongoing'],
];
const STATUS: Record<ChecklistStatus, [string, string]> = {
  pass: ['Pass', 'badge badge-ok'],
  done: ['Done', 'badge badge-ok'],
  fail: ['Fails', 'badge badge-error'],
  overdue: ['Overdue', 'badge badge-error'],
  due: ['Due', 'badge badge-warn'],
  todo: ['To do', 'badge badge-warn'],
  unknown: ['Not evaluated', 'badge badge-info'],
};

/** `#/checklist/<deployment id>`: the security guide's checklists, evaluated by the audit or ticked by the admin. */
export function ChecklistPage() {
  const route = useRoute();
  const id = decodeURIComponent(route.split('/')[2] ?? '');
  return id === '' ? <DeploymentChooser title="Security checklist" base="/checklist" /> : <DeploymentChecklist deploymentId={id} />;
}

function DeploymentChecklist({ deploymentId }: { deploymentId: string }) {
  const [loaded] = useLoad(async () => {
    const api = getApi();
    const [deployment, checklist] = await Promise.all([api.deployments.get({ id: deploymentId }), api.audit.checklist({ deploymentId })]);
    return { deployment, checklist };
  }, deploymentId);
  const [fresh, setFresh] = useState<ChecklistView | null>(null);
  const [status, setStatus] = useState('');

  if (loaded.state !== 'ready') return <LoadState of={loaded} />;
  const view = fresh ?? loaded.value.checklist;

  const tick = async (item: ChecklistItemView, done: boolean, note: string) => {
    try {
      setFresh(await getApi().audit.tick({ deploymentId, itemId: item.id, done, note: note.trim() === '' ? undefined : note }));
      setStatus(done ? `Ticked "${item.title}".` : `Cleared "${item.title}".`);
    } catch (e) {
      setStatus(errorMessage(e));
    }
  };

  return (
    <section aria-labelledby="checklist-title">
      <h1 id="checklist-title">Security checklist: {loaded.value.deployment.name}</h1>
      <p className="muted">
        Items marked “audit” are decided by the latest audit{view.auditedAt ? ` (${new Date(view.auditedAt).toLocaleString()})` : ''}; the others are ticked by you with a date and a note.{' '}
        <a href={`#/audit/${encodeURIComponent(deploymentId)}`}>Open the audit</a>
      </p>
      <p role="status" aria-live="polite">
        {status}
      </p>
      {LISTS.map(([list, title]) => (
        <section key={list} className="panel" aria-labelledby={`list-${list}`}>
          <h2 id={`list-${list}`}>{title}</h2>
          <ul className="checklist">
            {view.items
              .filter((i) => i.list === list)
              .map((i) => (
                <ChecklistRow key={i.id} item={i} onTick={(done, note) => void tick(i, done, note)} />
              ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

function ChecklistRow({ item, onTick }: { item: ChecklistItemView; onTick: (done: boolean, note: string) => void }) {
  const [note, setNote] = useState(item.tick?.note ?? '');
  const [label, cls] = STATUS[item.status];
  const noteId = `note-${item.id}`;
  return (
    <li className="checklist-item" data-testid={`check-${item.id}`} data-status={item.status}>
      <div>
        <span className={cls}>{label}</span> <strong>{item.title}</strong> <span className="muted">({item.mode === 'evaluated' ? 'audit' : item.mode === 'ongoing' ? `every ${String(item.periodDays ?? 0)} days` : 'manual'})</span>
      </div>
      <p className="muted">{item.help}</p>
      {item.evidence.length > 0 && (
        <ul className="evidence">
          {item.evidence.map((e, n) => (
            <li key={n}>{e}</li>
          ))}
        </ul>
      )}
      {item.tick && (
        <p className="muted">
          Ticked {item.tick.checkedAt.slice(0, 10)}
          {item.tick.note ? `: ${item.tick.note}` : ''}
          {item.dueAt && item.mode === 'ongoing' ? ` · next due ${item.dueAt.slice(0, 10)}` : ''}
        </p>
      )}
      {item.mode !== 'evaluated' && (
        <div className="form-row">
          <div>
            <label htmlFor={noteId}>Note (optional)</label>
            <input id={noteId} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} placeholder="what was done, by whom" />
          </div>
          <button type="button" className="primary" onClick={() => onTick(true, note)}>
            {item.tick ? 'Tick again today' : 'Mark as done'}
          </button>
          {item.tick && (
            <button type="button" onClick={() => onTick(false, '')}>
              Clear
            </button>
          )}
        </div>
      )}
    </li>
  );
}
