import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../common/errors';
import type { Environment } from '../../common/model/deployment';
import { sha256, type FsOps } from '../fs/atomic-write';
import { previousVersionsFolder } from '../fs/previous-versions';
import { localSetupFiles, type SetupFiles } from './setup-files';
import type { Journal, JournalInput } from '../journal/journal';
import { serviceFor, type Keychain } from '../keychain/keychain';
import type { Logger } from '../log/logger';
import { storeSecrets } from '../inventory/store-secrets';
import type { StateStore } from '../store/state-store';
import type { SetupPlan } from './plan';

/**
 * Step 8: the one commit. Everything the wizard decided is written together or not at all:
 *  1. the deployment is registered in the state (names only);
 *  2. inventory/storeSecrets writes every keychain entry with its write-ahead rollback, and — while the
 *     keychain already holds the new values — runs our file writes: `.env` (atomic, 0600, the previous
 *     version kept under the app home), the compose CORS fix, the `.gitignore` entry;
 *  3. a failure in any file write undoes the files already written (the previous bytes are put back, the
 *     backup copies made by this commit removed), then storeSecrets puts the keychain back;
 *  4. a failure anywhere removes the deployment from the state again.
 * The journal records what happened, never a value.
 */

export interface CommitDeps {
  store: StateStore;
  journal: Journal;
  keychain: () => Promise<Keychain>;
  logger: Logger;
  clock: () => Date;
  /** Injected into every file write, so tests can fail any step. */
  fs?: FsOps;
  /** Where the files are read and written (default: this computer, with `fs`). */
  files?: SetupFiles;
  /** The app home: previous versions of the files go to `previous/<deployment id>` there. */
  home: string;
  random?: (n: number) => Buffer;
  onProgress?: (phase: 'keychain' | 'files' | 'state' | 'done' | 'failed', message: string, fraction: number) => void;
}

export interface CommitInput {
  plan: SetupPlan;
  name: string;
  environment: Environment;
  composeFiles: string[];
  /** What the deployment is registered as: the folder, or `ssh://…` for a server (default plan.folder). */
  location?: string;
}

export interface CommitOutcome {
  deploymentId: string;
  service: string;
  previousEnvKeptAs: string | null;
  variables: string[];
}

/** A deployment id from the folder name: lowercase, dashes, plus a short random suffix. */
export function deploymentIdFor(name: string, random: (n: number) => Buffer = randomBytes): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'crucible';
  const base = /^[a-z0-9]/.test(slug) ? slug : `d-${slug}`;
  return `${base.length < 3 ? `${base}-dep` : base}-${random(3).toString('hex')}`;
}

interface Written {
  path: string;
  before: string | null;
  /** The mode the file had before (restored with it), or null when it did not exist. */
  mode: number | null;
  backupPath: string | null;
  afterSha: string;
}

/** Puts back the files of this commit, newest first. Returns the names it could not restore. */
async function undoFiles(files: SetupFiles, written: Written[], logger: Logger): Promise<string[]> {
  const failed: string[] = [];
  for (const w of [...written].reverse()) {
    try {
      if (w.before === null) await files.remove(w.path);
      else await files.write(w.path, w.before, { expectedSha256: w.afterSha, keepIn: null, mode: w.mode ?? 0o600 });
      if (w.backupPath) await unlink(w.backupPath).catch(() => undefined);
    } catch (e) {
      logger.error('setup.undo-failed', { file: basename(w.path), error: e });
      failed.push(basename(w.path));
    }
  }
  return failed;
}

const NOTHING_CHANGED =
  'Nothing was changed: the keychain, .env, the compose files, .gitignore and the app state are as they were.';

/** What the admin is told after a failed commit: precisely what changed (usually nothing). */
function failureSummary(e: unknown, stateLeft: boolean): string {
  if (e instanceof AppError && (e.code === 'SETUP_ROLLBACK_INCOMPLETE' || e.code === 'KEYCHAIN_WRITE_INTERRUPTED'))
    return e.message;
  if (stateLeft)
    return 'Setup failed, and the deployment could not be removed from the app state again: remove it from the Dashboard (or `crucible-secrets` state) before retrying. The keychain and the files are as they were.';
  return NOTHING_CHANGED;
}

/** The error to throw: the cause's own words, then what changed. Internal errors say nothing more. */
function withOutcome(e: unknown, stateLeft: boolean): AppError {
  const summary = failureSummary(e, stateLeft);
  if (!(e instanceof AppError))
    return new AppError('SETUP_FAILED', `Setup failed unexpectedly (details are in the log). ${summary}`);
  if (summary === e.message || e.message.includes('Nothing was changed'))
    return stateLeft ? new AppError(e.code, `${e.message} ${summary}`) : e;
  return new AppError(e.code, `${e.message} ${summary}`);
}

/**
 * Writes the plan.
 * @throws AppError SETUP_FOLDER_CHANGED when `.env`, a compose file or `.gitignore` changed since the
 *   folder was read (nothing written); SETUP_ALREADY_REGISTERED; KEYCHAIN_* (nothing written);
 *   FS_* from a file write (everything undone); SETUP_ROLLBACK_INCOMPLETE when a file could not be put back.
 */
export async function commitPlan(deps: CommitDeps, input: CommitInput): Promise<CommitOutcome> {
  const { plan, store, logger } = { ...input, ...deps };
  const progress = deps.onProgress ?? (() => undefined);
  const files = deps.files ?? localSetupFiles({ fs: deps.fs, clock: deps.clock });
  const location = input.location ?? plan.folder;
  for (const v of Object.values(plan.keychain)) logger.redactor.register(v);

  // Nothing may have changed under us since the folder was read.
  const checks: Array<[string, string | null]> = [
    [plan.envPath, plan.envBeforeSha],
    ...plan.compose.map((c): [string, string | null] => [c.path, c.beforeSha]),
  ];
  if (plan.gitignore.after !== null) checks.push([plan.gitignore.path, plan.gitignore.beforeSha]);
  for (const [path, sha] of checks) {
    if ((await files.sha(path)) !== sha) {
      throw new AppError(
        'SETUP_FOLDER_CHANGED',
        `${basename(path)} changed on disk since the folder was read. Nothing was written; choose the folder again to see its current state.`,
      );
    }
  }

  const state = await store.read();
  if (state.deployments.some((d) => d.folder === location)) {
    throw new AppError(
      'SETUP_ALREADY_REGISTERED',
      'This folder is already set up as a deployment. Open it from the Dashboard instead (its secrets are managed there).',
    );
  }
  const deploymentId = deploymentIdFor(input.name, deps.random);
  const service = serviceFor(deploymentId);
  const keepIn = previousVersionsFolder(deps.home, deploymentId);
  const now = deps.clock().toISOString();

  progress('state', 'Registering the deployment…', 0.05);
  await store.update((s) => {
    s.deployments.push({
      id: deploymentId,
      name: input.name.slice(0, 80) || deploymentId,
      folder: location,
      composeFiles: input.composeFiles,
      environment: input.environment,
      createdAt: now,
    });
  });

  const written: Written[] = [];
  let envBackup: string | null = null;
  let stateLeft = false;
  /** Puts the files back once (a second call finds nothing to undo); says which could not be. */
  const undoOrExplain = async () => {
    const failed = await undoFiles(files, written.splice(0), logger);
    if (failed.length > 0) {
      throw new AppError(
        'SETUP_ROLLBACK_INCOMPLETE',
        `Setup failed and ${failed.join(', ')} could not be put back. Its previous version is kept in the app's folder (Secrets page, or \`crucible-secrets secrets previous DIR\`); put it back from there. The keychain entries were removed again.`,
      );
    }
  };
  const writeFiles = async () => {
    progress('files', 'Writing .env…', 0.55);
    const envMode = await files.mode(plan.envPath);
    const envRes = await files.write(plan.envPath, plan.envAfter, {
      expectedSha256: plan.envBeforeSha,
      mode: 0o600,
      keepIn,
    });
    written.push({
      path: plan.envPath,
      before: plan.envBefore,
      mode: envMode,
      backupPath: envRes.backupPath,
      afterSha: sha256(plan.envAfter),
    });
    envBackup = envRes.backupPath;
    for (const c of plan.compose) {
      progress('files', `Updating ${c.file}…`, 0.7);
      const mode = await files.mode(c.path);
      // A compose file holds no secret: it keeps its own mode.
      const r = await files.write(c.path, c.after, { expectedSha256: c.beforeSha, mode: mode ?? 0o644, keepIn });
      written.push({ path: c.path, before: c.before, mode, backupPath: r.backupPath, afterSha: sha256(c.after) });
    }
    if (plan.gitignore.after !== null) {
      progress('files', 'Adding .env to .gitignore…', 0.8);
      const mode = await files.mode(plan.gitignore.path);
      const r = await files.write(plan.gitignore.path, plan.gitignore.after, {
        expectedSha256: plan.gitignore.beforeSha,
        mode: mode ?? 0o644,
        keepIn: null,
      });
      written.push({
        path: plan.gitignore.path,
        before: plan.gitignore.before,
        mode,
        backupPath: r.backupPath,
        afterSha: sha256(plan.gitignore.after),
      });
    }
  };

  // The journal entries are known before anything is written (from the plan); storeSecrets checks them
  // first and appends them as part of the change, so a journal that refuses them leaves everything as it was.
  const fileEntry = (path: string, before: string | null, previousKept: boolean): JournalInput => ({
    type: 'file.written',
    deploymentId,
    subject: basename(path),
    details: { previousKept, created: before === null },
  });
  const journalEntries: JournalInput[] = [
    {
      type: 'deployment.added',
      deploymentId,
      subject: input.name.slice(0, 200),
      details: { environment: input.environment, composeFiles: input.composeFiles },
    },
    fileEntry(plan.envPath, plan.envBefore, plan.envBefore !== null),
    ...plan.compose.map((c) => fileEntry(c.path, c.before, true)),
    ...(plan.gitignore.after !== null ? [fileEntry(plan.gitignore.path, plan.gitignore.before, false)] : []),
    ...plan.compose.map((c): JournalInput => ({
      type: 'fix.applied',
      deploymentId,
      subject: c.file,
      details: { fix: 'compose-cors-from-env', services: c.services },
    })),
    { type: 'setup.completed', deploymentId, details: { variables: Object.keys(plan.keychain) } },
  ];
  const origins = Object.fromEntries(
    Object.entries(plan.origins).map(([v, o]) => [
      v,
      o === 'imported' ? ('imported' as const) : ('generated' as const),
    ]),
  );

  try {
    progress('keychain', `Storing ${Object.keys(plan.keychain).length} secrets in the keychain…`, 0.2);
    await storeSecrets(
      { store, journal: deps.journal, keychain: deps.keychain, logger, clock: deps.clock, random: deps.random },
      {
        deploymentId,
        values: plan.keychain,
        origin: 'generated',
        origins,
        journalType: 'secrets.stored',
        journalEntries,
        alsoWrite: async () => {
          try {
            await writeFiles();
          } catch (e) {
            await undoOrExplain();
            throw e;
          }
        },
        undoAlsoWrite: undoOrExplain,
      },
    );
  } catch (e) {
    await store
      .update((s) => {
        s.deployments = s.deployments.filter((d) => d.id !== deploymentId);
        s.secrets = Object.fromEntries(Object.entries(s.secrets).filter(([id]) => id !== deploymentId));
      })
      .catch((err: unknown) => {
        logger.error('setup.state-rollback-failed', { deploymentId, error: err });
        stateLeft = true;
      });
    progress('failed', failureSummary(e, stateLeft), 1);
    await deps.journal
      .append({ type: 'setup.failed', deploymentId, details: { reason: e instanceof AppError ? e.code : 'INTERNAL' } })
      .catch(() => undefined);
    throw withOutcome(e, stateLeft);
  }

  progress('done', 'Setup is complete.', 1);
  logger.info('setup.committed', { deploymentId, variables: Object.keys(plan.keychain).length, files: written.length });
  return { deploymentId, service, previousEnvKeptAs: envBackup, variables: Object.keys(plan.keychain) };
}
