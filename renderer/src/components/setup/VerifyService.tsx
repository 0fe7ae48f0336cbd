import { useState } from 'react';
import type { VerifyResult } from '../../../../electron/common/ipc/deployments.ipc';
import { getApi } from '../../api';
import { useAction } from '../../hooks';
import { ActionOutcome } from '../ActionOutcome';

/**
 * After `docker compose up -d`: checks the running service where it runs (from inside the api container;
 * over SSH for a server). The login password is optional, sent once for this check, and cleared.
 */
export function VerifyService({ deploymentId }: { deploymentId: string }) {
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<VerifyResult | null>(null);
  const { busy, error, run } = useAction();
  const check = () => {
    const pw = password;
    // Sent once for this check: the field is emptied before the call.
    setPassword('');
    return run(async () => {
      setResult(
        await getApi().deployments.verify(pw === '' ? { id: deploymentId } : { id: deploymentId, loginPassword: pw }),
      );
    });
  };
  return (
    <section aria-labelledby="verify-title" data-testid="verify-service">
      <h3 id="verify-title">Check the running service</h3>
      <p className="muted">
        Once the containers are up, the app asks the api whether it answers and reaches Redis; with your login password
        it also logs in.
      </p>
      <label htmlFor="verify-password">Login password (optional)</label>
      <input
        id="verify-password"
        type="password"
        autoComplete="off"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <div className="button-row">
        <button type="button" onClick={() => void check()} disabled={busy}>
          {busy ? 'Checking…' : 'Check it now'}
        </button>
      </div>
      <ActionOutcome done={null} error={error} />
      {result && (
        <div role="status">
          {result.problem && (
            <p className="panel panel-error">
              The check could not run: {result.problem.summary} {result.problem.hint}
            </p>
          )}
          <ul className="checklist">
            {result.results.map((c) => (
              <li key={c.check}>
                <span className={`badge badge-${c.ok ? 'ok' : 'error'}`}>{c.ok ? 'ok' : 'failed'}</span> {c.check}:{' '}
                {c.detail}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
