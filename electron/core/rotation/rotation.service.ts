import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, posix, sep } from 'node:path';
import { AppError } from '../../common/errors';
import type { HistoryItem, RollbackResult, RotationOverview, RotationView, StepOutcome } from '../../common/ipc/rotation.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import { envValues, readEnvFile, writeEnvFile, type EnvChange, type EnvDoc } from '../envfile';
import { readEnvOnHost, writeEnvOnHost, type HostEnvRead } from '../envfile/on-host';
import { detectCompose } from '../host/compose';
import type { DeploymentHost } from '../host/host';
import { openHost } from '../host';
import { parseLocation, type Location } from '../host/location';
import type { SshClientOptions } from '../host/ssh-argv';
import { assertWritableValue } from '../envfile/edit';
import { writeFileAtomic } from '../fs/atomic-write';
import { assertHashablePassword, hashPassword, isBcryptHash, verifyPassword } from '../hashing/bcrypt';
import { storedPasswordForm } from '../hashing/stored-form';
import { loadFingerprinter } from '../inventory/fingerprint';
import { requireDeployment } from '../inventory/inventory';
import type { Journal } from '../journal/journal';
import { serviceFor, type Keychain } from '../keychain/keychain';
import type { Logger } from '../log/logger';
import { assertNoSecretText } from '../log/secret-text';
import { generateSecret } from '../secrets/generate';
import { CRUCIBLE_FALLBACK_ENCRYPTION_KEY } from '../stack/crucible-ce';
import { findVariable, type StackProfile, type Variable } from '../stack/profile';
import type { StateStore } from '../store/state-store';
import { controlledEnv, displayArgv, findDocker, spawnRunner, type CommandRunner, type PlannedCommand } from './commands';
import { probeInput, type CheckName, type ProbeRequest } from '../verify/probe';
import { ALTER_ROLE_FILE, buildPlan, checksFor, DEFAULT_EXPORT_NAME, DEFAULT_SQL_NAME, rotationOrder, toStepView, type Plan, type PlanStep } from './playbooks';
import { policyItems } from './policy';
import { PENDING, runsOf, type RotationRun, type StepFailure, type StepState } from './record';
import { runStepCommands } from './run-commands';
import { diagnoseFailure } from '../host/diagnose';
import { runReencryptionJob } from './reencrypt-job';
import { alterRoleSql } from './scram';
import { Staging, stagingService } from './staging';

/**
 * Guided, journaled, crash-safe rotation (issue 7). One run per (deployment, variable) at a time.
 *
 * Crash safety rests on three rules:
 *  1. Intent before effect: a step is marked `running` in the state before it touches the keychain, `.env`
 *     or a container, and `done` after. A `running` step found later is reconciled against reality (the
 *     `.env` on disk decides whether the new value was written) before anything else happens.
 *  2. The previous values are copied into the run's own keychain service before anything live changes,
 *     and dropped only after the admin confirms or a rollback has put them back.
 *  3. Every step is idempotent, so resuming repeats at most the interrupted step.
 */

export interface RotationDeps {
  store: StateStore;
  journal: Journal;
  keychain: () => Promise<Keychain>;
  logger: Logger;
  clock: () => Date;
  profile: StackProfile;
  random?: (n: number) => Buffer;
  /** Runs docker commands; default spawns them. */
  runner?: CommandRunner;
  /** Finds `docker`; default searches PATH of `env`. */
  findDocker?: () => Promise<string | null>;
  env?: NodeJS.ProcessEnv;
  /** The `.env` writer (core/envfile); injectable so tests can crash it. */
  writeEnv?: typeof writeEnvFile;
  /** bcrypt for the login password (tests may inject a cheaper one). */
  hash?: (password: string) => Promise<string>;
  verifyHash?: (password: string, hash: string) => Promise<boolean>;
  /** The hash test matching `hash` (default: the service's bcrypt shape test). */
  isHash?: (value: string) => boolean;
  /**
   * The app's home (`core.paths.home`). The encryption-key playbook's export and SQL files default to a
   * per-run folder under it (`rotation/<runId>`, mode 0700), never the deployment folder, and that folder
   * is deleted when the run is confirmed or rolled back.
   */
  home: string;
  /** Opens the host a deployment lives on (host/); default the local machine or the admin's OpenSSH. */
  openHost?: (location: Location) => DeploymentHost;
  /** How to call OpenSSH for deployments on a server (binary, -F config). */
  sshOptions?: SshClientOptions;
}

export type { HistoryItem, RollbackResult, RotationView, StepOutcome };

export interface PerformOptions {
  /**
   * The admin's login password, for the service check only (used once, never stored): the login is
   * checked, and after an encryption-key rotation the stored provider keys are read back through the API.
   */
  loginPassword?: string;
}

export interface StartOptions {
  reason?: string;
  /** The admin's new value (login password: optional; provider keys: required). Used once, never echoed. */
  newValue?: string;
  exportFile?: string;
  sqlFile?: string;
}

export interface RotationService {
  /** The plan (blast radius, steps, commands) without changing anything. @throws ROTATION_UNKNOWN_VARIABLE, DEPLOYMENT_UNKNOWN */
  plan(deploymentId: string, variable: string, options?: Pick<StartOptions, 'exportFile' | 'sqlFile'>): Promise<Plan>;
  /**
   * Starts a rotation and stages the new value, or returns the pending run of that variable (resume).
   * @throws ROTATION_NOT_ROTATABLE, ROTATION_VALUE_REQUIRED, ROTATION_VALUE_NOT_ACCEPTED, ENV_UNSAFE_VALUE, HASH_*, KEYCHAIN_*
   */
  start(deploymentId: string, variable: string, options?: StartOptions): Promise<RotationView>;
  view(id: string): Promise<RotationView>;
  /** Unfinished runs (after a crash or quit: offer resume or rollback), reconciled first. */
  pending(deploymentId?: string): Promise<RotationView[]>;
  /**
   * Performs an app step, or runs a command step when docker is available.
   * @throws ROTATION_STEP_BLOCKED, ROTATION_CANNOT_RUN, ROTATION_MANUAL_STEP, ROTATION_NOT_PENDING, and the step's own errors
   */
  perform(id: string, step: string, options?: PerformOptions): Promise<StepOutcome>;
  /** The admin did a command or manual step by hand. @throws ROTATION_STEP_BLOCKED, ROTATION_APP_STEP */
  tick(id: string, step: string): Promise<RotationView>;
  /** Ends the run: the previous value is dropped. @throws ROTATION_NOT_FINISHED */
  confirm(id: string): Promise<RotationView>;
  /**
   * Puts the previous value back in `.env` and the keychain. For API_KEY_ENCRYPTION_KEY after the SQL was
   * applied, `reverse` re-encrypts a fresh export back to the previous key first.
   * @throws ROTATION_ROLLBACK_NEEDS_REENCRYPT, ROTATION_NOT_PENDING
   */
  rollback(id: string, options?: { runCommands?: boolean; reverse?: { exportFile: string; sqlFile: string } }): Promise<RollbackResult>;
  history(deploymentId: string, variable?: string): Promise<HistoryItem[]>;
  /** Policy per secret (max age, overdue, generation), the rotate-all order, and unfinished runs. */
  overview(deploymentId: string): Promise<RotationOverview>;
  /** Sets where the encryption-key playbook reads the export / writes the SQL (before `reencrypt`). */
  setFiles(id: string, files: { exportFile?: string; sqlFile?: string }): Promise<RotationView>;
  /**
   * The login password this process generated for a run, shown once: it is forgotten as it is returned
   * (the keychain and `.env` only ever hold its bcrypt hash). Journaled by name.
   * @throws ROTATION_PASSWORD_NOT_WAITING when there is none (already shown, typed by the admin, or the app
   *   restarted since: then roll the run back or rotate again).
   */
  revealNewPassword(id: string): Promise<{ password: string }>;
  /** Ends the connections to servers this service opened (one multiplexed SSH connection per deployment). */
  close(): Promise<void>;
}

const ID = /^rot-[0-9a-f]{16}$/;

/** A docker command on a server may pull or restart containers: minutes, not hours. */
const COMMAND_TIMEOUT_MS = 15 * 60 * 1000;
/** How long a server's POSTGRES_USER is reused for displaying plans (it is not rotatable). */
const USER_TTL_MS = 30_000;

function err(code: string, message: string): AppError {
  return new AppError(code, message);
}

export function createRotationService(deps: RotationDeps): RotationService {
  const writeEnv = deps.writeEnv ?? writeEnvFile;
  const hash = deps.hash ?? ((p: string) => hashPassword(p));
  const verifyHash = deps.verifyHash ?? verifyPassword;
  const isHash = deps.isHash ?? isBcryptHash;
  /** Generated login passwords not shown yet, by run id. Memory only: never in the state, keychain or a file. */
  const waiting = new Map<string, string>();
  const workRoot = join(deps.home, 'rotation');
  const workDir = (runId: string) => join(workRoot, runId);
  /** Outlives the run (its folder goes at rollback): the admin may still have to run the SQL by hand. */
  const rollbackAlterRoleFile = (run: RotationRun) => join(workRoot, `${run.id}-rollback`, 'alter-role-previous.sql');
  const runner = deps.runner ?? spawnRunner;
  const env = deps.env ?? process.env;
  const dockerPath = deps.findDocker ?? (() => findDocker(env));
  const now = () => deps.clock().toISOString();
  const secretNames = deps.profile.variables.filter((v) => v.sensitive && v.kind !== 'identifier').map((v) => v.name);
  const profileNames = deps.profile.variables.map((v) => v.name);

  // ---- where the deployment lives ------------------------------------------------------------------

  /** One host per deployment for the life of this service (SSH: one multiplexed connection), closed by close(). */
  const hosts = new Map<string, DeploymentHost>();
  const locationOf = (d: DeploymentRef): Location => parseLocation(d.folder, '/');
  const isRemote = (d: DeploymentRef) => locationOf(d).kind === 'ssh';
  function hostOf(d: DeploymentRef): DeploymentHost {
    let h = hosts.get(d.id);
    if (!h) {
      const loc = locationOf(d);
      h = deps.openHost ? deps.openHost(loc) : openHost(loc, { home: deps.home, env, profileNames, sshOptions: deps.sshOptions, clock: deps.clock });
      hosts.set(d.id, h);
    }
    return h;
  }
  /** Whether compose v2 answers on a server, asked once per deployment and process. */
  const composeReady = new Map<string, Promise<boolean>>();
  /** A server's `.env` as last read, handed to the write that follows (the server re-checks its hash). */
  const lastRead = new Map<string, HostEnvRead>();
  /** POSTGRES_USER as last read from a server's `.env` (a name, not a secret), for plans shown meanwhile. */
  const postgresUsers = new Map<string, { user: string | null; at: number }>();
  /** Previous `.env` versions of a server's deployment: kept here, under the app home, never beside it. */
  const previousFolder = (d: DeploymentRef) => join(deps.home, 'previous', d.id);

  /** The database dump of a run: under the app home (kept after the run; never the deployment folder). */
  const dumpFileFor = (d: DeploymentRef, run: { id?: string; variable: string }) => join(deps.home, 'dumps', d.id, `roundtable-before-${run.variable}-${run.id ?? '<run id>'}.sql`);

  // ---- state helpers ------------------------------------------------------------------------------

  async function loadRun(id: string): Promise<{ run: RotationRun; deployment: DeploymentRef }> {
    if (!ID.test(id)) throw err('ROTATION_UNKNOWN', 'No rotation has this id.');
    const state = await deps.store.read();
    const run = runsOf(state.rotations).find((r) => r.id === id);
    if (!run) throw err('ROTATION_UNKNOWN', 'No rotation has this id.');
    return { run, deployment: requireDeployment(state, run.deploymentId) };
  }

  async function saveRun(id: string, change: (r: RotationRun) => void, also?: (s: Parameters<Parameters<StateStore['update']>[0]>[0]) => void): Promise<RotationRun> {
    return deps.store.update((s) => {
      const i = s.rotations.findIndex((r) => r.id === id);
      const record = s.rotations[i];
      const current = record ? runsOf([record])[0] : undefined;
      if (!current) throw err('ROTATION_UNKNOWN', 'No rotation has this id.');
      change(current);
      s.rotations[i] = current;
      also?.(s);
      return current;
    });
  }

  function setStep(r: RotationRun, step: string, state: StepState['state'], by: StepState['by'] = null, failure: StepFailure | null = null): void {
    const s = r.steps.find((x) => x.id === step);
    if (!s) return;
    s.state = state;
    s.at = state === 'todo' ? null : now();
    s.by = state === 'todo' ? null : by;
    s.failure = state === 'failed' ? failure : null;
  }

  const stepState = (r: RotationRun, step: string) => r.steps.find((x) => x.id === step)?.state ?? 'todo';

  function variableOf(name: string): Variable {
    const v = findVariable(deps.profile, name);
    if (!v) throw err('ROTATION_UNKNOWN_VARIABLE', `${name.slice(0, 80)} is not a variable of the ${deps.profile.name} profile.`);
    return v;
  }

  async function readEnv(d: DeploymentRef): Promise<{ values: Map<string, string>; sha: string | null; path: string }> {
    const loc = locationOf(d);
    const path = loc.kind === 'ssh' ? posix.join(loc.path, '.env') : join(d.folder, '.env');
    try {
      let r: { doc: EnvDoc; sha256: string } | null;
      if (loc.kind === 'ssh') {
        const remote = await readEnvOnHost(hostOf(d), path);
        if (remote) lastRead.set(d.id, remote);
        r = remote;
      } else r = await readEnvFile(path);
      if (r === null) return { values: new Map(), sha: null, path };
      const values = envValues(r.doc);
      postgresUsers.set(d.id, { user: values.get('POSTGRES_USER') ?? null, at: performance.now() });
      // The values of every secret of the profile are registered so command output never shows them.
      for (const name of secretNames) {
        const v = values.get(name);
        if (v !== undefined) deps.logger.redactor.register(v);
      }
      return { values, sha: r.sha256, path };
    } catch (e) {
      if (e instanceof AppError && e.code === 'ENV_FILE_NOT_FOUND') return { values: new Map(), sha: null, path };
      throw e;
    }
  }

  /** Writes `.env` where the deployment lives (here: envfile's writer; a server: through its host). */
  async function writeEnvAt(d: DeploymentRef, path: string, changes: EnvChange[], sha: string | null): Promise<void> {
    if (isRemote(d)) await writeEnvOnHost(hostOf(d), path, changes, { expectedSha256: sha, keepPreviousIn: previousFolder(d), clock: deps.clock, current: lastRead.get(d.id) ?? null });
    else await writeEnv(path, changes, { expectedSha256: sha });
  }

  async function planFor(run: Pick<RotationRun, 'variable' | 'exportFile' | 'sqlFile'> & { id?: string }, d: DeploymentRef): Promise<Plan> {
    // Only the role name is needed; on a server, a fresh one (seconds old) saves a round trip per view.
    const cached = isRemote(d) ? postgresUsers.get(d.id) : undefined;
    const values = cached !== undefined && performance.now() - cached.at < USER_TTL_MS ? new Map(cached.user === null ? [] : [['POSTGRES_USER', cached.user]]) : (await readEnv(d)).values;
    // A plan without a run (dry run) names the per-run folder the files will get.
    const dir = workDir(run.id ?? '<run id>');
    const exportFile = run.exportFile ?? join(dir, DEFAULT_EXPORT_NAME);
    const sqlFile = run.sqlFile ?? join(dir, DEFAULT_SQL_NAME);
    const plan = buildPlan(deps.profile, run.variable, { deployment: d, postgresUser: values.get('POSTGRES_USER') ?? null, exportFile, sqlFile, dumpFile: dumpFileFor(d, run), alterRoleFile: join(dir, ALTER_ROLE_FILE) });
    if (!plan) throw err('ROTATION_UNKNOWN_VARIABLE', `${run.variable} is not a variable of the profile.`);
    return plan;
  }

  async function canRun(d: DeploymentRef): Promise<boolean> {
    if (isRemote(d)) {
      let ready = composeReady.get(d.id);
      if (!ready) {
        ready = detectCompose(hostOf(d)).then(
          (c) => c.composeV2.present && c.daemon === 'reachable',
          () => false,
        );
        composeReady.set(d.id, ready);
      }
      return ready;
    }
    if ((await dockerPath()) === null) return false;
    return stat(d.folder).then((s) => s.isDirectory()).catch(() => false);
  }

  function blockingSteps(run: RotationRun, plan: Plan): string[] {
    // Confirming is the admin's statement that the service is healthy, so manual steps do not block.
    return plan.steps.filter((s) => !s.optional && s.kind !== 'manual' && stepState(run, s.id) !== 'done').map((s) => s.id);
  }

  async function toView(run: RotationRun, d: DeploymentRef): Promise<RotationView> {
    const plan = await planFor(run, d);
    const done = new Set(run.steps.filter((s) => s.state === 'done').map((s) => s.id));
    return {
      id: run.id,
      deploymentId: run.deploymentId,
      variable: run.variable,
      playbook: run.playbook,
      status: run.status,
      reason: run.reason,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt ?? null,
      generation: run.generation,
      blastRadius: plan.blastRadius,
      verify: plan.verify,
      steps: plan.steps.map((s) => {
        const st = run.steps.find((x) => x.id === s.id);
        return { ...toStepView(s), state: st?.state ?? 'todo', failure: st?.failure ?? null, at: st?.at ?? null, by: st?.by ?? null, ready: s.requires.every((q) => done.has(q)) };
      }),
      canRunCommands: await canRun(d),
      blocking: blockingSteps(run, plan),
      exportFile: run.exportFile ?? null,
      sqlFile: run.sqlFile ?? null,
      newPasswordWaiting: waiting.has(run.id),
    };
  }

  async function keychain(): Promise<Keychain> {
    const kc = await deps.keychain();
    await kc.ensureUsable();
    return kc;
  }

  function staging(kc: Keychain, run: RotationRun): Staging {
    return new Staging(kc, stagingService(run.deploymentId, run.id), run.variable);
  }

  /** Checks the step's journal entry would be written, before the step changes anything. */
  async function journalPreflight(run: RotationRun, step: string): Promise<void> {
    await deps.journal.preflight([{ type: 'rotation.step', deploymentId: run.deploymentId, subject: run.variable, details: { rotationId: run.id, step, by: 'app' } }]);
  }

  async function journal(type: string, run: RotationRun, details: Record<string, string | number | boolean | null | string[]>): Promise<void> {
    await deps.journal.append({ type, deploymentId: run.deploymentId, subject: run.variable, details: { rotationId: run.id, ...details } });
  }

  // ---- values -------------------------------------------------------------------------------------

  function generate(v: Variable): string {
    const g = v.generator;
    const random = deps.random ? (n: number) => deps.random?.(n) ?? randomBytes(n) : undefined;
    if (g.type === 'random') return generateSecret({ alphabet: g.alphabet, length: g.length, random }).value;
    if (g.type === 'bcrypt-login-password') return generateSecret({ alphabet: g.alphabet, length: g.passwordLength, random }).value;
    throw err('ROTATION_VALUE_REQUIRED', `${v.name} is issued by someone else (a provider): type the new value.`);
  }

  /**
   * The stored form of a value: what the keychain and `.env` both hold. For the login password that is its
   * bcrypt hash (hashing/stored-form.ts); a plain value staged by an older version is hashed here, so no
   * path writes it to `.env` (or the keychain) as is.
   */
  async function storedForm(v: Variable, value: string): Promise<string> {
    return v.kind === 'login-password' ? storedPasswordForm(value, hash, isHash) : value;
  }

  async function envHolds(v: Variable, envValue: string | undefined, value: string): Promise<boolean> {
    if (envValue === undefined) return false;
    if (v.kind === 'login-password' && !isHash(value)) return verifyHash(value, envValue);
    return envValue === value;
  }

  // ---- steps --------------------------------------------------------------------------------------

  async function doStage(run: RotationRun, d: DeploymentRef, newValue?: string): Promise<RotationRun> {
    const v = variableOf(run.variable);
    // The journal's usual refusals (a symlinked journal, say) come before anything changes.
    await journalPreflight(run, 'stage');
    run = await saveRun(run.id, (r) => setStep(r, 'stage', 'running', 'app'));
    const kc = await keychain();
    const st = staging(kc, run);
    let previous = run.previous;
    if (previous === null) {
      // Nothing live has changed before `stage` is done, so the live values ARE the previous ones.
      const live = await kc.get(serviceFor(run.deploymentId), run.variable);
      const envValue = (await readEnv(d)).values.get(run.variable);
      if (live !== null) {
        // The login password's previous value is kept in its stored form too: the `.env` hash when the
        // keychain still held a plain password (an older version), else the keychain's own hash.
        const prev = v.kind !== 'login-password' || isHash(live) ? live : envValue !== undefined && isHash(envValue) && (await verifyHash(live, envValue)) ? envValue : await storedForm(v, live);
        await st.set('previous', prev);
      }
      if (envValue !== undefined) await st.set('previous-env', envValue);
      previous = { inKeychain: live !== null, inEnv: envValue !== undefined };
    }
    if (newValue !== undefined) {
      // A typed login password is hashed now: only its hash is ever stored (the admin knows the password).
      await st.set('next', await storedForm(v, newValue));
      waiting.delete(run.id);
    } else if ((await st.get('next')) === null) {
      const fresh = generate(v);
      if (v.kind === 'login-password') {
        // Generated: the hash is staged and the password kept in memory until it is shown once.
        deps.logger.redactor.register(fresh);
        const hashed = await storedForm(v, fresh);
        waiting.set(run.id, fresh);
        await st.set('next', hashed);
      } else await st.set('next', fresh);
    }
    const saved = previous;
    run = await saveRun(run.id, (r) => {
      r.previous = saved;
      setStep(r, 'stage', 'done', 'app');
      r.status = 'in-progress';
    });
    await writeAlterRoleFile(run, d, kc, 'next', join(workDir(run.id), ALTER_ROLE_FILE));
    await journal('rotation.step', run, { step: 'stage', by: 'app' });
    return run;
  }

  async function nextValue(kc: Keychain, run: RotationRun): Promise<string> {
    const next = await staging(kc, run).get('next');
    if (next === null) throw err('ROTATION_STAGED_VALUE_MISSING', `The staged new value of ${run.variable} is missing from the keychain. Roll this rotation back and start again.`);
    deps.logger.redactor.register(next);
    return next;
  }

  async function metaAfterWrite(kc: Keychain, run: RotationRun, value: string) {
    const fp = await loadFingerprinter(kc, { create: true, random: deps.random });
    const at = now();
    const before = run.metaBefore;
    return before
      ? { ...before, fingerprint: fp(value), generation: run.generation, lastRotated: at }
      : { variable: run.variable, fingerprint: fp(value), generation: run.generation, created: at, lastRotated: at, origin: 'generated' as const };
  }

  async function doWriteEnv(run: RotationRun, d: DeploymentRef): Promise<RotationRun> {
    const v = variableOf(run.variable);
    await journalPreflight(run, 'write-env');
    run = await saveRun(run.id, (r) => setStep(r, 'write-env', 'running', 'app'));
    const kc = await keychain();
    const staged = await nextValue(kc, run);
    const next = await storedForm(v, staged);
    // A plain login password staged by an older version: from now on the run holds its hash only.
    if (next !== staged) await staging(kc, run).set('next', next);
    await kc.set(serviceFor(run.deploymentId), run.variable, next);
    const { sha, path } = await readEnv(d);
    await writeEnvAt(d, path, [{ op: 'set', key: run.variable, value: next }], sha);
    const meta = await metaAfterWrite(kc, run, next);
    run = await saveRun(
      run.id,
      (r) => setStep(r, 'write-env', 'done', 'app'),
      (s) => {
        (s.secrets[run.deploymentId] ??= {})[run.variable] = meta;
      },
    );
    await journal('rotation.step', run, { step: 'write-env', by: 'app', file: '.env' });
    return run;
  }

  async function oldEncryptionKey(kc: Keychain, run: RotationRun): Promise<string> {
    const prev = run.previous?.inEnv ? await staging(kc, run).get('previous-env') : null;
    // Unset in `.env`: Crucible encrypts with its built-in fallback key (crucible-facts.md §5.1).
    return prev ?? CRUCIBLE_FALLBACK_ENCRYPTION_KEY;
  }

  async function doReencrypt(run: RotationRun): Promise<RotationRun> {
    const { exportFile, sqlFile } = run;
    if (!exportFile || !sqlFile) throw err('ROTATION_EXPORT_REQUIRED', 'Choose the export file and where the SQL goes first.');
    run = await saveRun(run.id, (r) => setStep(r, 'reencrypt', 'running', 'app'));
    const kc = await keychain();
    const oldKey = await oldEncryptionKey(kc, run);
    const newKey = await nextValue(kc, run);
    try {
      await prepareFile(sqlFile);
      const summary = await runReencryptionJob({ exportFile, sqlOut: sqlFile, oldKey, newKey, onSecret: (s) => deps.logger.redactor.register(s) });
      run = await saveRun(run.id, (r) => setStep(r, 'reencrypt', 'done', 'app'));
      await journal('rotation.step', run, { step: 'reencrypt', by: 'app', rows: summary.rows, tokens: summary.tokens, legacy: summary.legacy });
      return run;
    } catch (e) {
      await saveRun(run.id, (r) => setStep(r, 'reencrypt', 'todo'));
      throw e;
    }
  }

  async function stdinFor(cmd: PlannedCommand, run: RotationRun, d: DeploymentRef, kc: Keychain, options: PerformOptions = {}): Promise<string | undefined> {
    const src = cmd.stdin;
    if (!src) return undefined;
    if (src.kind === 'file') {
      const { readFile } = await import('node:fs/promises');
      return readFile(src.path, 'utf8');
    }
    if (src.kind === 'secret') return `${await nextValue(kc, run)}\n`;
    if (src.kind === 'probe') return probeInput(await probeRequest(run, d, kc, options.loginPassword));
    const user = (await readEnv(d)).values.get('POSTGRES_USER');
    if (!user) throw err('ROTATION_POSTGRES_USER_MISSING', 'POSTGRES_USER is not set in .env, so the role to change is unknown.');
    const pw = src.which === 'next' ? await nextValue(kc, run) : await staging(kc, run).get('previous-env');
    if (pw === null) throw err('ROTATION_PREVIOUS_MISSING', 'The previous POSTGRES_PASSWORD is not in the keychain any more.');
    return alterRoleSql(user, pw);
  }

  /** What the service check needs: the checks of this playbook, and for PostgreSQL the new and old password. */
  async function probeRequest(run: RotationRun, d: DeploymentRef, kc: Keychain, loginPassword?: string): Promise<ProbeRequest> {
    const playbook = variableOf(run.variable).rotation.playbook;
    // With the admin's login password: the login works, and after a re-encryption the stored keys decrypt.
    const withLogin: CheckName[] = loginPassword === undefined ? [] : playbook === 'encryption-key-reencrypt' ? ['login', 'provider-keys'] : ['login'];
    const checks = [...checksFor(playbook), ...withLogin];
    const login = loginPassword === undefined ? {} : { login: { password: loginPassword } };
    if (!checks.includes('database')) return { checks, ...login };
    const user = (await readEnv(d)).values.get('POSTGRES_USER');
    if (!user) throw err('ROTATION_POSTGRES_USER_MISSING', 'POSTGRES_USER is not set in .env, so the role to check is unknown.');
    // After a rollback the previous value is the live one again; the staged "next" is what must be refused.
    const rolledBack = run.status === 'rolling-back' || run.status === 'rolled-back';
    const live = (await kc.get(serviceFor(run.deploymentId), run.variable)) ?? '';
    const other = rolledBack ? await staging(kc, run).get('next') : await staging(kc, run).get('previous-env');
    return { checks, database: { user, password: live, oldPassword: other }, ...login };
  }

  async function runCommands(cmds: readonly PlannedCommand[], run: RotationRun, d: DeploymentRef, options: PerformOptions = {}): Promise<{ output: StepOutcome['output']; failure: StepFailure | null }> {
    const kc = await keychain();
    const names = deps.profile.variables.map((x) => x.name);
    const { runs, failure } = await runStepCommands(cmds, {
      stdinFor: (cmd) => stdinFor(cmd, run, d, kc, options),
      run: async (cmd, stdin) => {
        if (cmd.stdoutFile) await prepareFile(cmd.stdoutFile);
        const loc = locationOf(d);
        const r =
          loc.kind === 'ssh'
            ? await hostOf(d).run(cmd.argv, { cwd: loc.path, stdin, stdoutFile: cmd.stdoutFile, timeoutMs: COMMAND_TIMEOUT_MS })
            : await runner.run(cmd.argv, { cwd: d.folder, stdin, env: controlledEnv(env, names), stdoutFile: cmd.stdoutFile });
        // A runner that does not stream (an injected one) hands the output back instead.
        if (cmd.stdoutFile && r.code === 0 && r.stdout !== '') await writeFileAtomic(cmd.stdoutFile, r.stdout, { mode: 0o600, keepPrevious: false });
        return r;
      },
      diagnose: diagnoseFailure,
      redactor: deps.logger.redactor,
    });
    return { output: runs, failure };
  }

  async function doCommand(run: RotationRun, d: DeploymentRef, step: PlanStep, options: PerformOptions = {}): Promise<StepOutcome> {
    if (!(await canRun(d))) {
      throw err('ROTATION_CANNOT_RUN', `The app cannot run this step here (no docker on this machine or the deployment is not local). Run the command shown, then tick "${step.title}".`);
    }
    run = await saveRun(run.id, (r) => setStep(r, step.id, 'running', 'command'));
    if (options.loginPassword !== undefined) deps.logger.redactor.register(options.loginPassword);
    const { output, failure } = await runCommands(step.commands, run, d, options);
    run = await saveRun(run.id, (r) => setStep(r, step.id, failure ? 'failed' : 'done', 'command', failure));
    await journal('rotation.step', run, { step: step.id, by: 'command', ok: failure === null, exitCode: failure?.exitCode ?? 0, diagnosis: failure?.kind ?? null });
    return { view: await toView(run, d), ok: failure === null, output, failure };
  }

  // ---- reconciliation -----------------------------------------------------------------------------

  /** Brings a run whose last operation was interrupted back to a consistent, resumable state. */
  async function reconcile(run: RotationRun, d: DeploymentRef): Promise<RotationRun> {
    if (run.status === 'confirming') return finishConfirm(run, d);
    if (run.status !== 'staging' && run.status !== 'in-progress') return run;
    for (const s of run.steps.filter((x) => x.state === 'running')) {
      if (s.id === 'write-env') {
        const v = variableOf(run.variable);
        const kc = await keychain();
        const next = await staging(kc, run).get('next');
        const envValue = (await readEnv(d)).values.get(run.variable);
        if (next !== null && envValue !== undefined && (await envHolds(v, envValue, next))) {
          // `.env` holds the new value: the keychain gets its stored form (the hash `.env` holds).
          const stored = v.kind === 'login-password' ? envValue : next;
          await kc.set(serviceFor(run.deploymentId), run.variable, stored);
          const meta = await metaAfterWrite(kc, run, stored);
          run = await saveRun(run.id, (r) => setStep(r, 'write-env', 'done', 'app'), (st) => {
            (st.secrets[run.deploymentId] ??= {})[run.variable] = meta;
          });
        } else {
          await restoreKeychain(kc, run);
          run = await saveRun(run.id, (r) => setStep(r, 'write-env', 'todo'));
        }
      } else {
        // stage and reencrypt are idempotent; a command may or may not have run: the admin re-runs it.
        const id = s.id;
        run = await saveRun(run.id, (r) => setStep(r, id, 'todo'));
      }
      await journal('rotation.reconciled', run, { step: s.id, state: stepState(run, s.id) });
    }
    return run;
  }

  async function restoreKeychain(kc: Keychain, run: RotationRun): Promise<void> {
    if (run.previous === null) return; // nothing live was touched
    const live = serviceFor(run.deploymentId);
    const prev = run.previous.inKeychain ? await staging(kc, run).get('previous') : null;
    if (run.previous.inKeychain) {
      if (prev === null) throw err('ROTATION_PREVIOUS_MISSING', `The saved previous value of ${run.variable} is missing from the keychain; restore it from a backup.`);
      await kc.set(live, run.variable, prev);
    } else {
      await kc.delete(live, run.variable);
    }
  }

  /** Creates the run's work folder (0700) before a file is written into it. */
  async function prepareFile(path: string): Promise<void> {
    const dir = dirname(path);
    for (const root of [workRoot, join(deps.home, 'dumps')]) {
      if (dir !== root && !dir.startsWith(root + sep)) continue;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // Every folder from the root down is private (a dump holds every user's encrypted provider keys).
      for (let p = dir; p.length >= root.length; p = dirname(p)) await chmod(p, 0o700);
    }
  }

  /**
   * POSTGRES_PASSWORD: writes the ALTER ROLE (with the SCRAM verifier, never the password) into a 0600 file
   * under the app home, so the printed command runs as printed when the app does not run it itself.
   */
  async function writeAlterRoleFile(run: RotationRun, d: DeploymentRef, kc: Keychain, which: 'next' | 'previous', path: string): Promise<void> {
    if (run.playbook !== 'postgres-password') return;
    const sql = await stdinFor({ argv: [], display: '', stdin: { kind: 'alter-role', which } }, run, d, kc);
    if (sql === undefined) return;
    await prepareFile(path);
    await writeFileAtomic(path, sql, { mode: 0o600, keepPrevious: false });
  }

  /**
   * Deletes the files the run wrote for the encryption-key playbook (the export holds every user's provider
   * key ciphertexts; the SQL the same under the new key): the per-run folder under the app home, and the
   * in-folder defaults of runs started by an older version. Files the admin named elsewhere are theirs.
   */
  async function dropWorkFiles(run: RotationRun, d: DeploymentRef): Promise<void> {
    const legacy = [join(d.folder, DEFAULT_EXPORT_NAME), join(d.folder, DEFAULT_SQL_NAME)];
    try {
      await rm(workDir(run.id), { recursive: true, force: true });
      for (const f of [run.exportFile, run.sqlFile]) if (f !== undefined && legacy.includes(f)) await rm(f, { force: true });
    } catch (e) {
      deps.logger.warn('rotation.work-files-left', { id: run.id, error: e });
    }
  }

  async function finishConfirm(run: RotationRun, d: DeploymentRef): Promise<RotationRun> {
    const kc = await keychain();
    await staging(kc, run).clear();
    await dropWorkFiles(run, d);
    run = await saveRun(run.id, (r) => {
      r.status = 'confirmed';
      r.finishedAt = now();
    });
    await journal('secret.rotated', run, { generation: run.generation, playbook: run.playbook, reason: run.reason });
    return run;
  }

  async function reconciled(id: string): Promise<{ run: RotationRun; deployment: DeploymentRef }> {
    const { run, deployment } = await loadRun(id);
    return { run: await reconcile(run, deployment), deployment };
  }

  function requirePending(run: RotationRun): void {
    if (run.status !== 'staging' && run.status !== 'in-progress') {
      throw err('ROTATION_NOT_PENDING', `This rotation of ${run.variable} is ${run.status}; start a new one instead.`);
    }
  }

  function planStep(plan: Plan, stepId: string): PlanStep {
    const s = plan.steps.find((x) => x.id === stepId);
    if (!s) throw err('ROTATION_UNKNOWN_STEP', `The ${plan.variable} playbook has no step "${stepId.slice(0, 40)}".`);
    return s;
  }

  function assertReady(run: RotationRun, s: PlanStep): void {
    const missing = s.requires.filter((q) => stepState(run, q) !== 'done');
    if (missing.length > 0) throw err('ROTATION_STEP_BLOCKED', `"${s.title}" needs these steps done first: ${missing.join(', ')}.`);
  }

  // ---- rollback -----------------------------------------------------------------------------------

  async function doRollback(run: RotationRun, d: DeploymentRef, options: { runCommands?: boolean; reverse?: { exportFile: string; sqlFile: string } }): Promise<RollbackResult> {
    const plan = await planFor(run, d);
    const kc = await keychain();
    if (run.status !== 'rolling-back') {
      const undo: string[] = [];
      if (stepState(run, 'alter-role') !== 'todo') undo.push('alter-role');
      if (stepState(run, 'apply-sql') !== 'todo') {
        if (!options.reverse) {
          throw err(
            'ROTATION_ROLLBACK_NEEDS_REENCRYPT',
            'The database already holds the provider keys encrypted with the new key. To roll back, export user_settings again and re-encrypt back to the previous key (CLI: --rollback --export FILE --sql-out FILE), or finish the rotation.',
          );
        }
        const oldKey = await nextValue(kc, run);
        const newKey = await oldEncryptionKey(kc, run);
        await runReencryptionJob({ exportFile: options.reverse.exportFile, sqlOut: options.reverse.sqlFile, oldKey, newKey, onSecret: (s) => deps.logger.redactor.register(s) });
        undo.push('apply-reverse-sql');
      }
      if (stepState(run, 'write-env') !== 'todo' || undo.length > 0) undo.push('recreate');
      run = await saveRun(run.id, (r) => {
        r.status = 'rolling-back';
        r.rollbackCommands = undo;
        if (options.reverse) r.sqlFile = options.reverse.sqlFile;
      });
    }
    if (run.previous !== null) {
      const { values, sha, path } = await readEnv(d);
      const current = values.get(run.variable);
      if (run.previous.inEnv) {
        const prevEnv = await staging(kc, run).get('previous-env');
        if (prevEnv === null) throw err('ROTATION_PREVIOUS_MISSING', `The saved previous .env value of ${run.variable} is missing from the keychain; restore .env from its timestamped copy.`);
        if (current !== prevEnv) await writeEnvAt(d, path, [{ op: 'set', key: run.variable, value: prevEnv }], sha);
      } else if (current !== undefined) {
        await writeEnvAt(d, path, [{ op: 'unset', key: run.variable }], sha);
      }
      await restoreKeychain(kc, run);
    }
    const commands = rollbackCommands(run, plan);
    if (commands.some((c) => c.stdin?.kind === 'alter-role')) await writeAlterRoleFile(run, d, kc, 'previous', rollbackAlterRoleFile(run));
    // Drop the staged values only once nothing may still need them (the ALTER ROLE back needs the previous value: it is live again now).
    await staging(kc, run).clear();
    // The forward export and SQL are not needed by any undo (a reverse SQL is a file the admin named).
    await dropWorkFiles(run, d);
    run = await saveRun(
      run.id,
      (r) => {
        r.status = 'rolled-back';
        r.finishedAt = now();
      },
      (s) => {
        const metas = (s.secrets[run.deploymentId] ??= {});
        if (run.metaBefore) metas[run.variable] = run.metaBefore;
        else Reflect.deleteProperty(metas, run.variable);
      },
    );
    await journal('rotation.rolled-back', run, { undo: run.rollbackCommands ?? [] });
    // A generated password that was never live is of no use any more.
    waiting.delete(run.id);
    let output: StepOutcome['output'] = [];
    let ran = false;
    if (options.runCommands && commands.length > 0 && (await canRun(d))) {
      const r = await runCommands(commands, run, d);
      output = r.output;
      ran = r.failure === null;
      // Run by the app: the SQL file for doing it by hand is not needed any more.
      if (ran) await rm(dirname(rollbackAlterRoleFile(run)), { recursive: true, force: true });
    }
    return { view: await toView(run, d), commands: commands.map((c) => c.display), ran, output };
  }

  function rollbackCommands(run: RotationRun, plan: Plan): PlannedCommand[] {
    const out: PlannedCommand[] = [];
    const undo = run.rollbackCommands ?? [];
    if (undo.includes('alter-role')) {
      const alter = plan.steps.find((s) => s.id === 'alter-role')?.commands[0];
      if (alter) out.push({ argv: alter.argv, display: `${displayArgv(alter.argv)} < ${displayArgv([rollbackAlterRoleFile(run)])}`, stdin: { kind: 'alter-role', which: 'previous' } });
    }
    if (undo.includes('apply-reverse-sql')) {
      const apply = plan.steps.find((s) => s.id === 'apply-sql')?.commands[0];
      if (apply) out.push(apply);
    }
    if (undo.includes('recreate')) {
      const rec = plan.steps.find((s) => s.id === 'recreate')?.commands[0];
      if (rec) out.push(rec);
    }
    return out;
  }

  // ---- public -------------------------------------------------------------------------------------

  return {
    async plan(deploymentId, variable, options = {}) {
      const d = requireDeployment(await deps.store.read(), deploymentId);
      variableOf(variable);
      return planFor({ variable, exportFile: options.exportFile, sqlFile: options.sqlFile }, d);
    },

    async start(deploymentId, variable, options = {}) {
      const v = variableOf(variable);
      const state = await deps.store.read();
      const d = requireDeployment(state, deploymentId);
      if (options.newValue !== undefined) deps.logger.redactor.register(options.newValue);
      // The reason is kept in the state and journal and printed in the incident report: no secret in it.
      await assertNoSecretText({ redactor: deps.logger.redactor, keychain: deps.keychain }, deploymentId, [options.reason], {
        code: 'ROTATION_REASON_HAS_SECRET',
        message: 'The reason contains a secret value (or a password inside a URL). Remove it: the rotation history, the journal and the incident report never hold secret values.',
      }, async () => {
        const { values } = await readEnv(d);
        return secretNames.map((n) => values.get(n)).filter((x): x is string => x !== undefined);
      });
      const existing = runsOf(state.rotations).find((r) => r.deploymentId === deploymentId && r.variable === variable && PENDING.includes(r.status));
      if (existing) {
        let run = await reconcile(existing, d);
        if (run.status === 'rolling-back') throw err('ROTATION_ROLLBACK_PENDING', `A rollback of ${variable} was interrupted; finish it first (roll back again).`);
        if (options.exportFile) run = await saveRun(run.id, (r) => { r.exportFile = options.exportFile; if (options.sqlFile) r.sqlFile = options.sqlFile; });
        if (stepState(run, 'stage') !== 'done') run = await doStage(run, d, options.newValue);
        return toView(run, d);
      }
      const plan = await planFor({ variable, exportFile: options.exportFile, sqlFile: options.sqlFile }, d);
      if (!plan.rotatable) {
        throw err('ROTATION_NOT_ROTATABLE', `${plan.notRotatableReason ?? `${variable} cannot be rotated.`}${plan.alternative ? ` Rotate ${plan.alternative} instead.` : ''}`);
      }
      if (options.newValue !== undefined) {
        if (plan.input === 'none') throw err('ROTATION_VALUE_NOT_ACCEPTED', `${variable} is generated by the app; it does not take a typed value.`);
        deps.logger.redactor.register(options.newValue);
        if (v.kind === 'login-password') assertHashablePassword(options.newValue);
        else assertWritableValue(variable, options.newValue);
        if (options.newValue.length === 0) throw err('ROTATION_VALUE_REQUIRED', `Type the new ${variable}.`);
      } else if (plan.input === 'required') {
        throw err('ROTATION_VALUE_REQUIRED', `${variable} comes from the provider: create a new key there and type it.`);
      }
      const meta = state.secrets[deploymentId]?.[variable] ?? null;
      const id = `rot-${(deps.random ?? randomBytes)(8).toString('hex')}`;
      const run: RotationRun = {
        id,
        deploymentId,
        variables: [variable],
        variable,
        playbook: plan.playbook,
        status: 'staging',
        reason: (options.reason ?? 'scheduled').slice(0, 500),
        startedAt: now(),
        finishedAt: null,
        steps: plan.steps.map((s) => ({ id: s.id, state: 'todo', at: null, by: null })),
        previous: null,
        metaBefore: meta,
        generation: (meta?.generation ?? 1) + 1,
        ...(plan.playbook === 'encryption-key-reencrypt'
          ? { exportFile: options.exportFile ?? join(workDir(id), DEFAULT_EXPORT_NAME), sqlFile: options.sqlFile ?? join(workDir(id), DEFAULT_SQL_NAME) }
          : {}),
      };
      await journalPreflight(run, 'start');
      if (run.exportFile !== undefined) await prepareFile(run.exportFile);
      await deps.store.update((s) => {
        s.rotations.push(run);
      });
      await journal('rotation.started', run, { playbook: run.playbook, reason: run.reason });
      return toView(await doStage(run, d, options.newValue), d);
    },

    async view(id) {
      const { run, deployment } = await reconciled(id);
      return toView(run, deployment);
    },

    async pending(deploymentId) {
      const state = await deps.store.read();
      const out: RotationView[] = [];
      for (const r of runsOf(state.rotations)) {
        if (!PENDING.includes(r.status) || (deploymentId !== undefined && r.deploymentId !== deploymentId)) continue;
        const d = requireDeployment(state, r.deploymentId);
        let run = r;
        try {
          run = await reconcile(r, d);
        } catch (e) {
          deps.logger.warn('rotation.reconcile-failed', { id: r.id, error: e });
        }
        if (PENDING.includes(run.status)) out.push(await toView(run, d));
      }
      return out;
    },

    async perform(id, stepId, options = {}) {
      const loaded = await reconciled(id);
      const d = loaded.deployment;
      let run = loaded.run;
      requirePending(run);
      const plan = await planFor(run, d);
      const s = planStep(plan, stepId);
      if (s.id !== 'stage' && stepState(run, 'stage') !== 'done') run = await doStage(run, d);
      assertReady(run, s);
      if (s.kind === 'manual') throw err('ROTATION_MANUAL_STEP', `"${s.title}" is done by you; tick it when it is done.`);
      if (s.kind === 'command') return doCommand(run, d, s, options);
      if (s.id === 'stage') run = await doStage(run, d);
      else if (s.id === 'write-env') run = await doWriteEnv(run, d);
      else if (s.id === 'reencrypt') run = await doReencrypt(run);
      return { view: await toView(run, d), ok: true, output: [] };
    },

    async tick(id, stepId) {
      const loaded = await reconciled(id);
      const d = loaded.deployment;
      let run = loaded.run;
      requirePending(run);
      const s = planStep(await planFor(run, d), stepId);
      if (s.kind === 'app') throw err('ROTATION_APP_STEP', `"${s.title}" is performed by the app, not ticked.`);
      assertReady(run, s);
      run = await saveRun(run.id, (r) => setStep(r, s.id, 'done', 'admin'));
      await journal('rotation.step', run, { step: s.id, by: 'admin' });
      return toView(run, d);
    },

    async confirm(id) {
      const loaded = await reconciled(id);
      const d = loaded.deployment;
      let run = loaded.run;
      requirePending(run);
      const blocking = blockingSteps(run, await planFor(run, d));
      if (blocking.length > 0) throw err('ROTATION_NOT_FINISHED', `These steps are not done yet: ${blocking.join(', ')}. The previous value is kept until they are.`);
      run = await saveRun(run.id, (r) => {
        r.status = 'confirming';
        for (const s of r.steps) if (s.state !== 'done' && s.id === 'verify') setStep(r, s.id, 'done', 'admin');
      });
      return toView(await finishConfirm(run, d), d);
    },

    async rollback(id, options = {}) {
      const { run, deployment: d } = await reconciled(id);
      if (run.status !== 'rolling-back') requirePending(run);
      return doRollback(run, d, options);
    },

    async overview(deploymentId) {
      const state = await deps.store.read();
      requireDeployment(state, deploymentId);
      const pending = await this.pending(deploymentId);
      return { deploymentId, order: rotationOrder(deps.profile), items: policyItems(deps.profile, await deps.store.read(), deploymentId, deps.clock()), pending };
    },

    async setFiles(id, files) {
      const { run, deployment: d } = await reconciled(id);
      requirePending(run);
      const saved = await saveRun(run.id, (r) => {
        if (files.exportFile !== undefined) r.exportFile = files.exportFile;
        if (files.sqlFile !== undefined) r.sqlFile = files.sqlFile;
      });
      return toView(saved, d);
    },

    async revealNewPassword(id) {
      const { run } = await loadRun(id);
      const password = waiting.get(run.id);
      if (password === undefined) {
        throw err('ROTATION_PASSWORD_NOT_WAITING', `No new ${run.variable} waits to be shown: it was shown once already, you typed it yourself, or the app restarted since it was generated. If you do not have it, roll this rotation back (or rotate again) before the services use it.`);
      }
      waiting.delete(run.id);
      await journal('rotation.password-shown', run, { shown: 'once' });
      return { password };
    },

    async close() {
      const open = [...hosts.values()];
      hosts.clear();
      composeReady.clear();
      await Promise.all(open.map((h) => h.close().catch(() => undefined)));
    },

    async history(deploymentId, variable) {
      const state = await deps.store.read();
      return runsOf(state.rotations)
        .filter((r) => r.deploymentId === deploymentId && (variable === undefined || r.variable === variable))
        .map((r) => ({ id: r.id, variable: r.variable, status: r.status, reason: r.reason, startedAt: r.startedAt, finishedAt: r.finishedAt ?? null, generation: r.generation, newPasswordWaiting: waiting.has(r.id) }))
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    },
  };
}
