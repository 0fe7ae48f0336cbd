import type { Finding } from './finding';
import { SEVERITY_RANK, type Severity } from './severity';

/**
 * At most {@link MAX_FINDINGS_PER_CODE} findings of one kind leave core (issue 19): a 2 MB `.env` with
 * 200,000 unknown keys gave 86 MB of `--json` and froze the findings list. The rest of each kind is folded
 * into one summary finding with the same code, the worst severity among them and `more` set to how many
 * were left out, so that exit codes, severity counts and the UI, the text output and the JSON all say the
 * same thing: "N more".
 */
export const MAX_FINDINGS_PER_CODE = 25;

export interface CappedFindings {
  findings: Finding[];
  /** Findings left out, per code (empty when nothing was capped). */
  omitted: Record<string, number>;
}

/**
 * Caps findings per code, keeping the order of those kept; each summary follows the last kept finding of
 * its code. Pure; the input is not changed.
 */
export function capFindings(findings: readonly Finding[], max: number = MAX_FINDINGS_PER_CODE): CappedFindings {
  const kept = new Map<string, number>();
  const left = new Map<string, Finding[]>();
  const out: Finding[] = [];
  const lastIndex = new Map<string, number>();
  for (const f of findings) {
    const n = kept.get(f.code) ?? 0;
    if (n < max) {
      kept.set(f.code, n + 1);
      out.push(f);
      lastIndex.set(f.code, out.length - 1);
    } else {
      const l = left.get(f.code);
      if (l) l.push(f);
      else left.set(f.code, [f]);
    }
  }
  if (left.size === 0) return { findings: out, omitted: {} };
  const omitted: Record<string, number> = {};
  // Insert summaries back to front so earlier insertion points stay valid.
  const inserts = [...left.entries()].map(([code, rest]) => ({
    at: (lastIndex.get(code) ?? out.length - 1) + 1,
    summary: summaryOf(code, rest),
  }));
  inserts.sort((a, b) => b.at - a.at);
  for (const { at, summary } of inserts) out.splice(at, 0, summary);
  for (const [code, rest] of left) omitted[code] = rest.length;
  return { findings: out, omitted };
}

function summaryOf(code: string, rest: readonly Finding[]): Finding {
  let worst: Severity = 'info';
  for (const f of rest) if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;
  const first = rest[0];
  const n = rest.length;
  return {
    code,
    severity: worst,
    title: `${n.toLocaleString('en')} more: ${first?.title ?? code}`,
    message: `${n.toLocaleString('en')} more finding${n === 1 ? '' : 's'} of this kind (${code}) are not listed one by one. Fix the ones shown, then check again to see the rest.`,
    howToFix: first?.howToFix ?? 'Fix the findings shown, then check again.',
    more: n,
  };
}
