import { useCallback, useState } from 'react';
import type { BackupStatus, ExportResult, GeneratedPassphrase } from '../../../../electron/common/ipc/backup.ipc';
import { errorMessage, getApi } from '../../api';
import { formatWhen } from '../../format-date';
import { formatFingerprint } from '../../format-fingerprint';
import { useAction } from '../../hooks';
import { BackupProgressBar } from './BackupProgressBar';
import { NoDeployments } from '../NoDeployments';
import { ActionOutcome } from '../ActionOutcome';
import { GeneratedPassphrasePanel } from './GeneratedPassphrasePanel';
import { PassphraseFields, type PassphraseState } from './PassphraseFields';

/** Export: choose deployments, type the passphrase twice, main asks where to save and reports progress. */
export function ExportSection({ status, onExported }: { status: BackupStatus; onExported: () => void }) {
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(status.deployments.slice(0, 1).map((d) => d.id)));
  const [pass, setPass] = useState<PassphraseState>({ passphrase: '', confirmation: '', acceptable: false });
  const { busy, error, run, fail, clearError } = useAction();
  const [result, setResult] = useState<ExportResult | null>(null);
  const [sheet, setSheet] = useState<string | null>(null);
  const onPass = useCallback((s: PassphraseState) => setPass(s), []);
  // A generated passphrase is shown until the export that uses it, or until the admin types another one.
  const [generated, setGenerated] = useState<GeneratedPassphrase | null>(null);
  const [stored, setStored] = useState(false);
  const showGenerated = generated !== null && pass.passphrase === generated.passphrase;

  async function generate() {
    clearError();
    try {
      const g = await getApi().backup.generatePassphrase({});
      setStored(false);
      setGenerated(g);
    } catch (e) {
      fail(errorMessage(e));
    }
  }

  const toggle = (id: string) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  function exportNow() {
    setSheet(null);
    return run(async () => {
      const r = await getApi().backup.export({
        deploymentIds: [...chosen],
        passphrase: pass.passphrase,
        confirmation: pass.confirmation,
      });
      if (r) {
        setResult(r);
        setGenerated(null);
        onExported();
      }
    });
  }

  // Not through run(): saving the sheet is quick and must not show the export's progress bar.
  async function saveSheet(exportId: string) {
    clearError();
    try {
      const r = await getApi().backup.saveRecoverySheet({ exportId });
      if (r) setSheet(r.path);
    } catch (e) {
      fail(errorMessage(e));
    }
  }

  return (
    <section className="panel" aria-labelledby="export-title">
      <h2 id="export-title">Make a backup</h2>
      {status.deployments.length === 0 ? (
        <NoDeployments testId="backup-no-deployments" />
      ) : (
        <>
          <fieldset>
            <legend>Deployments to include</legend>
            {status.deployments.map((d) => (
              <div key={d.id}>
                <label>
                  <input type="checkbox" checked={chosen.has(d.id)} onChange={() => toggle(d.id)} /> {d.name}{' '}
                  <span className="muted">({d.environment})</span>
                </label>{' '}
                <span className="muted small">
                  {d.lastBackupAt ? `last backup ${formatWhen(d.lastBackupAt)}` : 'never backed up'}
                </span>
                {d.rotatedSince.length > 0 && (
                  <p className="badge-warn small" role="note">
                    Rotated after the newest backup: {d.rotatedSince.join(', ')}. Restoring that backup would bring back
                    revoked values; make a new one.
                  </p>
                )}
              </div>
            ))}
          </fieldset>
          <PassphraseFields
            idPrefix="export"
            onChange={onPass}
            fill={generated}
            actions={
              <button type="button" onClick={() => void generate()} disabled={busy}>
                Generate a passphrase
              </button>
            }
          />
          {showGenerated && <GeneratedPassphrasePanel generated={generated} stored={stored} onStored={setStored} />}
          <p className="muted small">
            The passphrase is the only way to open the backup. Nobody can recover it for you: write it on the recovery
            sheet or keep it in your password manager.
          </p>
          <div className="button-row">
            <button
              type="button"
              className="primary"
              disabled={busy || chosen.size === 0 || !pass.acceptable || (showGenerated && !stored)}
              onClick={() => void exportNow()}
            >
              Export encrypted backup…
            </button>
          </div>
          <BackupProgressBar active={busy} />
        </>
      )}
      {error && (
        <p role="alert" className="badge-error">
          {error}
        </p>
      )}
      {result && (
        <div className="panel panel-ok" data-testid="export-result">
          <p role="status">Backup written: {result.fileName}</p>
          <dl className="facts">
            <dt>Saved at</dt>
            <dd>{result.path}</dd>
            <dt>Fingerprint</dt>
            <dd>
              <code>{formatFingerprint(result.fingerprint)}</code>
            </dd>
            <dt>Contents</dt>
            <dd>{result.deployments.map((d) => `${d.name}: ${d.secretNames.length} secret(s)`).join('; ')}</dd>
          </dl>
          <div className="button-row">
            <button type="button" onClick={() => void saveSheet(result.exportId)}>
              Save recovery sheet to print…
            </button>
          </div>
          <ActionOutcome
            done={sheet === null ? null : `Recovery sheet saved at ${sheet}. Open it in a browser and print it.`}
            error={null}
          />
        </div>
      )}
    </section>
  );
}
