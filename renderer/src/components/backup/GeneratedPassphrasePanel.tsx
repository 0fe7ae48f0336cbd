import { useState } from 'react';
import type { GeneratedPassphrase } from '../../../../electron/common/ipc/backup.ipc';
import { errorMessage, getApi } from '../../api';

/**
 * A passphrase main generated on the admin's click, shown here once (it is gone after the export or when
 * another one is typed), with a Copy button (main copies and clears the clipboard after 30 s) and the
 * reminder that nobody can recover it. The export waits for "I have stored it".
 */
export function GeneratedPassphrasePanel({
  generated,
  stored,
  onStored,
}: {
  generated: GeneratedPassphrase;
  stored: boolean;
  onStored: (stored: boolean) => void;
}) {
  const [copied, setCopied] = useState<string | null>(null);

  async function copy() {
    try {
      const { clearsAt } = await getApi().backup.copyGeneratedPassphrase({});
      const seconds = Math.max(1, Math.round((Date.parse(clearsAt) - Date.now()) / 1000));
      setCopied(`Copied. The clipboard is cleared in ${String(seconds)} s.`);
    } catch (e) {
      setCopied(errorMessage(e));
    }
  }

  return (
    <div className="panel generated-passphrase" data-testid="generated-passphrase">
      <p>
        New passphrase: {generated.words} words from the EFF word list, about {Math.floor(generated.bits)} bits. It is
        filled in both fields and shown only here, now:
      </p>
      <p>
        <code className="passphrase-value">{generated.passphrase}</code>
      </p>
      <div className="button-row">
        <button type="button" onClick={() => void copy()}>
          Copy passphrase
        </button>
        {copied && <span role="status">{copied}</span>}
      </div>
      <p className="badge-warn small" role="note">
        Store it now, in your password manager or on the printed recovery sheet. It is the only way to open this backup:
        nobody can recover it for you, and the app does not keep it.
      </p>
      <label>
        <input type="checkbox" checked={stored} onChange={(e) => onStored(e.target.checked)} /> I have stored this
        passphrase
      </label>
    </div>
  );
}
