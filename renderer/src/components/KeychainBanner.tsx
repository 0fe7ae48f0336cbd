import { useState } from 'react';
import { getApi } from '../api';
import { useAction, useLoad } from '../hooks';
import type { KeychainStatus } from '../../../electron/common/ipc/keychain.ipc';

/** Always visible: which keychain holds the secrets, and if it cannot be used, why and what to do. */
export function KeychainBanner() {
  const [status, reload] = useLoad(() => getApi().keychain.status({}));
  const [rechecked, setRechecked] = useState<KeychainStatus | null>(null);
  const { busy, error: recheckError, run } = useAction();

  const recheck = () =>
    void run(async () => {
      setRechecked(await getApi().keychain.recheck({}));
    });

  if (status.state === 'loading' && !rechecked) {
    return (
      <div className="banner banner-info" role="status" data-testid="keychain-banner">
        Checking the keychain…
      </div>
    );
  }
  if (status.state === 'error' && !rechecked) {
    return (
      <div className="banner banner-error" role="alert" data-testid="keychain-banner">
        The keychain status could not be read: {status.message}{' '}
        <button type="button" onClick={reload}>
          Check again
        </button>
      </div>
    );
  }
  const s = rechecked ?? (status.state === 'ready' ? status.value : null);
  if (!s) return null;
  if (s.usable) {
    return (
      <div className="banner banner-ok" role="status" data-testid="keychain-banner" data-usable="true">
        <span className="dot dot-ok" aria-hidden="true" /> Secrets are stored in <strong>{s.label}</strong>.
      </div>
    );
  }
  return (
    <div
      className="banner banner-warn"
      role="alert"
      data-testid="keychain-banner"
      data-usable="false"
      data-problem={s.problem?.code}
    >
      <div>
        <strong>{s.label} cannot be used.</strong> {s.problem?.message}
      </div>
      <div className="banner-fix">{s.problem?.fix}</div>
      <button type="button" onClick={recheck} disabled={busy}>
        {busy ? 'Checking…' : 'Check again'}
      </button>
      {recheckError && <div className="banner-fix">{recheckError}</div>}
    </div>
  );
}
