import type { Environment } from '../../common/model/deployment';
import type { Finding, Severity } from '../../common/model/finding';
import { SEVERITY_RANK } from '../../common/model/finding';
import type { EnvDoc, EnvEntry, EnvProblem } from '../envfile/types';
import { isBcryptHash } from '../hashing/bcrypt';
import { rulesFor, type Check, type Rule, type StackProfile, type Variable } from '../stack/profile';

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
}

const TITLES: Record<string, (name: string) => string> = {
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
};

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
  ENV_TOO_LARGE: 'Point the app at the deployment\'s real .env file.',
  ENV_NOT_UTF8: 'Save the file as UTF-8 (without a byte-order mark).',
  ENV_BINARY: 'Point the app at the deployment\'s real .env file, or restore it from a backup.',
  ENV_UNTERMINATED_QUOTE: 'Close the quote on that line, or single-quote the value with no \' inside.',
  ENV_INVALID_KEY: 'Rename the variable with letters, digits and _ only, or comment the line out with #.',
  ENV_INVALID_TEMPLATE: 'Single-quote the value so compose takes it literally.',
  ENV_REQUIRED_VARIABLE_UNSET: 'Set the referenced variable, or single-quote the value.',
  ENV_BOM: 'Save the file as UTF-8 without a byte-order mark (the app removes it when it rewrites the file).',
  ENV_CRLF: 'Convert the file to LF line endings if you use multi-line values.',
  ENV_COMPOSE_ONLY_SYNTAX: 'Write the line as KEY=\'value\'.',
  ENV_PYTHON_DIFFERS: 'Single-quote the value; avoid \\, \', ${ and leading or trailing spaces in values.',
  ENV_PYTHON_PARSE_ERROR: 'Write the line as KEY=\'value\'.',
  ENV_INTERPOLATED: 'If the "$" is meant literally, single-quote the value.',
  ENV_UNSET_REFERENCE: 'Single-quote the value so compose takes it literally (bcrypt hashes must always be single-quoted).',
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

const PYDANTIC_BOOL = new Set(['0', 'off', 'f', 'false', 'n', 'no', '1', 'on', 't', 'true', 'y', 'yes']);
const LOOPBACK = /^(localhost|.*\.localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i;

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/** `config.py::parse_cors_origins` (facts §9.2). */
export function parseCorsOrigins(raw: string): string[] {
  const s = raw.trim();
  if (s === '') return ['http://localhost:3000'];
  try {
    const parsed: unknown = JSON.parse(s);
    if (Array.isArray(parsed)) return parsed.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)).trim()).filter((x) => x !== '' && x !== 'null' && x !== 'false' && x !== '0');
  } catch {
    /* not JSON: fall through */
  }
  const inner = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  return inner
    .split(',')
    .map((o) => o.trim().replace(/^["']|["']$/g, ''))
    .filter((o) => o !== '')
    .map((o) => (o.startsWith('http://') || o.startsWith('https://') ? o : `https://${o}`));
}

/** True when `value` fails `check`. Only called with a present value (required: possibly empty). */
function fails(check: Check, value: string): { failed: boolean; evidence?: string } {
  switch (check.type) {
    case 'required':
      return { failed: check.blankIsMissing ? value.trim() === '' : value === '' };
    case 'minLength': {
      const n = Array.from(value).length; // Python's len() counts code points
      return { failed: n < check.min, evidence: `length ${n}, at least ${check.min} required` };
    }
    case 'denyList':
      return { failed: check.values.includes(check.caseInsensitive ? value.toLowerCase() : value), evidence: 'matches the service\'s list of weak/default values' };
    case 'notEqual':
      return { failed: check.caseSensitive ? value === check.value : value.toLowerCase() === check.value.toLowerCase() };
    case 'bcryptHash':
      return { failed: !isBcryptHash(value), evidence: 'not a 60-character $2a$/$2b$/$2y$ hash' };
    case 'plainMaxBytes': {
      const bytes = Buffer.byteLength(value, 'utf8');
      return { failed: !isBcryptHash(value) && bytes > check.max, evidence: `${bytes} bytes` };
    }
    case 'charset': {
      const bad = new RegExp(`[^${check.charClass}]`, 'u').test(value);
      return { failed: bad, evidence: `allowed: ${check.description}` };
    }
    case 'url': {
      if (check.serviceLocalhostPrefix && value.startsWith('http://localhost')) return { failed: true, evidence: 'starts with http://localhost' };
      if (check.httpsOnly && !value.startsWith('https://')) return { failed: true, evidence: 'not https://' };
      if (check.noLoopback) {
        const host = hostOf(value);
        if (host === null || LOOPBACK.test(host)) return { failed: true, evidence: host === null ? 'not a URL' : 'loopback host' };
      }
      return { failed: false };
    }
    case 'urlHttpNonLocal':
      return { failed: value.startsWith('http://') && !value.startsWith('http://localhost'), evidence: 'http:// to a non-localhost host' };
    case 'origins': {
      const list = parseCorsOrigins(value);
      if (check.notEmpty && list.length === 0) return { failed: true, evidence: 'no origins' };
      if (check.notExactly && list.length === check.notExactly.length && list.every((o, i) => o === check.notExactly?.[i])) return { failed: true, evidence: `exactly ${JSON.stringify(check.notExactly)}` };
      const insecure = list.filter((o) => (check.httpsOnly && !o.startsWith('https://')) || (check.noLoopback && LOOPBACK.test(hostOf(o) ?? 'localhost')));
      return { failed: insecure.length > 0, evidence: `${insecure.length} of ${list.length} origins are http:// or loopback` };
    }
    case 'oneOf':
      return { failed: !(check.caseSensitive ? check.values.includes(value) : check.values.includes(value.toLowerCase())) };
    case 'boolean':
      return { failed: !PYDANTIC_BOOL.has(value.trim().toLowerCase()) };
    case 'integer': {
      const t = value.trim();
      if (!/^[+-]?\d+$/.test(t)) return { failed: true, evidence: 'not an integer' };
      const n = Number(t);
      return { failed: (check.min !== undefined && n < check.min) || (check.max !== undefined && n > check.max), evidence: 'out of range' };
    }
    case 'noEffect':
      return { failed: true };
    case 'discouraged':
      return { failed: value !== '' };
  }
}

function ruleFinding(rule: Rule, variable: Variable, entry: EnvEntry | undefined, file: string | undefined, evidence: string | undefined): Finding {
  const title = (TITLES[rule.code] ?? ((n: string) => `${n}: ${rule.code}`))(variable.name);
  const src = rule.source === 'service' ? 'Crucible itself' : rule.source === 'guide' ? 'the Crucible security guide' : 'Crucible Secrets';
  return {
    code: rule.code,
    severity: rule.severity,
    title,
    message: `${rule.why} (Rule from ${src}.)`,
    howToFix: rule.howToFix,
    variable: variable.name,
    ...(file !== undefined ? { file } : {}),
    ...(entry ? { line: entry.line } : {}),
    ...(evidence !== undefined ? { evidence } : {}),
    ...(rule.code === 'ENV_PLAINTEXT_PASSWORD' ? { fixId: 'env.hash-login-password' } : {}),
  };
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
    findings.push({
      code: p.code,
      severity: problemSeverity(p, variable?.sensitive ?? false),
      title: PROBLEM_TITLES[p.code],
      message: p.message,
      howToFix: PROBLEM_FIX[p.code],
      ...(p.key !== undefined ? { variable: p.key } : {}),
      ...at(p.line),
      ...(p.code === 'ENV_UNSET_REFERENCE' || p.code === 'ENV_INVALID_TEMPLATE' ? { fixId: 'env.single-quote' } : {}),
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
      findings.push({ code: 'ENV_DUPLICATE_KEY', severity: 'warning', title: `${key} is set ${ls.length} times`, message: `${key} appears on lines ${ls.join(', ')}. Compose and python-dotenv use the last one; an edit of the first one silently does nothing.`, howToFix: `Keep one ${key} line and delete the others.`, variable: key, ...at(ls[ls.length - 1] ?? 1), evidence: `lines ${ls.join(', ')}` });
    }
    if (!byName.has(key)) {
      findings.push({ code: 'ENV_UNKNOWN_KEY', severity: 'info', title: `${key} is not a variable of ${profile.name}`, message: `${key} is not read by any ${profile.name} service the app knows of (a typo, or a setting of another tool).`, howToFix: `Check the spelling, or remove ${key} if nothing uses it.`, variable: key, ...at(lines.get(key)?.[0] ?? 1) });
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
      if (value === undefined) continue;
      if (rule.check.type !== 'noEffect' && value === '') continue;
      const r = fails(rule.check, value);
      if (r.failed) findings.push(ruleFinding(rule, variable, entry, file, r.evidence));
    }
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
    findings.push({ code: 'ENV_VALUE_REUSED', severity: 'error', title: `${names.join(' and ')} share one value`, message: `${names.join(', ')} hold the same value: anyone who learns one (e.g. the Redis password from a log) has the others.`, howToFix: `Generate a separate value for each (rotate all but one with its playbook).`, variable: names[0], ...(first ? at(first.line) : {}), evidence: `${names.length} variables, one value` });
  }
  return sortFindings(dedupe(findings));
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
  return findings.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.line ?? 0) - (b.line ?? 0));
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
