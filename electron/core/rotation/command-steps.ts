import { writeEncryptedFile } from '../crypto/age-stream';
import { readFile } from 'node:fs/promises';
import type { StepOutcome } from '../../common/ipc/rotation.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import { diagnoseFailure } from '../host/diagnose';
import { writeFileAtomic } from '../fs/atomic-write';
import { serviceFor, type Keychain } from '../keychain/keychain';
import { probeInput, type CheckName, type ProbeRequest } from '../verify/probe';
import { controlledEnv, type PlannedCommand } from './commands';
import { err, type RotationCore } from './core';
import { checksFor, type PlanStep } from './playbooks';
import type { RotationRun, StepFailure } from './record';
import { runStepCommands } from './run-commands';
import { saveRun, setStep } from './run-store';
import type { PerformOptions } from './types';
import { alterRoleSqlFor, nextValue } from './values';
import { toView } from './views';
import { prepareFile } from './work-files';

/**
 * Command steps: the docker commands of a playbook run by the app, here or on the deployment's server,
 * each with its stdin (SQL, a secret, the probe's request) resolved only when it runs, and its outcome
 * checked (run-commands.ts).
 */

/** A docker command on a server may pull or restart containers: minutes, not hours. */
const COMMAND_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * What the service check needs: the checks of this playbook, and for PostgreSQL the new and old password.
 * @throws ROTATION_POSTGRES_USER_MISSING
 */
async function probeRequest(
  core: RotationCore,
  run: RotationRun,
  d: DeploymentRef,
  kc: Keychain,
  loginPassword?: string,
): Promise<ProbeRequest> {
  const playbook = core.variableOf(run.variable).rotation.playbook;
  // With the admin's login password: the login works, and after a re-encryption the stored keys decrypt.
  const withLogin: CheckName[] =
    loginPassword === undefined ? [] : playbook === 'encryption-key-reencrypt' ? ['login', 'provider-keys'] : ['login'];
  const checks = [...checksFor(playbook), ...withLogin];
  const login = loginPassword === undefined ? {} : { login: { password: loginPassword } };
  if (!checks.includes('database')) return { checks, ...login };
  const user = (await core.access.readEnv(d)).values.get('POSTGRES_USER');
  if (!user)
    throw err('ROTATION_POSTGRES_USER_MISSING', 'POSTGRES_USER is not set in .env, so the role to check is unknown.');
  // After a rollback the previous value is the live one again; the staged "next" is what must be refused.
  const rolledBack = run.status === 'rolling-back' || run.status === 'rolled-back';
  const live = (await kc.get(serviceFor(run.deploymentId), run.variable)) ?? '';
  const other = rolledBack ? await core.staging(kc, run).get('next') : await core.staging(kc, run).get('previous-env');
  return { checks, database: { user, password: live, oldPassword: other }, ...login };
}

/** The stdin of a command, resolved as it runs (undefined: none). */
async function stdinFor(
  core: RotationCore,
  cmd: PlannedCommand,
  run: RotationRun,
  d: DeploymentRef,
  kc: Keychain,
  options: PerformOptions,
): Promise<string | undefined> {
  const src = cmd.stdin;
  if (!src) return undefined;
  if (src.kind === 'file') return readFile(src.path, 'utf8');
  if (src.kind === 'secret') return `${await nextValue(core, kc, run)}\n`;
  if (src.kind === 'probe') return probeInput(await probeRequest(core, run, d, kc, options.loginPassword));
  return alterRoleSqlFor(core, run, d, kc, src.which);
}

/**
 * Runs the commands in order where the deployment lives; stops at the first that fails.
 * @returns each command's exit status and redacted last lines, and the failure in words (null: all succeeded)
 * @throws KEYCHAIN_*, and the stdin's errors (ROTATION_POSTGRES_USER_MISSING, ROTATION_PREVIOUS_MISSING, …)
 */
export async function runCommands(
  core: RotationCore,
  cmds: readonly PlannedCommand[],
  run: RotationRun,
  d: DeploymentRef,
  options: PerformOptions = {},
): Promise<{ output: StepOutcome['output']; failure: StepFailure | null }> {
  const kc = await core.keychain();
  const names = core.deps.profile.variables.map((x) => x.name);
  const { runs, failure } = await runStepCommands(cmds, {
    stdinFor: (cmd) => stdinFor(core, cmd, run, d, kc, options),
    run: async (cmd, stdin) => {
      if (cmd.stdoutFile) await prepareFile(core, cmd.stdoutFile);
      const encryptTo = cmd.stdoutFile && cmd.encryptStdout === true ? await core.dumpRecipient() : undefined;
      const loc = core.access.locationOf(d);
      const r =
        loc.kind === 'ssh'
          ? await core.access.hostOf(d).run(cmd.argv, {
              cwd: loc.path,
              stdin,
              stdoutFile: cmd.stdoutFile,
              stdoutEncryptTo: encryptTo,
              timeoutMs: COMMAND_TIMEOUT_MS,
            })
          : await core.runner.run(cmd.argv, {
              cwd: d.folder,
              stdin,
              env: controlledEnv(core.env, names),
              stdoutFile: cmd.stdoutFile,
              stdoutEncryptTo: encryptTo,
            });
      // A runner that does not stream (an injected one) hands the output back instead: written as it would have been.
      if (cmd.stdoutFile && r.code === 0 && r.stdout !== '') {
        if (encryptTo !== undefined) await writeEncryptedFile(cmd.stdoutFile, r.stdout, encryptTo);
        else await writeFileAtomic(cmd.stdoutFile, r.stdout, { mode: 0o600, keepPrevious: false });
      }
      return r;
    },
    diagnose: diagnoseFailure,
    redactor: core.deps.logger.redactor,
  });
  return { output: runs, failure };
}

/**
 * Runs a command step: `running` before, `done` or `failed` (with the diagnosis) after, journaled.
 * @throws ROTATION_CANNOT_RUN when the app cannot run docker commands for this deployment
 */
export async function doCommand(
  core: RotationCore,
  run: RotationRun,
  d: DeploymentRef,
  step: PlanStep,
  options: PerformOptions = {},
): Promise<StepOutcome> {
  if (!(await core.access.canRun(d))) {
    throw err(
      'ROTATION_CANNOT_RUN',
      `The app cannot run this step here (no docker on this machine or the deployment is not local). Run the command shown, then tick "${step.title}".`,
    );
  }
  run = await saveRun(core, run.id, (r) => setStep(core, r, step.id, 'running', 'command'));
  if (options.loginPassword !== undefined) core.deps.logger.redactor.register(options.loginPassword);
  const { output, failure } = await runCommands(core, step.commands, run, d, options);
  run = await saveRun(core, run.id, (r) => setStep(core, r, step.id, failure ? 'failed' : 'done', 'command', failure));
  await core.journal('rotation.step', run, {
    step: step.id,
    by: 'command',
    ok: failure === null,
    exitCode: failure?.exitCode ?? 0,
    diagnosis: failure?.kind ?? null,
  });
  return { view: await toView(core, run, d), ok: failure === null, output, failure };
}
