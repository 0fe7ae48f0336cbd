import type { Environment } from '../../common/model/deployment';
import type { Finding, Severity } from '../../common/model/finding';
import { SEVERITY_RANK } from '../../common/model/severity';
import type { EnvDoc, EnvEntry, EnvProblem } from '../envfile/types';
import type { Rule, StackProfile, Variable } from '../stack/profile';
import { rulesFor } from '../stack/profile-lookup';
import { fails, isPydanticBool, pydanticInt } from './checks';
import { fixIds } from '../audit/fix-ids';
import { hashableLoginPassword, singleQuoteLiteral } from '../audit/env-fix-rules';

export { parseCorsOrigins } from './checks';

/**
 * Checks a parsed `.env` against a stack profile for one environment. Findings name variables, lines,
 * lengths and rules, never a value (ARCHITECTURE.md §3): every message is built from the profile's text
 * and the key names.
 */

export interface CheckEnvOptions {
  profile: StackProfile;
  environment: Environment;
  /** File name shown in findings (e.g. `.env`). */
  file?: string;
  /**
   * Variables the deployment's compose files require with `${VAR:?…}`/`${VAR?…}` (read by
   * compose/required-variables.ts, which loads the YAML library): compose refuses to start when one is missing (or empty, for `:?`).
   */
  composeRequired?: ReadonlyArray<{ name: string; emptyRefused: boolean }>;
}

/** A finding's title per rule code, in words (test/unit/core/validation checks every profile rule has one). */
export const TITLES: Readonly<Record<string, (name: string) => string>> = {
  ENV_MISSING_REQUIRED: (n) => `${n} is missing or empty`,
  ENV_WEAK_VALUE: (n) => `${n} is a known weak value`,
  ENV_TOO_SHORT: (n) => `${n} is too short`,
  ENV_ADMIN_PASSWORD: () => 'The login password is "admin"',
  ENV_PLAINTEXT_PASSWORD: () => 'The login password is stored in plain text',
  ENV_PASSWORD_TOO_LONG: () => 'The login password is longer than 72 bytes',
  ENV_DEFAULT_VALUE: (n) => `${n} is the public default value`,
  ENV_UNSAFE_CHARSET: (n) => `${n} contains unsafe characters`,
  ENV_INSECURE_URL: (n) => `${n} is not a public https:// URL`,
  ENV_HTTP_REWRITTEN: (n) => `${n} uses plain http://`,
  ENV_INSECURE_ORIGIN: (n) => `${n} allows insecure or stock origins`,
  ENV_NO_EFFECT: (n) => `${n} has no effect`,
  ENV_DISCOURAGED: (n) => `${n} is set`,
  ENV_AUTH_DISABLED: () => 'Authentication is switched off',
  ENV_MODE_MISMATCH: () => 'ROUNDTABLE_ENVIRONMENT does not say production',
  ENV_INVALID_VALUE: (n) => `${n} has an invalid value`,
  ENV_LOW_ENTROPY: (n) => `${n} is a weak, guessable value`,
  ENV_LIMIT_NOT_POSITIVE: (n) => `${n} is zero or negative`,
};

/** Said first in every finding the app reports although Crucible would start (issue 23: advice, not a start failure). */
export const ADVICE_PREFIX = 'Crucible would start, but';

/** A rule blocks the start unless it says otherwise when it is the service's own error (profile.ts `Rule.blocksStart`). */
function ruleBlocksStart(rule: Rule): boolean {
  return rule.blocksStart ?? (rule.source === 'service' && (rule.severity === 'error' || rule.severity === 'critical'));
}

function advice(text: string): string {
  return `${ADVICE_PREFIX} the app is stricter here: ${text}`;
}

const PROBLEM_TITLES: Record<EnvProblem['code'], string> = {
  ENV_TOO_LARGE: 'The file is too large to be a .env file',
  ENV_NOT_UTF8: 'The file is not valid UTF-8',
  ENV_BINARY: 'The file contains binary data',
  ENV_UNTERMINATED_QUOTE: 'A quoted value is never closed',
  ENV_INVALID_KEY: 'Invalid variable name',
  ENV_INVALID_TEMPLATE: 'Invalid ${…} in a value',
  ENV_REQUIRED_VARIABLE_UNSET: 'A required ${…:?} variable is not set',
  ENV_BOM: 'The file starts with a byte-order mark',
  ENV_CRLF: 'Windows line endings',
  ENV_COMPOSE_ONLY_SYNTAX: 'A "KEY: value" line python-dotenv cannot read',
  ENV_PYTHON_DIFFERS: 'python-dotenv reads this differently from compose',
  ENV_PYTHON_PARSE_ERROR: 'python-dotenv cannot parse a line',
  ENV_INTERPOLATED: 'A value is interpolated by compose',
  ENV_UNSET_REFERENCE: 'A "$" in a value is eaten by compose',
};

const PROBLEM_FIX: Record<EnvProblem['code'], string> = {
  ENV_TOO_LARGE: "Point the app at the deployment's real .env file.",
  ENV_NOT_UTF8: 'Save the file as UTF-8 (without a byte-order mark).',
  ENV_BINARY: "Point the app at the deployment's real .env file, or restore it from a backup.",
  ENV_UNTERMINATED_QUOTE: "Close the quote on that line, or single-quote the value with no ' inside.",
  ENV_INVALID_KEY: 'Rename the variable with letters, digits and _ only, or comment the line out with #.',
  ENV_INVALID_TEMPLATE: 'Single-quote the value so compose takes it literally.',
  ENV_REQUIRED_VARIABLE_UNSET: 'Set the referenced variable, or single-quote the value.',
  ENV_BOM: 'Save the file as UTF-8 without a byte-order mark (the app removes it when it rewrites the file).',
  ENV_CRLF: 'Convert the file to LF line endings if you use multi-line values.',
  ENV_COMPOSE_ONLY_SYNTAX: "Write the line as KEY='value'.",
  ENV_PYTHON_DIFFERS: "Single-quote the value; avoid \\, ', ${ and leading or trailing spaces in values.",
  ENV_PYTHON_PARSE_ERROR: "Write the line as KEY='value'.",
  ENV_INTERPOLATED: 'If the "$" is meant literally, single-quote the value.',
  ENV_UNSET_REFERENCE:
    'Single-quote the value so compose takes it literally (bcrypt hashes must always be single-quoted).',
};

function problemSeverity(p: EnvProblem, sensitive: boolean): Severity {
  if (p.fatal) return 'error';
  switch (p.code) {
    case 'ENV_UNSET_REFERENCE':
      return sensitive ? 'error' : 'warning';
    case 'ENV_CRLF':
    case 'ENV_INTERPOLATED':
      return 'info';
    default:
      return 'warning';
  }
}

function ruleFinding(
  rule: Rule,
  variable: Variable,
  entry: EnvEntry | undefined,
  file: string | undefined,
  evidence: string | undefined,
): Finding {
  // A rule a future profile adds without a title still reads as words, not as its code.
  const title = (TITLES[rule.code] ?? ((n: string) => `${n} does not meet a rule for it`))(variable.name);
  const src =
    rule.source === 'service'
      ? 'Crucible itself'
      : rule.source === 'guide'
        ? 'the Crucible security guide'
        : 'Crucible Secrets';
  const blocksStart = ruleBlocksStart(rule);
  const text = `${rule.why} (Rule from ${src}.)`;
  return {
    code: rule.code,
    severity: rule.severity,
    title,
    message: blocksStart || rule.source === 'service' || rule.severity === 'info' ? text : advice(text),
    blocksStart,
    howToFix: rule.howToFix,
    variable: variable.name,
    ...(file !== undefined ? { file } : {}),
    ...(entry ? { line: entry.line } : {}),
    ...(evidence !== undefined ? { evidence } : {}),
    ...(rule.code === 'ENV_PLAINTEXT_PASSWORD' && entry !== undefined && hashableLoginPassword(entry)
      ? { fixId: fixIds.hashLoginPassword(variable.name) }
      : {}),
  };
}

/** The single-quote fix for a `$` compose eats, offered only where it keeps the written text exactly. */
function singleQuoteFix(doc: EnvDoc, p: EnvProblem): { fixId?: string } {
  if ((p.code !== 'ENV_UNSET_REFERENCE' && p.code !== 'ENV_INVALID_TEMPLATE') || p.key === undefined) return {};
  const entry = doc.entries.filter((e) => e.key === p.key).at(-1);
  return entry !== undefined && entry.line === p.line && singleQuoteLiteral(entry) !== null
    ? { fixId: fixIds.singleQuote(p.key) }
    : {};
}

/**
 * Checks `doc` against `options.profile` for `options.environment` and returns findings, most severe first.
 * Never includes a value: not in messages, evidence or titles.
 */
export function checkEnv(doc: EnvDoc, options: CheckEnvOptions): Finding[] {
  const { profile, environment, file } = options;
  const findings: Finding[] = [];
  const byName = new Map(profile.variables.map((v) => [v.name, v]));
  const at = (line: number) => ({ ...(file !== undefined ? { file } : {}), line });

  for (const p of doc.problems) {
    const variable = p.key !== undefined ? byName.get(p.key) : undefined;
    const severity = problemSeverity(p, variable?.sensitive ?? false);
    findings.push({
      code: p.code,
      severity,
      title: PROBLEM_TITLES[p.code],
      // A non-fatal problem changes a value; Crucible starts with what is left, so an error here is advice.
      message: severity === 'error' && !p.fatal ? advice(p.message) : p.message,
      howToFix: PROBLEM_FIX[p.code],
      // A file compose refuses stops everything; the other problems change values, which the rules judge.
      blocksStart: p.fatal,
      ...(p.key !== undefined ? { variable: p.key } : {}),
      ...at(p.line),
      ...singleQuoteFix(doc, p),
    });
  }
  // A file compose cannot read at all has nothing more to say.
  if (doc.problems.some((p) => p.code === 'ENV_TOO_LARGE' || p.code === 'ENV_BINARY')) return sortFindings(findings);

  const last = new Map<string, EnvEntry>();
  const lines = new Map<string, number[]>();
  for (const e of doc.entries) {
    if (e.separator === 'bare' && e.unsetReferences.length > 0) continue; // compose drops a bare KEY that the environment does not have
    last.set(e.key, e);
    lines.set(e.key, [...(lines.get(e.key) ?? []), e.line]);
  }
  for (const [key, ls] of lines) {
    if (ls.length > 1) {
      findings.push({
        code: 'ENV_DUPLICATE_KEY',
        severity: 'warning',
        title: `${key} is set ${ls.length} times`,
        message: `${key} appears on lines ${ls.join(', ')}. Compose and python-dotenv use the last one; an edit of the first one silently does nothing.`,
        howToFix: `Keep one ${key} line and delete the others.`,
        variable: key,
        ...at(ls[ls.length - 1] ?? 1),
        evidence: `lines ${ls.join(', ')}`,
      });
    }
    if (!byName.has(key)) {
      findings.push({
        code: 'ENV_UNKNOWN_KEY',
        severity: 'info',
        title: `${key} is not a variable of ${profile.name}`,
        message: `${key} is not read by any ${profile.name} service the app knows of (a typo, or a setting of another tool).`,
        howToFix: `Check the spelling, or remove ${key} if nothing uses it.`,
        variable: key,
        ...at(lines.get(key)?.[0] ?? 1),
      });
    }
  }

  for (const variable of profile.variables) {
    const entry = last.get(variable.name);
    const value = entry?.value;
    for (const rule of rulesFor(variable, environment)) {
      if (rule.check.type === 'required') {
        const r = fails(rule.check, value ?? '');
        if (r.failed) findings.push(ruleFinding(rule, variable, entry, file, undefined));
        continue;
      }
      if (rule.check.type === 'boolean' || rule.check.type === 'integer') {
        // Typed settings: pydantic refuses an empty string too. The value is the one the api reads.
        const typed = entry ? apiValue(variable, entry) : undefined;
        if (typed === undefined) continue;
        const r = fails(rule.check, typed);
        if (r.failed) findings.push(ruleFinding(rule, variable, entry, file, r.evidence));
        continue;
      }
      if (value === undefined) continue;
      if (rule.check.type !== 'noEffect' && value === '') continue;
      const r = fails(rule.check, value);
      if (r.failed) findings.push(ruleFinding(rule, variable, entry, file, r.evidence));
    }
  }
  findings.push(...settingTypeFindings(profile, last, byName, file));
  for (const { name, emptyRefused } of options.composeRequired ?? []) {
    const entry = last.get(name);
    if (entry !== undefined && (entry.value !== '' || !emptyRefused)) continue;
    findings.push({
      code: 'ENV_MISSING_REQUIRED',
      severity: 'error',
      title: TITLES.ENV_MISSING_REQUIRED?.(name) ?? name,
      message: `The deployment's compose files require ${name} (\${${name}:?…}); docker compose refuses to start any service while it is missing or empty.`,
      howToFix: `Set ${name} in the .env file.`,
      blocksStart: true,
      variable: name,
      ...(entry ? at(entry.line) : file !== undefined ? { file } : {}),
    });
  }

  // One value used by two sensitive variables: a leak of one is a leak of both.
  const owners = new Map<string, string[]>();
  for (const variable of profile.variables) {
    const v = last.get(variable.name)?.value;
    if (!variable.sensitive || v === undefined || v.length < 8) continue;
    owners.set(v, [...(owners.get(v) ?? []), variable.name]);
  }
  for (const names of owners.values()) {
    if (names.length < 2) continue;
    const first = last.get(names[0] ?? '');
    findings.push({
      code: 'ENV_VALUE_REUSED',
      severity: 'error',
      title: `${names.join(' and ')} share one value`,
      message: advice(
        `${names.join(', ')} hold the same value: anyone who learns one (e.g. the Redis password from a log) has the others.`,
      ),
      blocksStart: false,
      howToFix: `Generate a separate value for each (rotate all but one with its playbook).`,
      variable: names[0],
      ...(first ? at(first.line) : {}),
      evidence: `${names.length} variables, one value`,
    });
  }
  return sortFindings(dedupe(findings));
}

/**
 * The value of `entry` the api reads: compose's for variables compose interpolates into `environment:`,
 * python-dotenv's (the dev api's `/app/.env` through `load_dotenv` and `env_file`) for the others.
 * Undefined when the api does not get the key at all (python-dotenv reads a bare `KEY` as unset).
 */
function apiValue(variable: Variable | undefined, entry: EnvEntry): string | undefined {
  if (variable?.effect === 'compose-interpolated') return entry.value;
  if (entry.pythonValue === undefined) return entry.separator === 'bare' ? undefined : entry.value;
  return entry.pythonValue ?? undefined;
}

/**
 * Type errors of the service's typed settings (profile `settingTypes`), for every key in the file, known
 * to the profile or not: pydantic-settings matches names case-insensitively and refuses the whole model.
 */
function settingTypeFindings(
  profile: StackProfile,
  last: ReadonlyMap<string, EnvEntry>,
  byName: ReadonlyMap<string, Variable>,
  file: string | undefined,
): Finding[] {
  const types = profile.settingTypes;
  if (!types) return [];
  const out: Finding[] = [];
  for (const [key, entry] of last) {
    const type = types[key.toUpperCase()];
    if (type === undefined) continue;
    const value = apiValue(byName.get(key), entry);
    if (value === undefined || (type === 'bool' ? isPydanticBool(value) : pydanticInt(value) !== null)) continue;
    out.push({
      code: 'ENV_INVALID_VALUE',
      severity: 'error',
      title: `${key} has an invalid value`,
      message: `Crucible's settings (service/app/core/config.py) declare ${key} as ${type === 'bool' ? 'a boolean' : 'an integer'}; pydantic refuses this value (${type}_parsing), so the api stops at start.`,
      howToFix:
        type === 'bool'
          ? `Set ${key} to true or false (pydantic accepts exactly 0/1, true/false, yes/no, on/off, t/f, y/n, in any case, without spaces), or remove it.`
          : `Set ${key} to a whole number in digits, or remove it to use the default.`,
      blocksStart: true,
      variable: key,
      ...(file !== undefined ? { file } : {}),
      line: entry.line,
      evidence: type === 'bool' ? 'not a boolean pydantic accepts' : 'not an integer pydantic accepts',
    });
  }
  return out;
}

/** Same code for the same variable twice (a service rule and a stricter guide rule): keep the more severe. */
function dedupe(findings: Finding[]): Finding[] {
  const out = new Map<string, Finding>();
  const rest: Finding[] = [];
  for (const f of findings) {
    if (f.variable === undefined || !f.code.startsWith('ENV_') || f.code === 'ENV_PYTHON_DIFFERS') {
      rest.push(f);
      continue;
    }
    const k = `${f.code}\u0000${f.variable}`;
    const prev = out.get(k);
    if (!prev || SEVERITY_RANK[f.severity] > SEVERITY_RANK[prev.severity]) out.set(k, f);
  }
  return [...rest, ...out.values()];
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.line ?? 0) - (b.line ?? 0),
  );
}

/** The exit code convention of check-env: 0 clean (info only), 1 warnings, 2 errors. */
export function exitCodeFor(findings: readonly Finding[]): 0 | 1 | 2 {
  if (findings.some((f) => f.severity === 'error' || f.severity === 'critical')) return 2;
  if (findings.some((f) => f.severity === 'warning')) return 1;
  return 0;
}

/** The environment a `.env` declares for itself: `production` when ROUNDTABLE_ENVIRONMENT says so, else development. */
export function environmentOf(doc: EnvDoc): Environment {
  let mode: string | undefined;
  for (const e of doc.entries) if (e.key === 'ROUNDTABLE_ENVIRONMENT') mode = e.value;
  if (mode === 'production') return 'production';
  if (mode === 'staging') return 'staging';
  return 'development';
}
