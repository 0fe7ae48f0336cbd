import { join } from 'node:path';
import { STEP, type StepId } from '../../common/model/rotation-steps';
import type { DeploymentRef } from '../../common/model/deployment';
import type { PlaybookId, RotationCost, StackProfile, Variable } from '../stack/profile';
import { findVariable } from '../stack/profile-lookup';
import {
  alterRoleCommand,
  applySqlCommand,
  displayArgv,
  psqlArgv,
  recreateCommands,
  stopCommand,
  composeBase,
  type PlannedCommand,
} from './commands';
import { EXPORT_SELECT } from './reencrypt';
import { probeCommand, type CheckName } from '../verify/probe';

/**
 * Playbooks: from a stack-profile variable (its rotation data: playbook id, services to recreate, what users
 * lose, verification) to a concrete plan for one deployment — the blast radius and ordered steps with the
 * exact commands. Pure: reads nothing, writes nothing (the dry run).
 */

/** `app`: the app performs it; `command`: a shell command (the app can run it when docker is here); `manual`: the admin does it and ticks it. */
export type StepKind = 'app' | 'command' | 'manual';

export type { StepId };

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
  /**
   * The services that receive the variable in the compose files in use (recreate-targets.ts), and those of
   * them that receive it only through the mounted `.env`. Absent: the stack profile's list, without force.
   */
  recreate?: RecreateTargets;
}

/** Which services a change reaches, and which of them only through a mounted `.env` (need `--force-recreate`). */
export interface RecreateTargets {
  services: string[];
  forceRecreate: string[];
}

export const DEFAULT_EXPORT_NAME = 'crucible-user-settings-export.json';
export const DEFAULT_SQL_NAME = 'crucible-reencrypt.sql';
/** The ALTER ROLE for a POSTGRES_PASSWORD rotation, in the run's folder under the app home. */
export const ALTER_ROLE_FILE = 'alter-role.sql';

const DOWNTIME: Record<PlaybookId, string> = {
  'env-and-recreate': 'A few seconds per recreated container; requests fail while they restart.',
  'community-password': 'A few seconds: the api container is recreated.',
  'postgres-password':
    'Under a minute: api, worker and beat are recreated and reconnect; running debates are interrupted.',
  'redis-password': 'Under a minute for the containers; afterwards every user must log in again.',
  'encryption-key-reencrypt':
    'From "stop" to "recreate": api, worker, beat and frontend are down (minutes; longer with many users).',
  'provider-key-at-provider': 'A few seconds: the consuming containers are recreated.',
  'remove-from-env': 'None.',
  'not-rotatable': 'Not applicable.',
};

function step(
  id: StepId,
  kind: StepKind,
  title: string,
  detail: string,
  opts: { commands?: PlannedCommand[]; requires?: StepId[]; optional?: boolean } = {},
): PlanStep {
  return {
    id,
    kind,
    title,
    detail,
    commands: opts.commands ?? [],
    requires: opts.requires ?? [],
    optional: opts.optional ?? false,
  };
}

/** The role psql connects as: POSTGRES_USER when it is a plain name, else the shell variable. */
export function userFor(ctx: PlanContext): string {
  return ctx.postgresUser && /^[A-Za-z0-9_]+$/.test(ctx.postgresUser) ? ctx.postgresUser : '"$POSTGRES_USER"';
}

function backupStep(ctx: PlanContext): PlanStep {
  const user = userFor(ctx);
  const argv = [...composeBase(ctx.deployment), 'exec', '-T', 'postgres', 'pg_dump', '-U', user, '-d', 'roundtable'];
  return step(
    STEP.backup,
    'command',
    'Back up the database',
    `Take a pg_dump of the roundtable database into ${ctx.dumpFile}: encrypted as it arrives (age format, to the dump key: \`crucible-secrets dumps key\`), 0600, in the app's folder where git cannot pick it up. It holds every user's data and encrypted provider keys; \`crucible-secrets dumps list|decrypt|delete\` manage it. The app keeps the previous \`.env\` by itself.`,
    {
      commands: [
        {
          argv,
          display: `${displayArgv(argv)} | crucible-secrets dumps encrypt --out ${displayArgv([ctx.dumpFile])}`,
          stdoutFile: ctx.dumpFile,
          encryptStdout: true,
        },
      ],
      optional: true,
    },
  );
}

const stageStep = (v: Variable, input: Plan['input']): PlanStep =>
  step(
    STEP.stage,
    'app',
    input === 'required'
      ? 'Store the new value in the keychain'
      : 'Generate the new value and store it in the keychain',
    `The new ${v.name} is kept in the keychain beside the current one; nothing the services read changes yet.`,
  );

function writeEnvStep(v: Variable, requires: StepId[]): PlanStep {
  const what =
    v.kind === 'login-password' ? 'its bcrypt hash ($2b$, cost 12), single-quoted,' : 'the new value, single-quoted,';
  return step(
    STEP.writeEnv,
    'app',
    'Write the new value to .env',
    `The app writes ${what} to ${v.name} in .env atomically (the previous file is kept in the app's own folder, where git cannot pick it up) and makes the keychain's current value the new one.`,
    { requires },
  );
}

function recreateStep(ctx: PlanContext, targets: RecreateTargets, requires: StepId[]): PlanStep {
  const forced =
    targets.forceRecreate.length > 0
      ? ` ${targets.forceRecreate.join(', ')} ${targets.forceRecreate.length === 1 ? 'reads' : 'read'} the new value only from the mounted \`.env\`, which leaves the compose configuration unchanged: \`--force-recreate\` replaces the container anyway.`
      : '';
  return step(
    STEP.recreate,
    'command',
    `Recreate ${targets.services.join(', ')}`,
    `\`docker compose up -d\` recreates the containers whose configuration changed.${forced} \`docker compose restart\` would keep the old value (docs/crucible.md#applying-a-changed-value).`,
    {
      commands: recreateCommands(ctx.deployment, targets.services, targets.forceRecreate),
      requires,
    },
  );
}

/** Stage, write `.env`, recreate, verify: the whole change of a playbook whose new value only `.env` carries. */
function envValueSteps(ctx: PlanContext, v: Variable, targets: RecreateTargets, input: Plan['input']): PlanStep[] {
  return [
    stageStep(v, input),
    writeEnvStep(v, [STEP.stage]),
    recreateStep(ctx, targets, [STEP.writeEnv]),
    verifyStep(ctx, v),
  ];
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
  return step(
    STEP.verify,
    'command',
    'Check that the service is healthy',
    `The app checks the running service where it runs: ${what}. ${v.rotation.verify.join(' ') || 'Check that the containers are running and the app works.'}`,
    {
      commands: [probeCommand(ctx.deployment, checks)],
      requires: [STEP.recreate],
      // Confirming is the admin's word that the service is healthy: a check they did by hand counts too.
      optional: true,
    },
  );
}

const CHECK_WORDS: Record<CheckName, string> = {
  health: 'the api answers GET /api/health',
  redis: 'GET /api/health/redis says connected',
  database: 'PostgreSQL accepts the new password and refuses the old one',
  login: 'the login works',
  'provider-keys': 'stored provider keys still decrypt',
};

/** The encryption-key playbook stops, and then recreates, every reader and writer of the stored keys. */
const ENCRYPTION_KEY_SERVICES = ['api', 'worker', 'beat', 'frontend'];

/**
 * The services a playbook's `recreate` step (and a rollback's) recreates: those the compose files deliver the
 * variable to when known, else the profile's list. The encryption-key playbook also starts what it stopped.
 */
export function recreateTargets(v: Variable, ctx: PlanContext): RecreateTargets {
  const known = ctx.recreate;
  if (v.rotation.playbook === 'encryption-key-reencrypt') {
    const extra = known ? known.services.filter((s) => !ENCRYPTION_KEY_SERVICES.includes(s)) : [];
    return { services: [...ENCRYPTION_KEY_SERVICES, ...extra], forceRecreate: known?.forceRecreate ?? [] };
  }
  if (known && known.services.length > 0) return known;
  return {
    services: v.rotation.servicesToRecreate.length > 0 ? v.rotation.servicesToRecreate : ['api'],
    forceRecreate: [],
  };
}

/** Where the encryption-key playbook's SQL goes (the run's file; the deployment folder for runs of an older version). */
export function sqlFileOf(ctx: PlanContext): string {
  return ctx.sqlFile ?? join(ctx.deployment.folder, DEFAULT_SQL_NAME);
}

/**
 * The plan for rotating `variableName` in one deployment.
 * Returns a plan with `rotatable: false` (and an alternative) for variables that cannot be rotated.
 */
export function buildPlan(profile: StackProfile, variableName: string, ctx: PlanContext): Plan | null {
  const v = findVariable(profile, variableName);
  if (!v) return null;
  const r = v.rotation;
  const services = recreateTargets(v, ctx);
  const base = {
    variable: v.name,
    playbook: r.playbook,
    verify: r.verify,
    facts: v.facts,
    blastRadius: {
      cost: r.cost,
      servicesRecreated: ctx.recreate ? services.services : r.servicesToRecreate,
      usersLose: r.usersLose,
      downtime: DOWNTIME[r.playbook],
    },
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
      return {
        ...base,
        rotatable: false,
        input: 'none',
        notRotatableReason: `${v.name} is read by no code path; there is nothing to rotate. ${r.steps.join(' ')}`,
        steps: [],
      };
    case 'env-and-recreate':
      return {
        ...base,
        rotatable: v.sensitive,
        notRotatableReason: v.sensitive
          ? undefined
          : `${v.name} is a setting, not a secret: edit it instead of rotating it.`,
        input: 'none',
        steps: [backupStep(ctx), ...envValueSteps(ctx, v, services, 'none')],
      };
    case 'community-password':
      return {
        ...base,
        rotatable: true,
        input: 'optional',
        steps: [backupStep(ctx), ...envValueSteps(ctx, v, services, 'optional')],
      };
    case 'postgres-password': {
      const alter = step(
        STEP.alterRole,
        'command',
        'Change the role password in PostgreSQL',
        `The password is set with ALTER ROLE before \`.env\` changes (the data volume keeps the old one otherwise). The SQL goes on stdin and carries a SCRAM-SHA-256 verifier, never the password itself; the app writes it to ${ctx.alterRoleFile} (0600) once the new value is staged, and deletes it when the rotation ends.`,
        { commands: [alterRoleCommand(ctx.deployment, user, ctx.alterRoleFile, 'next')], requires: [STEP.stage] },
      );
      return {
        ...base,
        rotatable: true,
        input: 'none',
        steps: [
          backupStep(ctx),
          stageStep(v, 'none'),
          alter,
          writeEnvStep(v, [STEP.alterRole]),
          recreateStep(ctx, services, [STEP.writeEnv]),
          verifyStep(ctx, v),
        ],
      };
    }
    case 'redis-password': {
      return {
        ...base,
        rotatable: true,
        input: 'none',
        steps: [
          backupStep(ctx),
          ...envValueSteps(ctx, v, services, 'none'),
          step(
            STEP.purgeLogs,
            'manual',
            'Purge old api and worker logs',
            'The api and worker log the full Redis URL, password included (service/app/core/redis.py; docs/crucible.md#redis-password-in-the-logs): rotate or delete their old logs.',
            { requires: [STEP.recreate], optional: true },
          ),
        ],
      };
    }
    case 'encryption-key-reencrypt': {
      const exportFile = ctx.exportFile ?? join(ctx.deployment.folder, DEFAULT_EXPORT_NAME);
      const sqlFile = sqlFileOf(ctx);
      const exportArgv = [...psqlArgv(ctx.deployment, user), '-At', '-c', `${EXPORT_SELECT};`];
      const all = ENCRYPTION_KEY_SERVICES;
      return {
        ...base,
        rotatable: true,
        input: 'none',
        steps: [
          backupStep(ctx),
          step(
            STEP.stop,
            'command',
            'Stop every reader and writer of the stored keys',
            'api, worker, beat and frontend stop; postgres stays up. The worker decrypts keys during debates, so it must stop too.',
            { commands: [stopCommand(ctx.deployment, all)] },
          ),
          stageStep(v, 'none'),
          step(
            STEP.export,
            'command',
            'Export the stored provider keys',
            `One JSON array of {"id", "provider_api_keys"} (the column's exact text) is written to ${exportFile}. It holds ciphertexts only.`,
            {
              commands: [
                {
                  argv: exportArgv,
                  display: `${displayArgv(exportArgv)} > ${displayArgv([exportFile])}`,
                  stdoutFile: exportFile,
                },
              ],
              requires: [STEP.stop],
            },
          ),
          step(
            STEP.reencrypt,
            'app',
            'Re-encrypt every stored key',
            `Every token is decrypted with the current key (PBKDF2-HMAC-SHA256, 100,000 iterations, Fernet), re-encrypted with the new one and checked; one SQL script is written to ${sqlFile}. A token that does not decrypt stops everything before anything is written.`,
            { requires: [STEP.stage, STEP.export] },
          ),
          writeEnvStep(v, [STEP.reencrypt]),
          step(
            STEP.applySql,
            'command',
            'Apply the SQL in one transaction',
            'Every row is updated in one transaction, each guarded by its old value: a row changed since the export makes the whole transaction fail and nothing changes.',
            {
              commands: [applySqlCommand(ctx.deployment, user, sqlFile)],
              requires: [STEP.reencrypt, STEP.stop],
            },
          ),
          recreateStep(ctx, services, [STEP.applySql, STEP.writeEnv]),
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
          step(
            STEP.providerNewKey,
            'manual',
            'Create a new key at the provider',
            "Create the new key in the provider's console; keep the old one until the new one works.",
          ),
          ...envValueSteps(ctx, v, services, 'required'),
          step(
            STEP.revokeOldKey,
            'manual',
            'Revoke the old key at the provider',
            "Once the new key works, revoke the old one in the provider's console.",
            { requires: [STEP.verify] },
          ),
        ],
      };
  }
}

export { toPlanView, toStepView, rotationOrder } from './plan-views';
