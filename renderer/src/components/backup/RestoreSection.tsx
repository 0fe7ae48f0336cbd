import { useState } from 'react';
import type {
  BackupFileInfo,
  BackupSummary,
  RestoreConflict,
  RestorePlan,
  RestoreResult,
} from '../../../../electron/common/ipc/backup.ipc';
import { getApi } from '../../api';
import { formatWhen } from '../../format-date';
import { formatFingerprint } from '../../format-fingerprint';
import { useAction } from '../../hooks';
import { BackupProgressBar } from './BackupProgressBar';
import { RestoreResultView } from './RestoreResultView';

const SIDE: Record<RestoreConflict['keychain']['state'], string> = {
  absent: 'missing',
  same: 'same',
  differs: 'differs',
  'no-file': 'no .env',
};

/** Verify a backup (in memory, nothing written) or restore it, choosing per secret what to bring back. */
export function RestoreSection({ onRestored }: { onRestored: () => void }) {
  const [file, setFile] = useState<BackupFileInfo | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const { busy, error, run } = useAction();
  const [summary, setSummary] = useState<BackupSummary | null>(null);
  const [plan, setPlan] = useState<RestorePlan | null>(null);
  const [picked, setPicked] = useState<Record<string, Set<string>>>({});
  const [rewrite, setRewrite] = useState<Record<string, boolean>>({});
  const [result, setResult] = useState<RestoreResult | null>(null);

  async function choose() {
    const f = await run(() => getApi().backup.pickFile({}));
    if (f) {
      setFile(f);
      setSummary(null);
      setPlan(null);
      setResult(null);
    }
  }

  function adopt(p: RestorePlan) {
    setPlan(p);
    // Defaults: bring back what is missing; a value that differs stays until the admin ticks it.
    setPicked(
      Object.fromEntries(
        p.deployments.map((d) => [
          d.id,
          new Set(d.secrets.filter((s) => s.keychain.state !== 'differs').map((s) => s.name)),
        ]),
      ),
    );
    setRewrite(Object.fromEntries(p.deployments.map((d) => [d.id, d.folderExists])));
  }

  async function verify() {
    if (!file) return;
    const s = await run(() => getApi().backup.verify({ fileId: file.fileId, passphrase }));
    if (s) setSummary(s);
  }

  async function prepare() {
    if (!file) return;
    const p = await run(() => getApi().backup.planRestore({ fileId: file.fileId, passphrase }));
    if (p) {
      setPassphrase('');
      adopt(p);
    }
  }

  async function moveFolder(deploymentId: string) {
    if (!plan) return;
    const p = await run(() => getApi().backup.chooseFolder({ sessionId: plan.sessionId, deploymentId }));
    if (p) setPlan(p);
  }

  async function apply() {
    if (!plan) return;
    const r = await run(() =>
      getApi().backup.applyRestore({
        sessionId: plan.sessionId,
        deployments: plan.deployments.map((d) => ({
          deploymentId: d.id,
          secrets: [...(picked[d.id] ?? [])],
          rewriteEnv: rewrite[d.id] === true,
        })),
      }),
    );
    if (r) {
      setResult(r);
      setPlan(null);
      onRestored();
    }
  }

  function toggle(dep: string, name: string) {
    setPicked((prev) => {
      const next = new Set(prev[dep] ?? []);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return { ...prev, [dep]: next };
    });
  }

  return (
    <section className="panel" aria-labelledby="restore-title">
      <h2 id="restore-title">Verify or restore a backup</h2>
      <div className="button-row">
        <button type="button" onClick={() => void choose()} disabled={busy}>
          Choose backup file…
        </button>
        {file && (
          <span data-testid="backup-file">
            {file.fileName}{' '}
            <span className="muted small">
              (format {file.formatVersion}, {file.bytes} bytes)
            </span>
          </span>
        )}
      </div>
      {file && !plan && (
        <>
          <label className="label-like" htmlFor="restore-pass">
            Passphrase of this backup
          </label>
          <input
            id="restore-pass"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
          />
          <div className="button-row">
            <button type="button" disabled={busy || passphrase === ''} onClick={() => void verify()}>
              Verify
            </button>
            <button
              type="button"
              className="primary"
              disabled={busy || passphrase === ''}
              onClick={() => void prepare()}
            >
              Prepare restore…
            </button>
          </div>
        </>
      )}
      <BackupProgressBar active={busy} />
      {error && (
        <p role="alert" className="badge-error">
          {error}
        </p>
      )}
      {summary && !plan && (
        <div data-testid="verify-summary" className="panel panel-ok">
          <p role="status">
            The backup opens and is intact. Made {formatWhen(summary.createdAt)} by version {summary.appVersion}.
            Fingerprint <code>{formatFingerprint(summary.fingerprint)}</code>.
          </p>
          <ul>
            {summary.deployments.map((d) => (
              <li key={d.id}>
                {d.name}: {d.secretCount} secret(s), newest rotation{' '}
                {d.newestRotation ? formatWhen(d.newestRotation) : 'none'}, checklist {d.checklistDone}/
                {d.checklistTotal}
              </li>
            ))}
          </ul>
        </div>
      )}
      {plan && (
        <div data-testid="restore-plan">
          <p className="muted">
            Fingerprints are keyed hashes: equal fingerprints mean equal values. Tick what to restore; a value that
            differs in the keychain is replaced only if you tick it.
          </p>
          {plan.deployments.map((d) => (
            <div key={d.id} className="panel">
              <h3>
                {d.name} {!d.registered && <span className="badge badge-info">new on this machine</span>}
              </h3>
              <p className="small">
                Folder: {d.folder}{' '}
                {d.folderExists ? (
                  d.envFound ? (
                    '(has a .env)'
                  ) : (
                    '(no .env yet)'
                  )
                ) : (
                  <span className="badge-warn">(does not exist)</span>
                )}{' '}
                <button type="button" onClick={() => void moveFolder(d.id)} disabled={busy}>
                  Choose another folder…
                </button>
              </p>
              <table aria-label={`Secrets of ${d.name} in the backup`}>
                <thead>
                  <tr>
                    <th scope="col">Restore</th>
                    <th scope="col">Name</th>
                    <th scope="col">Backup</th>
                    <th scope="col">Keychain</th>
                    <th scope="col">.env</th>
                  </tr>
                </thead>
                <tbody>
                  {d.secrets.map((s) => (
                    <tr key={s.name}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Restore ${s.name}`}
                          checked={picked[d.id]?.has(s.name) ?? false}
                          onChange={() => toggle(d.id, s.name)}
                        />
                      </td>
                      <td>
                        <code>{s.name}</code>
                      </td>
                      <td>
                        <code>{formatFingerprint(s.backupFingerprint)}</code>
                      </td>
                      <td className={s.keychain.state === 'differs' ? 'badge-warn' : undefined}>
                        {SIDE[s.keychain.state]}{' '}
                        {s.keychain.fingerprint && <code>{formatFingerprint(s.keychain.fingerprint)}</code>}
                      </td>
                      <td className={s.env.state === 'differs' ? 'badge-warn' : undefined}>
                        {SIDE[s.env.state]} {s.env.fingerprint && <code>{formatFingerprint(s.env.fingerprint)}</code>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <label>
                <input
                  type="checkbox"
                  checked={rewrite[d.id] === true}
                  disabled={!d.folderExists}
                  onChange={(e) => setRewrite((r) => ({ ...r, [d.id]: e.target.checked }))}
                />{' '}
                Also write the restored values into <code>.env</code>
              </label>
            </div>
          ))}
          <div className="button-row">
            <button type="button" className="primary" disabled={busy} onClick={() => void apply()}>
              Restore selected
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                void getApi().backup.cancelRestore({ sessionId: plan.sessionId });
                setPlan(null);
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      )}
      {result && <RestoreResultView result={result} />}
    </section>
  );
}
