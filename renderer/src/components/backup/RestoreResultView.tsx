import { useState } from 'react';
import type { RestoreResult } from '../../../../electron/common/ipc/backup.ipc';
import { errorMessage, getApi } from '../../api';
import { ActionOutcome } from '../ActionOutcome';

/**
 * What a restore did, per deployment, and what to run next: compose reads `.env` only when it creates a
 * container, so a rewritten `.env` reaches the services only after the command shown (main builds it from the
 * deployment's folder and compose files, over ssh for a server; main copies it).
 */
export function RestoreResultView({ result }: { result: RestoreResult }) {
  const [copied, setCopied] = useState<Record<string, string>>({});

  async function copy(deploymentId: string) {
    try {
      const r = await getApi().backup.copyApplyCommand({ deploymentId });
      setCopied((c) => ({ ...c, [deploymentId]: r.copied ? 'Copied.' : 'Nothing to copy: run the command shown.' }));
    } catch (e) {
      setCopied((c) => ({ ...c, [deploymentId]: errorMessage(e) }));
    }
  }

  return (
    <div className="panel" data-testid="restore-result">
      <ActionOutcome done="Restore complete. Everything was applied together." error={null} />
      {result.deployments.map((d) => (
        <div key={d.id}>
          <p>
            {d.name}: {d.restored.length} secret(s) restored to the keychain
            {d.envRewritten ? ' and written into its .env' : ''}
            {d.registered ? '; the deployment is now known to this app' : ''}.
          </p>
          {d.applyCommand !== null ? (
            <>
              <p>The running services still use the previous values. Apply the restored .env by recreating them:</p>
              <pre className="command-block" tabIndex={0}>
                <code>{d.applyCommand}</code>
              </pre>
              <div className="button-row">
                <button type="button" onClick={() => void copy(d.id)} aria-label={`Copy the command for ${d.name}`}>
                  Copy command
                </button>
                {copied[d.id] && <span role="status">{copied[d.id]}</span>}
              </div>
            </>
          ) : (
            d.restored.length > 0 && (
              <p className="muted">
                The .env was not rewritten, so the running services keep their current values; the keychain holds the
                restored ones.
              </p>
            )
          )}
        </div>
      ))}
    </div>
  );
}
