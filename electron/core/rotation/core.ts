import { createDumps } from '../dumps/dumps';
import { AppError, type ErrorCode } from '../../common/errors';
import type { StepId } from '../../common/model/rotation-steps';
import { hashPassword, isBcryptHash, verifyPassword } from '../hashing/bcrypt';
import type { Keychain } from '../keychain/keychain';
import type { Variable } from '../stack/profile';
import { findVariable } from '../stack/profile-lookup';
import { spawnRunner, type CommandRunner } from './commands';
import { createDeploymentAccess, type DeploymentAccess } from './deployment-access';
import type { RotationRun } from './record';
import { createRecreateTargetsCache, type RecreateTargetsCache } from './recreate-targets';
import { Staging, stagingService } from './staging';
import type { RotationDeps } from './types';

/**
 * What every part of the rotation service shares: its dependencies with their defaults filled in, the
 * memory-only state of this process (generated passwords not shown yet), the deployment access, and the
 * small helpers each concern needs (the variable of a run, the usable keychain, a run's staging, the
 * journal). Built once per service by `createRotationCore`.
 */
export interface RotationCore {
  deps: RotationDeps;
  hash: (password: string) => Promise<string>;
  verifyHash: (password: string, hash: string) => Promise<boolean>;
  isHash: (value: string) => boolean;
  runner: CommandRunner;
  env: NodeJS.ProcessEnv;
  /** Generated login passwords not shown yet, by run id. Memory only: never in the state, keychain or a file. */
  waiting: Map<string, string>;
  /** The names of the profile's secret values: registered with the redactor whenever `.env` is read. */
  secretNames: string[];
  access: DeploymentAccess;
  /** Which services a rotation recreates, from the deployment's compose files (cached briefly). */
  recreate: RecreateTargetsCache;
  /** The age recipient database dumps are encrypted to. @throws KEYCHAIN_* */
  dumpRecipient(): Promise<string>;
  now(): string;
  /** @throws ROTATION_UNKNOWN_VARIABLE when the profile has no such variable */
  variableOf(name: string): Variable;
  /** The keychain, checked usable. @throws KEYCHAIN_* */
  keychain(): Promise<Keychain>;
  /** The run's own keychain service (staging.ts). */
  staging(kc: Keychain, run: RotationRun): Staging;
  /** Checks the step's journal entry would be written, before the step changes anything. @throws JOURNAL_* */
  journalPreflight(run: RotationRun, step: StepId): Promise<void>;
  journal(
    type: RotationJournalType,
    run: RotationRun,
    details: Record<string, string | number | boolean | null | string[]>,
  ): Promise<void>;
}

/** The journal entries a rotation writes (names, steps and counts; never a value). */
export type RotationJournalType =
  | 'rotation.started'
  | 'rotation.step'
  | 'rotation.reconciled'
  | 'rotation.rolled-back'
  | 'rotation.password-shown'
  | 'secret.rotated';

/** `new AppError(code, message)`, short because every module here throws a few. */
export function err(code: ErrorCode, message: string): AppError {
  return new AppError(code, message);
}

/** Fills in the defaults of `deps` and builds the shared helpers. */
export function createRotationCore(deps: RotationDeps): RotationCore {
  const env = deps.env ?? process.env;
  const secretNames = deps.profile.variables.filter((v) => v.sensitive && v.kind !== 'identifier').map((v) => v.name);
  const core: RotationCore = {
    deps,
    hash: deps.hash ?? ((p: string) => hashPassword(p)),
    verifyHash: deps.verifyHash ?? verifyPassword,
    isHash: deps.isHash ?? isBcryptHash,
    runner: deps.runner ?? spawnRunner,
    env,
    waiting: new Map(),
    secretNames,
    access: createDeploymentAccess(deps, env, secretNames),
    recreate: createRecreateTargetsCache(),
    dumpRecipient:
      deps.dumpRecipient ??
      (async () =>
        (
          await createDumps({
            home: deps.home,
            store: deps.store,
            keychain: deps.keychain,
            journal: deps.journal,
          }).recipient()
        ).recipient),
    now: () => deps.clock().toISOString(),
    variableOf(name) {
      const v = findVariable(deps.profile, name);
      if (!v)
        throw err(
          'ROTATION_UNKNOWN_VARIABLE',
          `${name.slice(0, 80)} is not a variable of the ${deps.profile.name} profile.`,
        );
      return v;
    },
    async keychain() {
      const kc = await deps.keychain();
      await kc.ensureUsable();
      return kc;
    },
    staging: (kc, run) => new Staging(kc, stagingService(run.deploymentId, run.id), run.variable),
    async journalPreflight(run, step) {
      await deps.journal.preflight([
        {
          type: 'rotation.step',
          deploymentId: run.deploymentId,
          subject: run.variable,
          details: { rotationId: run.id, step, by: 'app' },
        },
      ]);
    },
    async journal(type, run, details) {
      await deps.journal.append({
        type,
        deploymentId: run.deploymentId,
        subject: run.variable,
        details: { rotationId: run.id, ...details },
      });
    },
  };
  return core;
}
