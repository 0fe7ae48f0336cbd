import type { Finding, Severity } from '../../common/model/finding';
import type { Environment } from '../../common/model/deployment';
import type { ComposeProject } from '../compose/model';
import type { StackProfile } from '../stack/profile';

/** The deployment being audited, as the state (or the CLI's DIR argument) describes it. */
export interface AuditTarget {
  id: string;
  name: string;
  folder: string;
  /** Explicit compose files (`-f` list); empty = compose's default discovery. */
  composeFiles: string[];
  environment: Environment;
}

/** What the audit knows about the deployment's `.env`. Values stay in memory; never in findings. */
export interface EnvSnapshot {
  /** Relative name, `.env`. */
  file: string;
  exists: boolean;
  text: string | null;
  values: Map<string, string>;
  /** Keyed fingerprints of the secret variables' values (same key across the deployments of one run). */
  fingerprints: Map<string, string>;
}

export interface FileMode {
  file: string;
  /** Permission bits; null on platforms without POSIX modes. */
  mode: number | null;
}

export interface GitFacts {
  /** The folder is inside a work tree. */
  repo: boolean;
  /** Of `.env` and its backups, the ones git tracks (relative to the folder). */
  tracked: string[];
  /** Whether git would ignore `.env` / a new `.env.bak-*` (check-ignore). */
  envIgnored: boolean;
  backupIgnored: boolean;
}

export interface FilesSnapshot {
  gitignore: { exists: boolean; text: string | null };
  /** null when git is not installed. */
  git: GitFacts | null;
  /** `.env` and every `.env.bak-*` beside it. */
  modes: FileMode[];
  /** Files inside the build contexts that images would bake in (`service/.env`, `frontend/.env*`). */
  inBuildContext: string[];
  /** Rotation export/SQL files left at the top of the deployment folder (provider-key ciphertexts). */
  leftovers?: string[];
  /** Plaintext database dumps in the folder or an incident evidence folder (relative names). */
  plaintextDumps?: string[];
}

export interface OtherDeployment {
  id: string;
  name: string;
  environment: Environment;
  fingerprints: Map<string, string>;
}

export interface AuditContext {
  target: AuditTarget;
  env: EnvSnapshot;
  compose: ComposeProject | null;
  /** Set when the compose files could not be read (YAML error with its line, missing file). */
  composeError: { code: string; message: string } | null;
  files: FilesSnapshot;
  others: OtherDeployment[];
  /** Variables whose values are secrets (from the stack profile). */
  secretVariables: ReadonlySet<string>;
  /** Secrets the service needs to start (a missing one is worse than an optional key). */
  requiredVariables: ReadonlySet<string>;
  /** The stack profile (what each variable is, who reads it). */
  profile: StackProfile;
  platform: NodeJS.Platform;
}

export type RuleGroup = 'env' | 'compose' | 'files' | 'cross' | 'known';

/** One small named rule: a code, the severity it usually reports, and a function from context to findings. */
export interface AuditRule {
  code: string;
  group: RuleGroup;
  severity: Severity;
  title: string;
  run(ctx: AuditContext): Finding[];
}

export interface AuditResult {
  deploymentId: string;
  checkedAt: string;
  files: string[];
  findings: Finding[];
  counts: Record<Severity, number>;
  durationMs: number;
}
