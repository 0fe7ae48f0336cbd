import type { FolderView } from '../../../../electron/common/ipc/setup.ipc';
import { Cited } from '../Cited';

/** Step 1: the OS folder dialog is opened by main; this shows what the chosen folder holds. */
export function FolderStep({ folder, onChoose, busy }: { folder: FolderView | null; onChoose: () => void; busy: boolean }) {
  return (
    <>
      <p>
        Choose the folder you cloned Crucible Community Edition into (the one with <code>docker-compose.yml</code>). Nothing is written
        until you confirm the review at the end.
      </p>
      <button type="button" className={folder ? '' : 'primary'} onClick={onChoose} disabled={busy} data-testid="choose-folder">
        {folder ? 'Choose another folder…' : 'Choose folder…'}
      </button>
      {folder && (
        <div className="panel" data-testid="folder-facts">
          <h3>{folder.name}</h3>
          <dl className="facts">
            <dt>Folder</dt>
            <dd>
              <code>{folder.folder}</code>
            </dd>
            <dt>Compose files</dt>
            <dd>{folder.composeFiles.map((c) => `${c.name} (${c.role})`).join(', ')}</dd>
            <dt>Existing .env</dt>
            <dd>{folder.env.exists ? `yes, ${String(folder.env.bytes ?? 0)} bytes, mode ${folder.env.mode ?? '?'}` : 'no — everything will be generated'}</dd>
            <dt>.gitignore covers .env</dt>
            <dd>{folder.gitignore.coversEnv ? 'yes' : folder.gitignore.exists ? 'no — the entry will be added' : 'no .gitignore — one will be created'}</dd>
            <dt>Git repository</dt>
            <dd>{folder.git.isRepo ? (folder.git.envTracked ? 'yes, and .env is TRACKED' : 'yes, .env is not tracked') : folder.git.gitAvailable ? 'no' : 'unknown (git is not installed)'}</dd>
            <dt>Hard-coded CORS</dt>
            <dd>{folder.corsFix.length > 0 ? folder.corsFix.map((c) => c.file).join(', ') : 'none'}</dd>
          </dl>
          {folder.notices.length > 0 && (
            <ul className="notice-list">
              {folder.notices.map((n, i) => (
                <li key={i}>
                  <span className={`badge badge-${n.severity === 'info' ? 'info' : n.severity === 'warning' ? 'warn' : 'error'}`}>{n.severity}</span> <Cited text={n.message} />
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  );
}
