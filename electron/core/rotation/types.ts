import type {
  HistoryItem,
  RollbackResult,
  RotationOverview,
  RotationView,
  StepOutcome,
} from '../../common/ipc/rotation.ipc';
import type { writeEnvFile } from '../envfile';
import type { DeploymentHost } from '../host/host';
import type { Location } from '../host/location';
import type { SshClientOptions } from '../host/ssh-argv';
import type { Journal } from '../journal/journal';
import type { Keychain } from '../keychain/keychain';
import type { Logger } from '../log/logger';
import type { StackProfile } from '../stack/profile';
import type { StateStore } from '../store/state-store';
import type { CommandRunner } from './commands';
import type { Plan } from './playbooks';

/**
 * The rotation service's public shape: what it is given (`RotationDeps`) and what it offers
 * (`RotationService`). The implementation is split by concern across this folder; rotation.service.ts
 * composes it.
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
  /** Who database dumps are encrypted to (dumps/dumps.ts); default: the app's dump key, made on first use. */
  dumpRecipient?: () => Promise<string>;
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

export interface RollbackOptions {
  runCommands?: boolean;
  reverse?: { exportFile: string; sqlFile: string };
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
  rollback(id: string, options?: RollbackOptions): Promise<RollbackResult>;
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
