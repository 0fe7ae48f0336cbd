/**
 * Finding severities and their order, without zod (issue 20: check-env and the audit's core rank findings
 * without loading it). The IPC schema `Severity` (model/finding.ts) is `z.enum(SEVERITIES)`.
 */
export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

/** The most severe finding's severity, or null when there is none. */
export function worstSeverity(findings: readonly { severity: Severity }[]): Severity | null {
  let worst: Severity | null = null;
  for (const f of findings) if (worst === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;
  return worst;
}
