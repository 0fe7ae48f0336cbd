import type { Severity } from '../../../../electron/common/model/finding';

const CLASS: Record<Severity, string> = {
  critical: 'badge badge-critical',
  error: 'badge badge-error',
  warning: 'badge badge-warn',
  info: 'badge badge-info',
};

/** A severity as a badge; the text says it (colour is never the only cue). */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={CLASS[severity]}>{severity}</span>;
}

export const SEVERITIES: Severity[] = ['critical', 'error', 'warning', 'info'];
