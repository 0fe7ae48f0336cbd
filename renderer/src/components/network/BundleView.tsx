import { useState } from 'react';
import type { ComposePreviewRequest, GenerateRequest, ProxyBundle } from '../../../../electron/common/ipc/proxy.ipc';
import { getApi } from '../../api';
import { useAction } from '../../hooks';
import { ActionOutcome } from '../ActionOutcome';
import { Cited } from '../Cited';
import { CodeText } from '../CodeText';
import { CommandBlock } from '../CommandBlock';
import { ComposeChangesPanel } from './ComposeChangesPanel';
import { GeneratedFileView } from './GeneratedFileView';

function EnvApplyButton({ request }: { request: ComposePreviewRequest }) {
  const [status, setStatus] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const canWrite = request.deploymentId !== undefined || request.folderId !== undefined;
  const write = () =>
    void run(async () => {
      setStatus(null);
      const r = await getApi().proxy.envApply(request);
      setStatus(
        `Wrote ${r.changed.join(' and ')} to .env${r.backupName ? ` (previous kept as ${r.backupName})` : ''}.`,
      );
    });
  return (
    <>
      <div className="button-row">
        <button type="button" disabled={!canWrite || busy} onClick={write}>
          Write CORS and frontend URL to .env
        </button>
      </div>
      <ActionOutcome done={status} error={error} testId="env-apply-status" />
    </>
  );
}

/** What main generated for the front door: the files, the compose and `.env` follow-ups, and the steps left. */
export function BundleView({
  bundle,
  request,
  composeFiles = [],
}: {
  bundle: ProxyBundle;
  request: GenerateRequest;
  /** The chosen deployment's recorded compose files ([] for a folder that is not registered). */
  composeFiles?: readonly string[];
}) {
  return (
    <div data-testid="proxy-bundle">
      <h2>Generated for {bundle.origin}</h2>
      {bundle.warnings.length > 0 && (
        <div className="banner banner-warn" role="status">
          <ul>
            {bundle.warnings.map((w) => (
              <li key={w}>
                <CodeText text={w} />
              </li>
            ))}
          </ul>
        </div>
      )}
      {bundle.files.map((f) => (
        <GeneratedFileView
          key={f.id}
          file={f}
          onCopy={() => getApi().proxy.copy({ generate: request, fileId: f.id })}
          onSave={() =>
            getApi()
              .proxy.save({ generate: request, fileId: f.id })
              .then((r) => r.name)
          }
        />
      ))}
      <ComposeChangesPanel
        composeFiles={composeFiles}
        request={{
          address: request.address,
          environment: request.environment,
          deploymentId: request.deploymentId,
          folderId: request.folderId,
        }}
      />
      <section className="panel" aria-labelledby="env-followup-title">
        <h3 id="env-followup-title">.env follow-ups</h3>
        <EnvApplyButton
          request={{
            address: request.address,
            environment: request.environment,
            deploymentId: request.deploymentId,
            folderId: request.folderId,
          }}
        />
        <table>
          <thead>
            <tr>
              <th scope="col">Variable</th>
              <th scope="col">Set to</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {bundle.envFollowUp.map((e) => (
              <tr key={e.key} data-testid={`env-${e.key}`}>
                <td>
                  <code>{e.key}</code>
                  {e.overriddenByCompose && (
                    <>
                      {' '}
                      <span className="badge badge-warn">compose overrides</span>
                    </>
                  )}
                </td>
                <td>
                  <code>{e.value}</code>
                  {e.current !== null && e.current !== e.value && (
                    <div className="muted">
                      now: <code>{e.current}</code>
                    </div>
                  )}
                </td>
                <td>
                  <CodeText text={e.note} />
                  {e.evidence !== undefined && (
                    <div className="muted">
                      <CodeText text={e.evidence} />
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="manual-title">
        <h3 id="manual-title">Left to do by hand</h3>
        <ol data-testid="manual-steps">
          {bundle.manualSteps.map((s) => (
            <li key={s.id}>
              <strong>{s.title}.</strong> <Cited text={s.detail} />
              <CommandBlock commands={s.commands} label={`Commands: ${s.title}`} />
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
