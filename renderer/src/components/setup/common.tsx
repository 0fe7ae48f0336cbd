import type { ReactNode } from 'react';
import type { StepIssue } from '../../../../electron/common/ipc/setup.ipc';

/** The issues main reported for a step; errors block the step, warnings do not. */
export function Issues({ id, issues }: { id: string; issues: readonly StepIssue[] }) {
  if (issues.length === 0) return null;
  const errors = issues.some((i) => i.severity === 'error');
  return (
    <div id={id} role={errors ? 'alert' : 'status'} className={`panel ${errors ? 'panel-error' : 'panel-warn'}`}>
      <ul className="issue-list">
        {issues.map((i, n) => (
          <li key={n}>
            <span className={`badge badge-${i.severity === 'error' ? 'error' : 'warn'}`}>{i.severity}</span> {i.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A unified diff, each line marked as added, removed or context (colour is not the only cue: the +/- stay). */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  const lines = diff.replace(/\n$/, '').split('\n');
  return (
    <pre className="setup-diff" aria-label={label} tabIndex={0}>
      {lines.map((l, i) => {
        const kind =
          l.startsWith('+++') || l.startsWith('---')
            ? 'file'
            : l.startsWith('@@')
              ? 'hunk'
              : l.startsWith('+')
                ? 'add'
                : l.startsWith('-')
                  ? 'del'
                  : 'ctx';
        return (
          <span key={i} className={`sd-${kind}`}>
            {l}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}

/** The buttons under every step. */
export function StepActions({
  onBack,
  busy,
  nextLabel = 'Next',
  children,
}: {
  onBack?: () => void;
  busy?: boolean;
  nextLabel?: string;
  children?: ReactNode;
}) {
  return (
    <div className="step-actions">
      {onBack && (
        <button type="button" onClick={onBack} disabled={busy}>
          Back
        </button>
      )}
      {children}
      <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
        {busy ? 'Working…' : nextLabel}
      </button>
    </div>
  );
}
