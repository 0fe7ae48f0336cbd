import { useState } from 'react';
import type { FolderView } from '../../../../electron/common/ipc/setup.ipc';
import { Cited } from '../Cited';

/**
 * Step 1: where the deployment is. On this computer, the OS folder dialog is opened by main; on a server,
 * the admin types its ssh:// location and main reaches it with their own OpenSSH. This shows what it holds.
 */
export function FolderStep({
  folder,
  onChoose,
  onChooseServer,
  busy,
}: {
  folder: FolderView | null;
  onChoose: () => void;
  onChooseServer: (location: string) => void;
  busy: boolean;
}) {
  const [where, setWhere] = useState<'here' | 'server'>(folder?.folder.startsWith('ssh://') ? 'server' : 'here');
  const [location, setLocation] = useState(folder?.folder.startsWith('ssh://') ? folder.folder : '');
  return (
    <>
      <p>
        Choose the folder you cloned Crucible Community Edition into (the one with <code>docker-compose.yml</code>), on
        this computer or on the server it runs on. Nothing is written until you confirm the review at the end.
      </p>
      <fieldset>
        <legend>Where does this Crucible run?</legend>
        <label className="inline">
          <input type="radio" name="where" checked={where === 'here'} onChange={() => setWhere('here')} /> On this
          computer
        </label>
        <label className="inline">
          <input type="radio" name="where" checked={where === 'server'} onChange={() => setWhere('server')} /> On a
          server (SSH)
        </label>
      </fieldset>
      {where === 'here' ? (
        <button
          type="button"
          className={folder ? '' : 'primary'}
          onClick={onChoose}
          disabled={busy}
          data-testid="choose-folder"
        >
          {folder ? 'Choose another folder…' : 'Choose folder…'}
        </button>
      ) : (
        <div>
          <label htmlFor="server-location">Location of the Crucible folder on the server</label>
          <input
            id="server-location"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="ssh://admin@crucible.example.org/srv/crucible"
            value={location}
            onChange={(e) => setLocation(e.target.value)}
            aria-describedby="server-location-help"
            data-testid="server-location"
          />
          <p id="server-location-help" className="muted">
            The app uses your own OpenSSH: <code>~/.ssh/config</code> (host aliases, ProxyJump), ssh-agent and{' '}
            <code>known_hosts</code>. It never asks for a password and never accepts an unknown host key: connect once
            with <code>ssh</code> in a terminal first.
          </p>
          <button
            type="button"
            className="primary"
            disabled={busy || !location.startsWith('ssh://')}
            onClick={() => onChooseServer(location.trim())}
            data-testid="connect-server"
          >
            Connect
          </button>
        </div>
      )}
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
            <dd>
              {folder.env.exists
                ? `yes, ${String(folder.env.bytes ?? 0)} bytes, mode ${folder.env.mode ?? '?'}`
                : 'no — everything will be generated'}
            </dd>
            <dt>.gitignore covers .env</dt>
            <dd>
              {folder.gitignore.coversEnv
                ? 'yes'
                : folder.gitignore.exists
                  ? 'no — the entry will be added'
                  : 'no .gitignore — one will be created'}
            </dd>
            <dt>Git repository</dt>
            <dd>
              {folder.git.isRepo
                ? folder.git.envTracked
                  ? 'yes, and .env is TRACKED'
                  : 'yes, .env is not tracked'
                : folder.git.gitAvailable
                  ? 'no'
                  : 'unknown (git is not installed)'}
            </dd>
            <dt>Hard-coded CORS</dt>
            <dd>{folder.corsFix.length > 0 ? folder.corsFix.map((c) => c.file).join(', ') : 'none'}</dd>
          </dl>
          {folder.notices.length > 0 && (
            <ul className="notice-list">
              {folder.notices.map((n, i) => (
                <li key={i}>
                  <span
                    className={`badge badge-${n.severity === 'info' ? 'info' : n.severity === 'warning' ? 'warn' : 'error'}`}
                  >
                    {n.severity}
                  </span>{' '}
                  <Cited text={n.message} />
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  );
}
