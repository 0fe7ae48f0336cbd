import { useState } from 'react';
import { getApi } from '../../api';
import { formatWhen } from '../../format-date';
import { useAction, useLoad } from '../../hooks';
import { LoadState } from '../LoadState';
import { ActionOutcome } from '../ActionOutcome';

/**
 * The database dumps the app took before rotations, per deployment: encrypted (age) in the app's folder.
 * Listed, decrypted into a file chosen in main's save dialog, and deleted after asking.
 */
export function DumpsSection() {
  const [deployments] = useLoad(() => getApi().deployments.list({}));
  return (
    <section aria-labelledby="dumps-title" className="card" data-testid="dumps">
      <h2 id="dumps-title">Database dumps</h2>
      <p className="muted">
        Taken before a rotation that touches the database. Each is encrypted as it arrives and kept in the app&apos;s
        own folder, never in the deployment folder. Delete them once the rotation is verified.
      </p>
      <LoadState of={deployments} />
      {deployments.state === 'ready' && deployments.value.deployments.length === 0 && (
        <p>No deployment is set up yet, so there are no dumps.</p>
      )}
      {deployments.state === 'ready' &&
        deployments.value.deployments.map((d) => <DeploymentDumps key={d.id} deploymentId={d.id} name={d.name} />)}
    </section>
  );
}

function DeploymentDumps({ deploymentId, name }: { deploymentId: string; name: string }) {
  const [list, reload] = useLoad(() => getApi().dumps.list({ deploymentId }), deploymentId);
  const [asking, setAsking] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction(asking ?? '');

  const decrypt = async (id: string) => {
    setDone(null);
    const r = await action.run(() => getApi().dumps.decrypt({ deploymentId, id }));
    if (r?.savedTo)
      setDone(`Decrypted to ${r.savedTo} (readable by you only). It is plain SQL: delete it once it has served.`);
  };
  const remove = async (id: string) => {
    const r = await action.run(() => getApi().dumps.remove({ deploymentId, id }));
    if (!r) return;
    setAsking(null);
    setDone(`Deleted ${r.removed}.`);
    reload();
  };

  return (
    <div>
      <h3>{name}</h3>
      <LoadState of={list} />
      <ActionOutcome done={done} error={action.error} />
      {list.state === 'ready' && list.value.dumps.length === 0 && (
        <p>No dumps are kept for this deployment: none is needed until a rotation touches the database.</p>
      )}
      {list.state === 'ready' && list.value.dumps.length > 0 && (
        <table aria-label={`Database dumps of ${name}`}>
          <thead>
            <tr>
              <th scope="col">Dump</th>
              <th scope="col">Taken</th>
              <th scope="col">Size</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.value.dumps.map((x) => (
              <tr key={x.id}>
                <td>
                  {x.id}
                  {!x.encrypted && <span className="badge-warn"> not encrypted</span>}
                </td>
                <td>{formatWhen(x.createdAt)}</td>
                <td>{Math.max(1, Math.round(x.size / 1024))} KiB</td>
                <td className="button-row">
                  {x.encrypted && (
                    <button
                      type="button"
                      disabled={action.busy}
                      aria-label={`Decrypt ${x.id}`}
                      onClick={() => void decrypt(x.id)}
                    >
                      Decrypt to a file…
                    </button>
                  )}
                  {asking === x.id ? (
                    <>
                      <span>Delete it? This cannot be undone.</span>
                      <button type="button" disabled={action.busy} onClick={() => void remove(x.id)}>
                        Delete
                      </button>
                      <button type="button" onClick={() => setAsking(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      aria-label={`Delete ${x.id}`}
                      onClick={() => {
                        setDone(null);
                        setAsking(x.id);
                      }}
                    >
                      Delete…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
