import { composeCommandLine } from '../../../../electron/common/compose-file-names';
import { useState } from 'react';
import { getApi } from '../../api';
import { formatWhen } from '../../format-date';
import { useAction, useLoad } from '../../hooks';
import { LoadState } from '../LoadState';
import { ActionOutcome } from '../ActionOutcome';
import { CommandBlock } from '../CommandBlock';

/**
 * The versions of `.env`, compose files and `.gitignore` the app replaced, kept under its own folder (never
 * beside the file, where git could pick them up). Putting one back asks first and keeps the current file too.
 */
export function PreviousVersions({
  deploymentId,
  onRestored,
  composeFiles = [],
}: {
  deploymentId: string;
  onRestored: () => void;
  /** The deployment's recorded compose files: the apply command carries their `-f` flags. */
  composeFiles?: readonly string[];
}) {
  const [list, reload] = useLoad(() => getApi().secrets.previousVersions({ deploymentId }), deploymentId);
  const [asking, setAsking] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [apply, setApply] = useState(false);
  const action = useAction(asking ?? '');

  const restore = async (id: string) => {
    const r = await action.run(() => getApi().secrets.restorePrevious({ deploymentId, id }));
    if (!r) return;
    setAsking(null);
    setDone(
      r.file === '.env'
        ? `${r.file} is back as it was. The version it replaced is kept too. Check the keychain agreement above, then apply it from the deployment folder:`
        : `${r.file} is back as it was. The version it replaced is kept too.`,
    );
    setApply(r.file === '.env');
    reload();
    onRestored();
  };

  return (
    <section aria-labelledby="previous-title" className="card" data-testid="previous-versions">
      <h2 id="previous-title">Previous versions</h2>
      <p className="muted">
        Each time the app replaces .env, a compose file or .gitignore, it keeps the version it replaced in its own
        folder (readable by you only), the newest 20 of each file.
      </p>
      <LoadState of={list} />
      <ActionOutcome done={done} error={action.error} />
      {done !== null && apply && (
        <CommandBlock
          commands={[composeCommandLine(composeFiles, ['up', '-d', '--force-recreate'])]}
          label="Command that applies the .env"
        />
      )}
      {list.state === 'ready' && list.value.length === 0 && (
        <p>No previous version is kept yet: none of this deployment's files has been replaced by the app.</p>
      )}
      {list.state === 'ready' && list.value.length > 0 && (
        <table aria-label="Previous versions kept by the app">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Replaced</th>
              <th scope="col">Size</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.value.map((v) => (
              <tr key={v.id}>
                <td>{v.of}</td>
                <td>{formatWhen(v.takenAt)}</td>
                <td>{v.size} bytes</td>
                <td>
                  {asking === v.id ? (
                    <span className="button-row">
                      <span>Put this {v.of} back? The current one is kept too.</span>
                      <button type="button" disabled={action.busy} onClick={() => void restore(v.id)}>
                        Put it back
                      </button>
                      <button type="button" disabled={action.busy} onClick={() => setAsking(null)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <button
                      type="button"
                      aria-label={`Put back ${v.of} from ${formatWhen(v.takenAt)}`}
                      onClick={() => {
                        setDone(null);
                        setAsking(v.id);
                      }}
                    >
                      Put back…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
