import { useEffect, useState } from 'react';
import type { BackupProgress } from '../../../../electron/common/ipc/backup.ipc';
import { getApi } from '../../api';

const PHASE: Record<BackupProgress['phase'], string> = {
  gather: 'Reading the secrets from the keychain…',
  check: 'Checking the file…',
  kdf: 'Deriving the key from the passphrase (Argon2id, 64 MiB; this takes a moment)…',
  encrypt: 'Encrypting…',
  decrypt: 'Decrypting…',
  write: 'Writing the file…',
  apply: 'Restoring…',
  done: 'Done.',
};

/** Shows the progress events main sends while a backup operation runs (the KDF is the slow part). */
export function BackupProgressBar({ active }: { active: boolean }) {
  // Mounted afresh for each operation so no event of an earlier one shows.
  return active ? <ProgressLine /> : null;
}

function ProgressLine() {
  const [p, setP] = useState<BackupProgress | null>(null);
  useEffect(() => getApi().on.backupProgress((e) => setP(e)), []);
  if (p === null) return <p role="status">Working…</p>;
  const fraction = p.phase === 'kdf' && p.estimateMs ? Math.min(0.95, p.elapsedMs / p.estimateMs) : undefined;
  return (
    <div role="status" aria-live="polite" data-testid="backup-progress">
      <span>{PHASE[p.phase]}</span> <progress aria-label="Backup progress" max={1} value={fraction} />
    </div>
  );
}
