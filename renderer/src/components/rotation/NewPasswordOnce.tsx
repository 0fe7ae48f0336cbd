import { useState } from 'react';
import { getApi } from '../../api';
import { useAction } from '../../hooks';

/**
 * The login password a rotation generated, shown once (as setup does): main hands it over a single time
 * and forgets it; the keychain and `.env` only ever hold its bcrypt hash. Gone when the page is left.
 */
export function NewPasswordOnce({
  runId,
  variable,
  compact = false,
  onShown,
}: {
  runId: string;
  variable: string;
  compact?: boolean;
  onShown?: () => void;
}) {
  const [password, setPassword] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const reveal = () =>
    run(async () => {
      setPassword((await getApi().rotation.revealNewPassword({ id: runId })).password);
      onShown?.();
    });

  const outputId = `new-password-${runId}`;
  return (
    <div
      className={compact ? undefined : 'panel'}
      role="region"
      aria-label={`New ${variable}`}
      data-testid="new-password-once"
    >
      {password === null ? (
        <>
          {!compact && (
            <p>
              The app generated the new {variable}. Only its bcrypt hash is stored, so it can be shown once: have your
              password manager ready.
            </p>
          )}
          <button
            type="button"
            className={compact ? undefined : 'primary'}
            onClick={() => void reveal()}
            disabled={busy}
            data-testid="reveal-new-password"
          >
            Show the new password (once)
          </button>
        </>
      ) : (
        <>
          <label htmlFor={outputId}>Your new login password</label>
          <output id={outputId} className="secret-output" data-testid="new-password">
            {password}
          </output>
          <p className="muted small">It is not shown again: store it in your password manager now.</p>
        </>
      )}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
