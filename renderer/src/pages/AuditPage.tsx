import { useEffect, useState } from 'react';
import type { AuditResultView, FixPreview } from '../../../electron/common/ipc/audit.ipc';
import { getApi } from '../api';
import { ActionOutcome } from '../components/ActionOutcome';
import { useAction, useLoad } from '../hooks';
import { href, route, useRoute } from '../router';
import { DeploymentChooser } from '../components/audit/DeploymentChooser';
import { FindingCard } from '../components/audit/FindingCard';
import { SEVERITIES, SeverityBadge } from '../components/audit/SeverityBadge';
import { Loading, onDemand } from '../components/OnDemand';
import { formatWhen } from '../format-date';

/** The fix preview and its diff viewer load only when a fix is previewed (fetched as soon as the page shows). */
const fixPreview = onDemand(
  () => import('../components/audit/FixPreviewPanel'),
  'FixPreviewPanel',
  () => <Loading what="the preview" />,
);
const FixPreviewPanel = fixPreview.Component;

/** `#/audit/<deployment id>`: the security audit of one deployment, its fixes and the report. */
export function AuditPage() {
  const path = useRoute();
  const id = decodeURIComponent(path.split('/')[2] ?? '');
  return id === '' ? (
    <DeploymentChooser title="Security audit" to={(d) => route.audit(d)} />
  ) : (
    <DeploymentAudit deploymentId={id} />
  );
}

function DeploymentAudit({ deploymentId }: { deploymentId: string }) {
  // Fetched while the admin reads the findings, so "Preview fix" shows the diff without waiting.
  useEffect(() => {
    fixPreview.preload();
  }, []);
  const [loaded, reload] = useLoad(async () => {
    const api = getApi();
    const [deployment, audit] = await Promise.all([
      api.deployments.get({ id: deploymentId }),
      api.audit.run({ deploymentId }),
    ]);
    return { deployment, audit };
  }, deploymentId);
  const [fresh, setFresh] = useState<AuditResultView | null>(null);
  const [preview, setPreview] = useState<FixPreview | null>(null);
  // One action at a time; its error shows in the preview while one is open, else where the status goes.
  const { busy, error, run, clearError } = useAction(deploymentId);
  const [status, setStatus] = useState('');

  if (loaded.state === 'loading') return <p role="status">Auditing…</p>;
  if (loaded.state === 'error')
    return (
      <section>
        <h1>Security audit</h1>
        <p role="alert" className="panel panel-error">
          {loaded.message}
        </p>
      </section>
    );
  const { deployment } = loaded.value;
  const audit = fresh && fresh.deploymentId === deploymentId ? fresh : loaded.value.audit;

  const openPreview = (fixId: string) =>
    run(async () => {
      setStatus('');
      setPreview(await getApi().audit.previewFix({ deploymentId, fixId }));
    });

  const apply = (open: FixPreview) =>
    run(async () => {
      const r = await getApi().audit.applyFix({ deploymentId, fixId: open.fixId, token: open.token });
      setFresh(r.audit);
      setPreview(null);
      setStatus(
        `Applied: ${open.title}. ${r.file} was written${r.backupKept ? ' (the previous version is kept beside it)' : ''}; the audit ran again.`,
      );
    });

  const rerun = () =>
    run(async () => {
      setStatus('');
      setFresh(await getApi().audit.run({ deploymentId }));
      setStatus('The audit ran again.');
    });

  const exportReport = (format: 'markdown' | 'html') =>
    run(async () => {
      setStatus('');
      const r = await getApi().audit.exportReport({ deploymentId, format });
      setStatus(r.saved ? `Report saved as ${r.fileName ?? ''}.` : 'Not exported: no file was chosen.');
    });

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Security audit: {deployment.name}</h1>
      <p className="muted">
        {deployment.environment} · {deployment.folder} · audited {formatWhen(audit.checkedAt)} · files{' '}
        {audit.files.join(', ')}
      </p>
      <div className="button-row">
        <button type="button" onClick={() => void rerun()} disabled={busy} data-testid="rerun-audit">
          Run the audit again
        </button>
        <button type="button" onClick={() => void exportReport('markdown')}>
          Export report (Markdown)
        </button>
        <button type="button" onClick={() => void exportReport('html')}>
          Export report (printable HTML)
        </button>
        <a className="button" href={href(route.checklist(deploymentId))}>
          Security checklist
        </a>
        <button type="button" onClick={reload} disabled={busy}>
          Reload
        </button>
      </div>
      <ActionOutcome
        done={status === '' ? null : status}
        error={preview === null ? error : null}
        testId="audit-status"
      />
      <ul className="severity-counts" aria-label="Findings by severity" data-testid="severity-counts">
        {SEVERITIES.map((s) => (
          <li key={s}>
            <SeverityBadge severity={s} /> <span data-testid={`count-${s}`}>{audit.counts[s]}</span>
          </li>
        ))}
      </ul>
      {preview && (
        <FixPreviewPanel
          preview={preview}
          composeFiles={deployment.composeFiles}
          busy={busy}
          error={error}
          onApply={() => void apply(preview)}
          onCancel={() => {
            setPreview(null);
            clearError();
          }}
        />
      )}
      {audit.findings.length === 0 && (
        <p className="panel" data-testid="no-findings">
          No findings: nothing needs fixing now. Keep the ongoing items of the{' '}
          <a href={href(route.checklist(deploymentId))}>security checklist</a> up to date, and run the audit again after
          changing the deployment.
        </p>
      )}
      {SEVERITIES.map((s) => {
        const list = audit.findings.filter((f) => f.severity === s);
        if (list.length === 0) return null;
        return (
          <section key={s} className="panel" aria-labelledby={`sev-${s}`}>
            <h2 id={`sev-${s}`}>
              {s[0]?.toUpperCase()}
              {s.slice(1)} ({list.reduce((n, f) => n + (f.more ?? 1), 0)})
            </h2>
            {list.map((f, i) => (
              <FindingCard
                key={`${f.code}-${String(i)}`}
                finding={f}
                busy={busy}
                onPreviewFix={(fixId) => void openPreview(fixId)}
              />
            ))}
          </section>
        );
      })}
    </section>
  );
}
