import { Finding } from '../../common/model/finding';
import { SEVERITY_RANK, type Severity } from '../../common/model/severity';
import type { AuditContext, AuditResult, AuditRule } from './types';
import { auditRules } from './rules';
import { noEnvValidation, type EnvValidator } from './env-adapter';
import { supersededByCompose } from './rules/service-env';
import { capFindings } from '../../common/model/cap-findings';

export interface RunAuditOptions {
  rules?: readonly AuditRule[];
  /** check-env (issue 3's validation) run on the `.env` text for the deployment's environment. */
  validateEnv?: EnvValidator;
  clock?: () => Date;
}

/**
 * Runs every rule over one context and returns the findings, worst first. A rule that throws is reported
 * as an AUDIT_RULE_FAILED finding instead of failing the whole audit. Every finding is validated against
 * the shared Finding schema and checked against the `.env` values so that no secret value can leave here.
 */
export function runAudit(ctx: AuditContext, options: RunAuditOptions = {}): AuditResult {
  const started = performance.now();
  const clock = options.clock ?? (() => new Date());
  const findings: Finding[] = [];
  for (const rule of options.rules ?? auditRules) {
    try {
      findings.push(...rule.run(ctx));
    } catch {
      findings.push({
        code: 'AUDIT_RULE_FAILED',
        severity: 'warning',
        title: `The check ${rule.code} could not run`,
        message: 'An internal error stopped this check; the other checks ran.',
        howToFix: 'Report this problem; run the audit again after updating the app.',
        evidence: rule.code,
      });
    }
  }
  if (ctx.env.exists && ctx.env.text !== null) {
    try {
      const composeRequired = (ctx.compose?.problems ?? []).flatMap((p) =>
        p.code === 'COMPOSE_REQUIRED_VARIABLE_MISSING' && p.variable !== undefined
          ? [{ name: p.variable, emptyRefused: true }]
          : [],
      );
      const ruleFindings = [...findings];
      findings.push(
        ...(options.validateEnv ?? noEnvValidation)(ctx.env.text, ctx.target.environment, composeRequired)
          .filter((f) => !supersededByCompose(ctx, ruleFindings, f))
          .map((f) => ({ ...f, file: f.file ?? '.env' })),
      );
    } catch {
      findings.push({
        code: 'AUDIT_RULE_FAILED',
        severity: 'warning',
        title: 'check-env could not run',
        message: 'The .env validation stopped with an internal error; the other checks ran.',
        howToFix: 'Run crucible-secrets check-env on the file to see the problem.',
        evidence: 'check-env',
      });
    }
  }
  const secretValues = secretValuesOf(ctx);
  // Counted over every finding, then capped per code ("N more") before the costly schema check and scrub.
  const counts: Record<Severity, number> = { critical: 0, error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const ordered = [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const safe = capFindings(ordered).findings.map((f) => scrub(Finding.parse(f), secretValues));
  return {
    deploymentId: ctx.target.id,
    checkedAt: clock().toISOString(),
    files: ['.env', ...(ctx.compose?.files ?? [])],
    findings: safe,
    counts,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  };
}

/** The `.env` values to withhold, computed once per run (per finding it made large files quadratic). */
function secretValuesOf(ctx: AuditContext): string[] {
  return [...ctx.env.values.entries()]
    .filter(([k, v]) => v.length >= 8 && ctx.secretVariables.has(k))
    .map(([, v]) => v);
}

/**
 * Last line of defence: a finding whose text contains any secret value of the `.env` (8+ characters, to
 * avoid matching words like "true") has that text replaced. Rules are written never to quote values; this
 * catches a rule that gets it wrong.
 */
function scrub(f: Finding, values: readonly string[]): Finding {
  if (values.length === 0) return f;
  const clean = (s: string | undefined) =>
    s === undefined ? s : values.some((v) => s.includes(v)) ? '[withheld: contained a secret value]' : s;
  return {
    ...f,
    title: clean(f.title) ?? '',
    message: clean(f.message) ?? '',
    howToFix: clean(f.howToFix) ?? '',
    evidence: clean(f.evidence),
  };
}
