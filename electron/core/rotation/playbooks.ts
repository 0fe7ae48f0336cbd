import { join } from 'node:path';
import type { PlanStepView, PlanView } from '../../common/ipc/rotation.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import type { PlaybookId, RotationCost, StackProfile, Variable } from '../stack/profile';
import { findVariable } from '../stack/profile';
import { displayArgv, psqlArgv, recreateCommand, stopCommand, composeBase, type PlannedCommand } from './commands';
import { EXPORT_SELECT } from './reencrypt';
import { probeCommand, type CheckName } from '../verify/probe';

/**
 * Playbooks: from a stack-profile variable (its rotation data: playbook id, services to recreate, what users
 * lose, verification) to a concrete plan for one deployment — the blast radius and ordered steps with the
 * exact commands. Pure: reads nothing, writes nothing (the dry run).
 */

/** `app`: the app performs it; `command`: a shell command (the app can run it when docker is here); `manual`: the admin does it and ticks it. */
export type StepKind = 'app' | 'command' | 'manual';

export type StepId =
  | 'backup'
  | 'stop'
  | 'provider-new-key'
  | 'stage'
  | 'alter-role'
  | 'export'
  | 'reencrypt'
  | 'write-env'
  | 'apply-sql'
  | 'recreate'
  | 'verify'
  | 'purge-logs'
  | 'revoke-old-key';

export interface PlanStep {
  id: StepId;
  kind: StepKind;
  title: string;
  detail: string;
  commands: PlannedCommand[];
  /** Steps that must be done first (only the orderings that matter for safety). */
  requires: StepId[];
  /** Optional steps do not block confirmation. */
  optional: boolean;
}

export interface BlastRadius {
  cost: RotationCost;
  servicesRecreated: string[];
  usersLose: string;
  downtime: string;
}

export interface Plan {
  variable: string;
  playbook: PlaybookId;
  rotatable: boolean;
  /** Why not, and what to do instead (POSTGRES_USER → POSTGRES_PASSWORD). */
  notRotatableReason?: string;
  alternative?: string;
  /** The admin supplies the new value (login password may be typed; provider keys must be). */
  input: 'none' | 'optional' | 'required';
  blastRadius: BlastRadius;
  steps: PlanStep[];
  verify: string[];
  facts: string[];
}

export interface PlanContext {
  deployment: Pick<DeploymentRef, 'folder' | 'composeFiles'>;
  /** From `.env`; the psql commands need it (`-U`). Not a secret value by itself, but we only print it in commands. */
  postgresUser: string | null;
  /** For API_KEY_ENCRYPTION_KEY: where the export is read and the SQL written. */
  exportFile?: string;
  sqlFile?: string;
  /** Where the database dump goes: under the app home, never the deployment folder (git could pick it up). */
  dumpFile: string;
  /**
   * POSTGRES_PASSWORD: the file (0600, under the app home) holding the ALTER ROLE with the real SCRAM
   * verifier, written once the new value is staged, so the printed command runs as printed.
   */
  alterRoleFile: string;
}

export const DEFAULT_EXPORT_NAME = 'crucible-user-settings-export.json';
export const DEFAULT_SQL_NAME = 'crucible-reencrypt.sql';
/** The ALTER ROLE for a POSTGRES_PASSWORD rotation, in the run's folder under the app home. */
export const ALTER_ROLE_FILE = 'alter-role.sql';

const DOWNTIME: Record<PlaybookId, string> = {
  'env-and-recreate': 'A few seconds per recreated container; requests fail while they restart.',
  'community-password': 'A few seconds: the api container is recreated.',
  'postgres-password': 'Under a minute: api, worker and beat are recreated and reconnect; running debates are interrupted.',
  'redis-password': 'Under a minute for the containers; afterwards every user must log in again.',
  'encryption-key-reencrypt': 'From "stop" to "recreate": api, worker, beat and frontend are down (minutes; longer with many users).',
  'provider-key-at-provider': 'A few seconds: the consuming containers are recreated.',
  'remove-from-env': 'None.',
  'not-rotatable': 'Not applicable.',
};

function step(id: StepId, kind: StepKind, title: string, detail: string, opts: { commands?: PlannedCommand[]; requires?: StepId[]; optional?: boolean } = {}): PlanStep {
  return { id, kind, title, detail, commands: opts.commands ?? [], requires: opts.requires ?? [], optional: opts.optional ?? false };
}

function userFor(ctx: PlanContext): string {
  return ctx.postgresUser && /^[A-Za-z0-9_]+$/.test(ctx.postgresUser) ? ctx.postgresUser : '"$POSTGRES_USER"';
}

function backupStep(ctx: PlanContext): PlanStep {
  const user = userFor(ctx);
  const argv = [...composeBase(ctx.deployment), 'exec', '-T', 'postgres', 'pg_dump', '-U', user, '-d', 'roundtable'];
  return step(
    'backup',
    'command',
    'Back up the database',
    `Take a pg_dump of the roundtable database into ${ctx.dumpFile} (0600, in the app's folder, where git cannot pick it up). It holds every user's encrypted provider keys: keep it safe and delete it when it is no longer needed. The app keeps the previous \`.env\` by itself.`,
    { commands: [{ argv, display: `${displayArgv(argv)} > ${displayArgv([ctx.dumpFile])}`, stdoutFile: ctx.dumpFile }], optional: true },
  );
}

const stageStep = (v: Variable, input: Plan['input']): PlanStep =>
  step(
    'stage',
    'app',
    input === 'required' ? 'Store the new value in the keychain' : 'Generate the new value and store it in the keychain',
    `The new ${v.name} is kept in the keychain beside the current one; nothing the services read changes yet.`,
  );

function writeEnvStep(v: Variable, requires: StepId[]): PlanStep {
  const what = v.kind === 'login-password' ? 'its bcrypt hash ($2b$, cost 12), single-quoted,' : 'the new value, single-quoted,';
  return step('write-env', 'app', 'Write the new value to .env', `The app writes ${what} to ${v.name} in .env atomically (the previous file is kept as a timestamped copy) and makes the keychain's current value the new one.`, { requires });
}

function recreateStep(ctx: PlanContext, services: readonly string[], requires: StepId[]): PlanStep {
  return step('recreate', 'command', `Recreate ${services.join(', ')}`, '`docker compose up -d` recreates the containers whose configuration changed. `docker compose restart` would keep the old value (docs/crucible.md#applying-a-changed-value).', {
    commands: [recreateCommand(ctx.deployment, services)],
    requires,
  });
}

/** The checks of the running service that prove this playbook's change (verify/probe.ts). */
export function checksFor(playbook: PlaybookId): CheckName[] {
  if (playbook === 'redis-password') return ['health', 'redis'];
  if (playbook === 'postgres-password') return ['health', 'database'];
  return ['health'];
}

function verifyStep(ctx: PlanContext, v: Variable): PlanStep {
  const checks = checksFor(v.rotation.playbook);
  const what = checks.map((c) => CHECK_WORDS[c]).join(', ');
  return step('verify', 'command', 'Check that the service is healthy', `The app checks the running service where it runs: ${what}. ${v.rotation.verify.join(' ') || 'Check that the containers are running and the app works.'}`, {
    commands: [probeCommand(ctx.deployment, checks)],
    requires: ['recreate'],
    // Confirming is the admin's word that the service is healthy: a check they did by hand counts too.
    optional: true,
  });
}

const CHECK_WORDS: Record<CheckName, string> = {
  health: 'the api answers GET /api/health',
  redis: 'GET /api/health/redis says connected',
  database: 'PostgreSQL accepts the new password and refuses the old one',
  login: 'the login works',
  'provider-keys': 'stored provider keys still decrypt',
};

/**
 * The plan for rotating `variableName` in one deployment.
 * Returns a plan with `rotatable: false` (and an alternative) for variables that cannot be rotated.
 */
export function buildPlan(profile: StackProfile, variableName: string, ctx: PlanContext): Plan | null {
  const v = findVariable(profile, variableName);
  if (!v) return null;
  const r = v.rotation;
  const services = r.servicesToRecreate.length > 0 ? r.servicesToRecreate : ['api'];
  const base = {
    variable: v.name,
    playbook: r.playbook,
    verify: r.verify,
    facts: v.facts,
    blastRadius: { cost: r.cost, servicesRecreated: r.servicesToRecreate, usersLose: r.usersLose, downtime: DOWNTIME[r.playbook] },
  };
  const user = userFor(ctx);
  switch (r.playbook) {
    case 'not-rotatable':
      return {
        ...base,
        rotatable: false,
        input: 'none',
        notRotatableReason: `${v.name} cannot be rotated safely: ${r.usersLose} ${r.steps.join(' ')}`,
        alternative: v.name === 'POSTGRES_USER' ? 'POSTGRES_PASSWORD' : undefined,
        blastRadius: { ...base.blastRadius, servicesRecreated: [] },
        steps: [],
      };
    case 'remove-from-env':
      return { ...base, rotatable: false, input: 'none', notRotatableReason: `${v.name} is read by no code path; there is nothing to rotate. ${r.steps.join(' ')}`, steps: [] };
    case 'env-and-recreate':
      return {
        ...base,
        rotatable: v.sensitive,
        notRotatableReason: v.sensitive ? undefined : `${v.name} is a setting, not a secret: edit it instead of rotating it.`,
        input: 'none',
        steps: [backupStep(ctx), stageStep(v, 'none'), writeEnvStep(v, ['stage']), recreateStep(ctx, services, ['write-env']), verifyStep(ctx, v)],
      };
    case 'community-password':
      return {
        ...base,
        rotatable: true,
        input: 'optional',
        steps: [
          backupStep(ctx),
          stageStep(v, 'optional'),
          writeEnvStep(v, ['stage']),
          recreateStep(ctx, services, ['write-env']),
          verifyStep(ctx, v),
        ],
      };
    case 'postgres-password': {
      const argv = psqlArgv(ctx.deployment, user);
      const alter = step(
        'alter-role',
        'command',
        'Change the role password in PostgreSQL',
        `The password is set with ALTER ROLE before \`.env\` changes (the data volume keeps the old one otherwise). The SQL goes on stdin and carries a SCRAM-SHA-256 verifier, never the password itself; the app writes it to ${ctx.alterRoleFile} (0600) once the new value is staged, and deletes it when the rotation ends.`,
        { commands: [{ argv, display: `${displayArgv(argv)} < ${displayArgv([ctx.alterRoleFile])}`, stdin: { kind: 'alter-role', which: 'next' } }], requires: ['stage'] },
      );
      return {
        ...base,
        rotatable: true,
        input: 'none',
        steps: [backupStep(ctx), stageStep(v, 'none'), alter, writeEnvStep(v, ['alter-role']), recreateStep(ctx, services, ['write-env']), verifyStep(ctx, v)],
      };
    }
    case 'redis-password': {
      return {
        ...base,
        rotatable: true,
        input: 'none',
        steps: [
          backupStep(ctx),
          stageStep(v, 'none'),
          writeEnvStep(v, ['stage']),
          recreateStep(ctx, services, ['write-env']),
          verifyStep(ctx, v),
          step('purge-logs', 'manual', 'Purge old api and worker logs', 'The api and worker log the full Redis URL, password included (service/app/core/redis.py; docs/crucible.md#redis-password-in-the-logs): rotate or delete their old logs.', { requires: ['recreate'], optional: true }),
        ],
      };
    }
    case 'encryption-key-reencrypt': {
      const exportFile = ctx.exportFile ?? join(ctx.deployment.folder, DEFAULT_EXPORT_NAME);
      const sqlFile = ctx.sqlFile ?? join(ctx.deployment.folder, DEFAULT_SQL_NAME);
      const exportArgv = [...psqlArgv(ctx.deployment, user), '-At', '-c', `${EXPORT_SELECT};`];
      const applyArgv = psqlArgv(ctx.deployment, user);
      const all = ['api', 'worker', 'beat', 'frontend'];
      return {
        ...base,
        rotatable: true,
        input: 'none',
        steps: [
          backupStep(ctx),
          step('stop', 'command', 'Stop every reader and writer of the stored keys', 'api, worker, beat and frontend stop; postgres stays up. The worker decrypts keys during debates, so it must stop too.', { commands: [stopCommand(ctx.deployment, all)] }),
          stageStep(v, 'none'),
          step('export', 'command', 'Export the stored provider keys', `One JSON array of {"id", "provider_api_keys"} (the column's exact text) is written to ${exportFile}. It holds ciphertexts only.`, {
            commands: [{ argv: exportArgv, display: `${displayArgv(exportArgv)} > ${displayArgv([exportFile])}`, stdoutFile: exportFile }],
            requires: ['stop'],
          }),
          step('reencrypt', 'app', 'Re-encrypt every stored key', `Every token is decrypted with the current key (PBKDF2-HMAC-SHA256, 100,000 iterations, Fernet), re-encrypted with the new one and checked; one SQL script is written to ${sqlFile}. A token that does not decrypt stops everything before anything is written.`, { requires: ['stage', 'export'] }),
          writeEnvStep(v, ['reencrypt']),
          step('apply-sql', 'command', 'Apply the SQL in one transaction', 'Every row is updated in one transaction, each guarded by its old value: a row changed since the export makes the whole transaction fail and nothing changes.', {
            commands: [{ argv: applyArgv, display: `${displayArgv(applyArgv)} < ${displayArgv([sqlFile])}`, stdin: { kind: 'file', path: sqlFile } }],
            requires: ['reencrypt', 'stop'],
          }),
          recreateStep(ctx, all, ['apply-sql', 'write-env']),
          verifyStep(ctx, v),
        ],
      };
    }
    case 'provider-key-at-provider':
      return {
        ...base,
        rotatable: true,
        input: 'required',
        steps: [
          step('provider-new-key', 'manual', 'Create a new key at the provider', 'Create the new key in the provider\'s console; keep the old one until the new one works.'),
          stageStep(v, 'required'),
          writeEnvStep(v, ['stage']),
          recreateStep(ctx, services, ['write-env']),
          verifyStep(ctx, v),
          step('revoke-old-key', 'manual', 'Revoke the old key at the provider', 'Once the new key works, revoke the old one in the provider\'s console.', { requires: ['verify'] }),
        ],
      };
  }
}

/** A step as the renderer sees it: commands as display text only. */
export function toStepView(s: PlanStep): PlanStepView {
  return { id: s.id, kind: s.kind, title: s.title, detail: s.detail, commands: s.commands.map((c) => c.display), requires: s.requires, optional: s.optional };
}

export function toPlanView(p: Plan): PlanView {
  return {
    variable: p.variable,
    playbook: p.playbook,
    rotatable: p.rotatable,
    notRotatableReason: p.notRotatableReason ?? null,
    alternative: p.alternative ?? null,
    input: p.input,
    blastRadius: p.blastRadius,
    steps: p.steps.map(toStepView),
    verify: p.verify,
  };
}

/**
 * Order for "rotate all" (incident response): shut the attacker out first (login password), then drop
 * every session (Redis), then the database password, then re-encrypt stored keys under a new key, then the
 * JWT secrets, and last the provider keys (they need the providers' consoles).
 */
const ORDER: PlaybookId[] = ['community-password', 'redis-password', 'postgres-password', 'encryption-key-reencrypt', 'env-and-recreate', 'provider-key-at-provider'];

/** The rotatable secrets of a profile in dependency order. */
export function rotationOrder(profile: StackProfile): string[] {
  return profile.variables
    .filter((v) => v.sensitive && ORDER.includes(v.rotation.playbook) && !(v.rotation.playbook === 'env-and-recreate' && v.kind !== 'secret'))
    .sort((a, b) => ORDER.indexOf(a.rotation.playbook) - ORDER.indexOf(b.rotation.playbook))
    .map((v) => v.name);
}
