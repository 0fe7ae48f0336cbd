import { useCallback, useEffect, useState } from 'react';
import type { BackupStatus } from '../../../electron/common/ipc/backup.ipc';
import { errorMessage, getApi } from '../api';
import { ExportSection } from '../components/backup/ExportSection';
import { RestoreSection } from '../components/backup/RestoreSection';
import { DumpsSection } from '../components/dumps/DumpsSection';
import '../components/backup/backup.css';

/** Encrypted offline backups: export, verify, restore (docs/backup-format.md). */
export function BackupPage() {
  const [status, setStatus] = useState<BackupStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Refreshing keeps the sections mounted, so an export's result stays on screen.
  const refresh = useCallback(() => {
    getApi()
      .backup.status({})
      .then(
        (s) => {
          setStatus(s);
          setError(null);
        },
        (e: unknown) => setError(errorMessage(e)),
      );
  }, []);
  useEffect(refresh, [refresh]);
  return (
    <section aria-labelledby="backup-title" className="backup-page">
      <h1 id="backup-title">Backup</h1>
      <p className="muted">
        A backup is one encrypted file (Argon2id + AES-256-GCM) holding the secrets and settings of your deployments.
        Keep it offline, away from the server.
      </p>
      {status === null && error === null && <p role="status">Loading…</p>}
      {error && <p role="alert">{error}</p>}
      {status && <ExportSection status={status} onExported={refresh} />}
      <RestoreSection onRestored={refresh} />
      <DumpsSection />
    </section>
  );
}
