import { join } from 'node:path';
import { structuredPatch } from 'diff';
import { AppError } from '../../common/errors';
import type { ReviewView } from '../../common/ipc/setup.ipc';
import { APP_GITIGNORE_ENTRIES, gitignoreIgnores } from '../audit/gitignore';
import type { StackProfile } from '../stack/profile';
import type { SetupDraft } from './draft';
import { importableVariables } from './existing';
import type { CheckEnv, EnvEngine } from './ports';
import { planSetupComposeChanges } from './compose-env-fix';

/**
 * Turns a complete draft into the exact change: the new `.env` text, the keychain entries, the compose
 * fixes and the `.gitignore` entry. Pure apart from reading the draft; the commit writes what this returns,
 * and the review shows it (values masked).
 */

export type KeychainOrigin = 'generated' | 'imported' | 'typed';

export interface SetupPlan {
  folder: string;
  envPath: string;
  envBefore: string | null;
  envBeforeSha: string | null;
  envAfter: string;
  /** variable → value for the keychain (exactly the `.env` values). */
  keychain: Record<string, string>;
  origins: Record<string, KeychainOrigin>;
  compose: Array<{
    file: string;
    path: string;
    before: string;
    beforeSha: string;
    after: string;
    services: string[];
    diff: string;
  }>;
  gitignore: {
    path: string;
    before: string | null;
    beforeSha: string | null;
    after: string | null;
    action: ReviewView['gitignore'];
  };
  /** Keys of the existing `.env` left exactly as they are. */
  untouched: string[];
  /** Whether the compose changes include the CORS fix (the other changes are the production entries). */
  corsFixed: boolean;
}

const HEADER = (date: string) =>
  `# Crucible Community Edition configuration, written by Crucible Secrets on ${date}.\n` +
  '# The secret values below are also kept in the OS keychain. Keep this file out of git (mode 0600).\n' +
  '# Apply a change with `docker compose up -d` (never `docker compose restart`: it keeps the old values).\n\n';

/**
 * The `.gitignore` after adding `.env` (and the app's other secret-file patterns: its timestamped copies,
 * rotation leftovers), or null when `.env` is already ignored.
 */
export function gitignoreWithEnv(before: string | null, covered: boolean): string | null {
  if (covered) return null;
  const lines = APP_GITIGNORE_ENTRIES.filter((e) => before === null || !gitignoreIgnores(before, e.probe)).map(
    (e) => e.line,
  );
  const add = `# Secrets: never commit the deployment .env (added by Crucible Secrets)\n${lines.join('\n')}\n`;
  if (before === null || before === '') return add;
  return before.endsWith('\n') ? before + add : `${before}\n${add}`;
}

/**
 * The plan for a draft with no blockers.
 * @throws AppError SETUP_INCOMPLETE listing what is missing; ENV_UNSAFE_VALUE from the `.env` engine.
 */
export function buildPlan(draft: SetupDraft, profile: StackProfile, env: EnvEngine, now: Date): SetupPlan {
  const blockers = draft.blockers();
  const facts = draft.facts;
  const address = draft.address;
  const password = draft.password;
  const environment = draft.environment;
  if (blockers.length > 0 || !facts || !address || !password || !environment) {
    throw new AppError('SETUP_INCOMPLETE', `The setup is not complete: ${blockers.join(' ')}`);
  }
  const keychain: Record<string, string> = {};
  const origins: Record<string, KeychainOrigin> = {};
  for (const v of importableVariables(profile)) {
    const imported = draft.importedValue(v.name);
    keychain[v.name] = imported ?? draft.generatedValue(v).value;
    origins[v.name] = imported !== null ? 'imported' : 'generated';
  }
  keychain.ROUNDTABLE_COMMUNITY_AUTH_PASSWORD = password.hash;
  origins.ROUNDTABLE_COMMUNITY_AUTH_PASSWORD =
    password.mode === 'keep' ? 'imported' : password.mode === 'typed' ? 'typed' : 'generated';
  const existingValues = draft.existing?.read.values ?? new Map<string, string>();
  for (const v of draft.providerVariables()) {
    const typed = draft.providerKeys.get(v.name);
    const existing = existingValues.get(v.name);
    if (typed !== undefined) {
      keychain[v.name] = typed;
      origins[v.name] = 'typed';
    } else if (existing) {
      keychain[v.name] = existing;
      origins[v.name] = 'imported';
    }
  }

  const changes: Record<string, string> = { ...keychain };
  for (const v of profile.variables) {
    const g = v.generator;
    if (g.type === 'environment-name') changes[v.name] = g.values[environment];
    else if (g.type === 'fixed' && !existingValues.has(v.name)) changes[v.name] = g.value;
  }
  changes.ROUNDTABLE_FRONTEND_URL = address.frontendUrl;
  changes.ROUNDTABLE_CORS_ORIGINS = address.corsOrigins.join(',');

  const envBefore = facts.env.exists ? facts.env.text : null;
  // An existing file compose cannot read is not edited: a fresh one replaces it (the old one is kept as a backup).
  const unreadable = draft.existing?.read.problems.some((p) => p.fatal) ?? false;
  const envAfter = env.apply(
    envBefore !== null && !unreadable ? envBefore : HEADER(now.toISOString().slice(0, 10)),
    changes,
  );

  // The CORS fix where chosen, and the production entries a file without the `.env` mount lacks (compose-env-fix.ts).
  const corsFixes = address.applyCorsFix ? draft.corsFixes : [];
  const changes0 = draft.productionEntriesFixable
    ? planSetupComposeChanges(facts.composeFiles, corsFixes, profile.mountedEnvReaders ?? [], draft.composeDiffSecrets)
    : corsFixes.map((f) => ({ file: f.file, services: f.services, before: f.before, after: f.after, diff: f.diff }));
  const compose = changes0.map((f) => {
    const fact = facts.composeFiles.find((c) => c.name === f.file);
    if (!fact) throw new AppError('INTERNAL', 'compose file vanished from the draft');
    return {
      file: f.file,
      path: join(facts.folder, f.file),
      before: f.before,
      beforeSha: fact.sha256,
      after: f.after,
      services: f.services,
      diff: f.diff,
    };
  });

  const giAfter = gitignoreWithEnv(facts.gitignore.text, facts.gitignore.coversEnv);
  const gitignore: SetupPlan['gitignore'] = {
    path: join(facts.folder, '.gitignore'),
    before: facts.gitignore.text,
    beforeSha: facts.gitignore.sha256,
    after: giAfter,
    action: giAfter === null ? 'already-covered' : facts.gitignore.exists ? 'add-entry' : 'create',
  };

  const managed = new Set(Object.keys(changes));
  const untouched = draft.existing ? draft.existing.read.keys.filter((k) => !managed.has(k)) : [];
  return {
    folder: facts.folder,
    envPath: join(facts.folder, '.env'),
    envBefore,
    envBeforeSha: facts.env.exists ? facts.env.sha256 : null,
    envAfter,
    keychain,
    origins,
    compose,
    gitignore,
    untouched,
    corsFixed: corsFixes.length > 0,
  };
}

const ASSIGNMENT = /^(\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*[=:]\s*)(.*)$/;

/** Masks the value part of a `.env` line; lines that are not assignments or comments are masked whole. */
export function maskEnvLine(line: string, nonSecret: ReadonlySet<string>): string {
  if (line.trim() === '' || line.trimStart().startsWith('#')) return line;
  const m = ASSIGNMENT.exec(line);
  if (!m) return '…(value continued, hidden)';
  const head = m[1] ?? '';
  const key = head.replace(/^\s*(?:export\s+)?/, '').replace(/\s*[=:]\s*$/, '');
  const value = m[2] ?? '';
  if (nonSecret.has(key) || value === '') return line;
  const inner = value.replace(/^'(.*)'$/s, '$1').replace(/^"(.*)"$/s, '$1');
  return `${head}•••••• (${Array.from(inner).length} characters, hidden)`;
}

/** A unified diff of the `.env` change in which no secret value appears. */
export function maskedEnvDiff(before: string | null, after: string, profile: StackProfile): string {
  const nonSecret = new Set(profile.variables.filter((v) => !v.sensitive).map((v) => v.name));
  const patch = structuredPatch('a/.env', 'b/.env', before ?? '', after, undefined, undefined, { context: 2 });
  const out = [before === null ? '--- /dev/null' : '--- a/.env', '+++ b/.env'];
  for (const h of patch.hunks) {
    out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) out.push(l.startsWith('\\') ? l : (l[0] ?? ' ') + maskEnvLine(l.slice(1), nonSecret));
  }
  return out.join('\n') + '\n';
}

/** The review of a plan: the masked diff, the keychain entries, the remaining findings and what stays untouched. */
export function reviewOf(
  plan: SetupPlan,
  profile: StackProfile,
  checkEnv: CheckEnv,
  environment: Parameters<CheckEnv>[1],
  keychainService: string,
): ReviewView {
  const findings = checkEnv(plan.envAfter, environment).filter(
    (f) => !(plan.corsFixed && f.variable === 'ROUNDTABLE_CORS_ORIGINS' && f.code === 'ENV_NO_EFFECT'),
  );
  return {
    envFile: plan.envPath,
    envExists: plan.envBefore !== null,
    envDiff: maskedEnvDiff(plan.envBefore, plan.envAfter, profile),
    keychainService,
    keychain: Object.keys(plan.keychain).map((variable) => ({
      variable,
      origin: plan.origins[variable] ?? 'generated',
    })),
    secrets: [],
    compose: plan.compose.map((c) => ({ file: c.file, services: c.services, diff: c.diff })),
    gitignore: plan.gitignore.action,
    findings,
    untouched: plan.untouched,
    blockers: [],
  };
}
