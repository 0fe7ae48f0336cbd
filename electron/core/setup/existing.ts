import type { Environment } from '../../common/model/deployment';
import type { Finding } from '../../common/model/finding';
import type { ExistingVariable, ExistingView, ImportDecision } from '../../common/ipc/setup.ipc';
import type { StackProfile, Variable } from '../stack/profile';
import type { CheckEnv, EnvEngine, EnvReadResult } from './ports';

/**
 * Step 2 of the wizard: an existing `.env`. Its values can be taken over into the keychain instead of being
 * regenerated, because regenerating is not free: a new API_KEY_ENCRYPTION_KEY orphans every provider key
 * users stored, a new POSTGRES_PASSWORD is ignored by an initialised database volume (crucible-facts.md
 * §5.7, §7.1, troubleshooting #26). The admin decides per variable; a value Crucible would refuse, or that
 * cannot be written safely, must be regenerated.
 */

/** The generated secrets the wizard can import or regenerate (the login password has its own step). */
export function importableVariables(profile: StackProfile): Variable[] {
  return profile.variables.filter((v) => v.generator.type === 'random');
}

/** What regenerating a variable costs on a deployment that already ran, in plain words. */
export function regenerateConsequence(v: Variable): { text: string; severity: ExistingVariable['severity'] } {
  switch (v.rotation.playbook) {
    case 'encryption-key-reencrypt':
      return {
        severity: 'high',
        text: 'Every provider API key users stored in Crucible becomes unreadable (orphaned): nothing re-encrypts them with a new key. Keep the current key unless it was exposed; rotate it later with the re-encryption playbook.',
      };
    case 'postgres-password':
      return {
        severity: 'high',
        text: 'An existing database volume keeps the old password, so the api can no longer connect until the role password is changed inside PostgreSQL (ALTER ROLE; the rotation playbook does it). Harmless before the first start.',
      };
    case 'not-rotatable':
      return {
        severity: 'high',
        text: 'The database volume keeps the user it was first started with; a new name makes the api fail to connect. Only regenerate before the first start.',
      };
    case 'redis-password':
      return {
        severity: 'low',
        text: 'Everyone is logged out and queued work in Redis is lost when the services are recreated (Redis keeps no data on disk).',
      };
    default:
      return { severity: 'none', text: v.rotation.usersLose };
  }
}

/** Findings of the existing file that concern one variable, by code (never values). */
function findingsFor(findings: readonly Finding[], name: string): Finding[] {
  return findings.filter((f) => f.variable === name);
}

export interface ExistingAnalysis {
  read: EnvReadResult;
  findings: Finding[];
}

/** Parses and checks the existing `.env` for `environment` (production when not chosen yet: the strictest). */
export function analyseExisting(
  text: string,
  environment: Environment | null,
  env: EnvEngine,
  checkEnv: CheckEnv,
): ExistingAnalysis {
  const read = env.read(text);
  return { read, findings: checkEnv(text, environment ?? 'production') };
}

/**
 * The per-variable view with the current decisions (defaults: keep what Crucible accepts).
 * `decisions` holds the admin's choices so far; an impossible "import" is turned into "regenerate".
 */
export function existingView(
  profile: StackProfile,
  analysis: ExistingAnalysis | null,
  decisions: Map<string, ImportDecision>,
  env: EnvEngine,
): ExistingView {
  if (!analysis) return { present: false, problems: [], findings: [], variables: [], untouched: [] };
  const managed = new Set(profile.variables.filter((v) => v.generator.type !== 'none').map((v) => v.name));
  const variables: ExistingVariable[] = [];
  for (const v of importableVariables(profile)) {
    const value = analysis.read.values.get(v.name);
    if (value === undefined || value.trim() === '') continue;
    const own = findingsFor(analysis.findings, v.name);
    const blocking = own.filter((f) => f.severity === 'error' || f.severity === 'critical');
    const unsafe = env.unsafeReason(value);
    let whyNotImport: string | undefined;
    if (unsafe) whyNotImport = `Its current value cannot be written back safely (${unsafe}).`;
    else if (blocking.length > 0) whyNotImport = blocking.map((f) => f.title).join('; ');
    const canImport = whyNotImport === undefined;
    const recommended: ImportDecision = canImport ? 'import' : 'regenerate';
    const chosen = decisions.get(v.name) ?? recommended;
    const { text, severity } = regenerateConsequence(v);
    variables.push({
      name: v.name,
      kind: v.kind,
      decision: canImport ? chosen : 'regenerate',
      recommended,
      canImport,
      whyNotImport,
      consequence: text,
      severity,
      findings: own.map((f) => f.code),
    });
  }
  return {
    present: true,
    problems: analysis.read.problems.map((p) => ({ line: p.line, message: p.message, fatal: p.fatal })),
    findings: analysis.findings,
    variables,
    untouched: analysis.read.keys.filter((k) => !managed.has(k)),
  };
}
