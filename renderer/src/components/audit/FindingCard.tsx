import type { Finding } from '../../../../electron/common/model/finding';
import { SeverityBadge } from './SeverityBadge';
import { Cited } from '../Cited';
import { CodeText } from '../CodeText';

/** One finding: what, where, the evidence (never a value), how to fix, and the fix button when the app can. */
export function FindingCard({
  finding,
  onPreviewFix,
  busy,
}: {
  finding: Finding;
  onPreviewFix?: (fixId: string) => void;
  busy?: boolean;
}) {
  const where = [
    finding.service ? `service ${finding.service}` : '',
    finding.file ? `${finding.file}${finding.line ? `:${String(finding.line)}` : ''}` : '',
  ]
    .filter((s) => s !== '')
    .join(' · ');
  return (
    <article
      className={`finding finding-${finding.severity}`}
      data-testid="finding"
      data-code={finding.code}
      aria-label={finding.title}
    >
      <header className="finding-head">
        <SeverityBadge severity={finding.severity} /> <h3>{finding.title}</h3>
      </header>
      {where && <p className="muted">{where}</p>}
      {finding.blocksStart === true && (
        <p data-testid="finding-blocks-start">
          <strong>Crucible will not start</strong> with this value.
        </p>
      )}
      <p>
        <Cited text={finding.message} />
      </p>
      {finding.evidence && (
        <p className="muted">
          <strong>Evidence:</strong> <CodeText text={finding.evidence} />
        </p>
      )}
      <p>
        <strong>How to fix:</strong> <Cited text={finding.howToFix} />
      </p>
      {finding.fixId && onPreviewFix && (
        <button
          type="button"
          disabled={busy}
          onClick={() => onPreviewFix(finding.fixId ?? '')}
          aria-label={`Preview the fix for: ${finding.title}`}
        >
          {/* The visible words start the accessible name (WCAG 2.5.3, axe label-content-name-mismatch). */}
          Preview the fix
        </button>
      )}
      {/* The rule's code helps support and the CLI (`audit --json`); people read the title above. */}
      <details className="finding-details muted">
        <summary>Details</summary>
        Rule <code>{finding.code}</code>
      </details>
    </article>
  );
}
