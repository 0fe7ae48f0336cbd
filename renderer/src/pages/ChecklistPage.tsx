import { useState } from 'react';
import type { ChecklistItemView, ChecklistView } from '../../../electron/common/ipc/audit.ipc';
import { errorMessage, getApi } from '../api';
import { useLoad } from '../hooks';
import { href, route, useRoute } from '../router';
import { DeploymentChooser } from '../components/audit/DeploymentChooser';
import { LoadState } from '../components/LoadState';
import { ActionOutcome } from '../components/ActionOutcome';
import { formatWhen } from '../format-date';
import { CodeText } from '../components/CodeText';
import { splitErrorCode } from '../components/error-words';
import { Cited } from '../components/Cited';

const LISTS: Array<[ChecklistItemView['list'], string]> = [
  ['environment', 'Environment variables'],
  ['pre-production', 'Pre-production'],
  ['ongoing', 'Ongoing'],
];
/** The badge says what "done" rests on: evidence the app found, or the admin's tick (issue 22). */
function badge(item: ChecklistItemView): [string, string] {
  switch (item.state) {
    case 'verified':
      return ['Verified', 'badge badge-ok'];
    case 'manual':
      return [
        item.status === 'due' ? 'Ticked by you · due soon' : 'Ticked by you',
        item.status === 'due' ? 'badge badge-warn' : 'badge badge-info',
      ];
    case 'failing':
      return [item.status === 'overdue' ? 'Overdue' : 'Fails', 'badge badge-error'];
    case 'todo':
      return [item.status === 'due' ? 'Due' : 'To do', 'badge badge-warn'];
    case 'unknown':
      return ['Not evaluated', 'badge badge-info'];
  }
}

/** `#/checklist/<deployment id>`: the security guide's checklists, evaluated by the audit or ticked by the admin. */
export function ChecklistPage() {
  const path = useRoute();
  const id = decodeURIComponent(path.split('/')[2] ?? '');
  return id === '' ? (
    <DeploymentChooser title="Security checklist" to={(d) => route.checklist(d)} />
  ) : (
    <DeploymentChecklist deploymentId={id} />
  );
}

function DeploymentChecklist({ deploymentId }: { deploymentId: string }) {
  const [loaded] = useLoad(async () => {
    const api = getApi();
    const [deployment, checklist] = await Promise.all([
      api.deployments.get({ id: deploymentId }),
      api.audit.checklist({ deploymentId }),
    ]);
    return { deployment, checklist };
  }, deploymentId);
  const [fresh, setFresh] = useState<ChecklistView | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  if (loaded.state !== 'ready') return <LoadState of={loaded} />;
  const view = fresh ?? loaded.value.checklist;

  const tick = async (item: ChecklistItemView, done: boolean, note: string) => {
    setStatus(null);
    setFailure(null);
    try {
      setFresh(
        await getApi().audit.tick({ deploymentId, itemId: item.id, done, note: note.trim() === '' ? undefined : note }),
      );
      setStatus(done ? `Ticked "${item.title}".` : `Cleared "${item.title}".`);
    } catch (e) {
      setFailure(errorMessage(e));
    }
  };

  return (
    <section aria-labelledby="checklist-title">
      <h1 id="checklist-title">Security checklist: {loaded.value.deployment.name}</h1>
      <p className="muted">
        “Verified” items rest on evidence the app found: the latest audit
        {view.auditedAt ? ` (${formatWhen(view.auditedAt)})` : ''}, the proxy configuration, the backups in the journal,
        the firewall where it can read it. Where it cannot see the evidence, you tick an item with a note saying what
        was done; it then shows as “Ticked by you”. <a href={href(route.audit(deploymentId))}>Open the audit</a>
      </p>
      <ActionOutcome done={status} error={failure} testId="checklist-status" />
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
  const [label, cls] = badge(item);
  const noteId = `note-${item.id}`;
  const tickable = item.mode !== 'evaluated' && item.state !== 'verified';
  return (
    <li className="checklist-item" data-testid={`check-${item.id}`} data-status={item.status} data-state={item.state}>
      <div>
        <span className={cls}>{label}</span> <strong>{item.title}</strong>{' '}
        <span className="muted">
          (
          {item.mode === 'evaluated'
            ? 'audit'
            : item.mode === 'ongoing'
              ? `every ${String(item.periodDays ?? 0)} days`
              : 'manual'}
          )
        </span>
      </div>
      <p data-testid={`basis-${item.id}`}>
        <CodeText text={item.basis} />
      </p>
      <p className="muted">
        <Cited text={item.help} />
      </p>
      {item.evidence.length > 0 && (
        <ul className="evidence">
          {item.evidence.map((e, n) => (
            <Evidence key={n} text={e} />
          ))}
        </ul>
      )}
      {item.tick && item.state === 'verified' && (
        <p className="muted">
          Also ticked by you on {formatWhen(item.tick.checkedAt)}
          {item.tick.note ? `: ${item.tick.note}` : ''}
        </p>
      )}
      {tickable && (
        <div className="form-row">
          <div>
            <label htmlFor={noteId}>Note (required to tick)</label>
            <input
              id={noteId}
              value={note}
              maxLength={500}
              onChange={(e) => setNote(e.target.value)}
              placeholder="what was done, by whom"
            />
          </div>
          <button
            type="button"
            className="primary"
            disabled={note.trim() === ''}
            title={note.trim() === '' ? 'Write a note saying what was done first' : undefined}
            onClick={() => onTick(true, note)}
          >
            {item.tick ? 'Tick again today' : 'Tick as done by me'}
          </button>
          {item.tick && (
            <button type="button" onClick={() => onTick(false, '')}>
              Clear my tick
            </button>
          )}
        </div>
      )}
      {!tickable && item.tick && (
        <button type="button" onClick={() => onTick(false, '')}>
          Clear my tick
        </button>
      )}
    </li>
  );
}

/** One piece of evidence: a finding's words (its rule code, for support, only in the tooltip). */
function Evidence({ text }: { text: string }) {
  const { code, words } = splitErrorCode(text);
  return (
    <li title={code === null ? undefined : `Audit rule ${code}`}>
      <CodeText text={words} />
    </li>
  );
}
