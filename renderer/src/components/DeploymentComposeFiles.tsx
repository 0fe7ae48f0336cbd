import { useState } from 'react';
import type { DeploymentRef } from '../../../electron/common/model/deployment';
import { getApi } from '../api';
import { useAction } from '../hooks';

/**
 * The compose files a deployment runs with, and changing them (an admin who switches to
 * docker-compose.prod.yml). The folder's files are listed only when asked, since a server needs SSH for it.
 */
export function DeploymentComposeFiles({ deployment }: { deployment: DeploymentRef }) {
  const [recorded, setRecorded] = useState<readonly string[]>(deployment.composeFiles);
  const [inFolder, setInFolder] = useState<string[] | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const id = deployment.id;

  const open = () =>
    void run(async () => {
      const r = await getApi().deployments.composeFiles({ id });
      setInFolder(r.inFolder);
      setChosen(r.recorded.filter((f) => r.inFolder.includes(f)));
      setSaved(false);
    });
  const save = () =>
    void run(async () => {
      const d = await getApi().deployments.setComposeFiles({ id, files: chosen });
      setRecorded(d.composeFiles);
      setInFolder(null);
      setSaved(true);
    });
  const toggle = (file: string, on: boolean) => {
    // Kept in the folder's order (base before overrides), which is the merge order compose uses.
    setChosen((c) => (inFolder ?? []).filter((f) => (f === file ? on : c.includes(f))));
  };

  return (
    <div data-testid={`compose-files-${id}`}>
      <span className="muted">Compose files: </span>
      {recorded.length > 0
        ? recorded.join(', ')
        : 'as docker compose finds them (COMPOSE_FILE in .env, else docker-compose.yml and its override)'}{' '}
      {inFolder === null && (
        <button type="button" className="button" onClick={open} disabled={busy}>
          Change…
        </button>
      )}
      {saved && <span role="status"> Saved.</span>}
      {inFolder !== null && (
        <fieldset className="choice-list">
          <legend>Compose files {deployment.name} runs with</legend>
          <p className="muted">
            The audit, rotation and the front door read these files, and commands are run with <code>-f</code> for each.
          </p>
          {inFolder.map((f) => (
            <label key={f} className="choice">
              <input
                type="checkbox"
                checked={chosen.includes(f)}
                onChange={(e) => {
                  toggle(f, e.currentTarget.checked);
                }}
              />
              <span>{f}</span>
            </label>
          ))}
          <button type="button" onClick={save} disabled={busy || chosen.length === 0}>
            Save compose files
          </button>{' '}
          <button
            type="button"
            onClick={() => {
              setInFolder(null);
            }}
          >
            Cancel
          </button>
        </fieldset>
      )}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
