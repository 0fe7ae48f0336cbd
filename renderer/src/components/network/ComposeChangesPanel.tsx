import { composeCommandLine } from '../../../../electron/common/compose-file-names';
import { useState } from 'react';
import type { ComposePreview, ComposePreviewRequest } from '../../../../electron/common/ipc/proxy.ipc';
import { errorMessage, getApi } from '../../api';
import { ActionOutcome } from '../ActionOutcome';
import { CommandBlock } from '../CommandBlock';
import { CodeText } from '../CodeText';
import { DiffView } from '../audit/DiffView';

/** The compose changes that go with the front door: previewed as diffs, applied only as shown. */
export function ComposeChangesPanel({
  request,
  composeFiles = [],
}: {
  request: ComposePreviewRequest;
  /** The deployment's recorded compose files: the apply command carries their `-f` flags. */
  composeFiles?: readonly string[];
}) {
  const [preview, setPreview] = useState<ComposePreview | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canRead = request.deploymentId !== undefined || request.folderId !== undefined;

  const load = () => {
    setError(null);
    setStatus(null);
    getApi()
      .proxy.composePreview(request)
      .then(setPreview, (e: unknown) => {
        setError(errorMessage(e));
      });
  };
  const apply = () => {
    if (!preview) return;
    setError(null);
    const tokens = Object.fromEntries(preview.files.map((f) => [f.file, f.token]));
    getApi()
      .proxy.composeApply({ ...request, tokens })
      .then(
        (r) => {
          setStatus(
            `Changed ${r.applied.map((a) => `${a.file}${a.backupName ? ` (previous kept as ${a.backupName})` : ''}`).join(', ')}. Apply it by recreating the containers from the deployment folder:`,
          );
          setPreview(null);
        },
        (e: unknown) => {
          setError(errorMessage(e));
        },
      );
  };

  return (
    <section className="panel" aria-labelledby="compose-changes-title" data-testid="compose-changes">
      <h3 id="compose-changes-title">Compose changes</h3>
      <p>
        Bind the api and frontend to 127.0.0.1, let <code>.env</code> decide the CORS origin, and point the frontend at
        the https API. Comments and layout are kept.
      </p>
      {!canRead && <p className="muted">Choose the deployment or its folder above to see these changes.</p>}
      <div className="button-row">
        <button type="button" disabled={!canRead} onClick={load}>
          Preview compose changes
        </button>
      </div>
      <ActionOutcome done={status} error={null} testId="compose-status" />
      {status !== null && (
        <CommandBlock
          commands={[composeCommandLine(composeFiles, ['up', '-d'])]}
          label="Command that applies the compose changes"
        />
      )}
      {error !== null && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {preview !== null && (
        <>
          {preview.files.length === 0 ? (
            <p data-testid="compose-nothing">The compose files already match the front door.</p>
          ) : (
            preview.files.map((f) => (
              <div key={f.file}>
                <h4>
                  <code>{f.file}</code>
                </h4>
                <ul>
                  {f.changes.map((c) => (
                    <li key={c}>
                      <CodeText text={c} />
                    </li>
                  ))}
                </ul>
                <DiffView diff={f.diff} label={`Diff of ${f.file}`} />
              </div>
            ))
          )}
          <ul className="muted">
            {preview.notes.map((n) => (
              <li key={n}>
                <CodeText text={n} />
              </li>
            ))}
          </ul>
          {preview.files.length > 0 && (
            <button type="button" className="primary" onClick={apply}>
              Apply these changes
            </button>
          )}
        </>
      )}
    </section>
  );
}
