import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { AppError } from '../../common/errors';
import type { Environment } from '../../common/model/deployment';
import type {
  CommitResult,
  DraftSummary,
  ExistingView,
  FolderView,
  ImportDecision,
  PasswordMode,
  ReviewView,
  SecretPlan,
  SetupProgress,
  StepResult,
} from '../../common/ipc/setup.ipc';
import type { FsOps } from '../fs/atomic-write';
import type { Journal } from '../journal/journal';
import type { Keychain } from '../keychain/keychain';
import type { Logger } from '../log/logger';
import type { RandomSource } from '../secrets/generate';
import type { StrengthChecker } from '../secrets/strength';
import type { StackProfile } from '../stack/profile';
import type { StateStore } from '../store/state-store';
import { commitPlan } from './commit';
import { detectFolder, detectFolderOnHost, runGit, type FolderFacts, type GitRunner } from './detect';
import { hostSetupFiles } from './setup-files';
import type { DeploymentHost } from '../host/host';
import { formatLocation, parseLocation, type Location } from '../host/location';
import { SetupDraft } from './draft';
import { buildPlan, reviewOf } from './plan';
import type { CheckEnv, EnvEngine } from './ports';
import { finishChecklist, finishCommands } from './finish';
import type { ComposeSelection } from './compose-choice';

/**
 * The setup wizard's service (issue 5): the drafts held in main and the operations on them. A draft is
 * memory only; `discard`, the window closing and an idle timeout forget it, and nothing is written
 * before `commit`.
 */

export interface SetupServiceDeps {
  profile: StackProfile;
  env: EnvEngine;
  checkEnv: CheckEnv;
  logger: Logger;
  clock: () => Date;
  store: StateStore;
  journal: Journal;
  keychain: () => Promise<Keychain>;
  strength: () => StrengthChecker;
  hash: (password: string, cost: number) => Promise<string>;
  bcryptCost?: number;
  random?: RandomSource;
  git?: GitRunner;
  fs?: FsOps;
  /** Pushes progress to the window (PlatformBridge.emit in main). */
  emit?: (progress: SetupProgress) => void;
  /** A draft untouched for this long is forgotten (default 1 hour). */
  idleMs?: number;
  /** Opens a server's host for an `ssh://` location (CoreServices.openHost). */
  openHost?: (location: Location) => DeploymentHost;
  /** The app home: previous versions of the files setup replaces go to `previous/<deployment id>` there. */
  home: string;
}

export interface SetupService {
  begin(): { draftId: string };
  summary(draftId: string): DraftSummary;
  /** Takes a folder chosen in a dialog opened by main (null when cancelled). */
  chooseFolder(
    draftId: string,
    folder: string | null,
  ): Promise<{ cancelled: boolean; folder?: FolderView; existing?: ExistingView }>;
  setImport(draftId: string, decisions: Record<string, ImportDecision>): StepResult & { existing: ExistingView };
  setEnvironment(draftId: string, environment: Environment): StepResult & { existing: ExistingView | null };
  /**
   * Which compose files the deployment runs with (a set offered in FolderView.composeChoices, or named files).
   * @throws AppError SETUP_COMPOSE_CHOICE when the set or a file is not in the folder.
   */
  setComposeFiles(draftId: string, selection: ComposeSelection): StepResult & { composeFiles: string[] };
  setAddress(
    draftId: string,
    frontendUrl: string,
    corsOrigins: string[],
    applyCorsFix: boolean,
  ): StepResult & { frontendUrl: string; corsOrigins: string[] };
  revealGeneratedPassword(
    draftId: string,
    regenerate: boolean,
  ): { password: string; length: number; entropyBits: number };
  /** The generated password for main to put on the clipboard (never sent to the renderer by this call). */
  generatedPasswordForCopy(draftId: string): string;
  setPassword(
    draftId: string,
    mode: PasswordMode,
    input: { password?: string; confirmation?: string; stored?: boolean },
  ): Promise<StepResult & { score: number | null }>;
  setSecrets(
    draftId: string,
    providerKeys: Record<string, string>,
    clear: string[],
  ): StepResult & { secrets: SecretPlan[] };
  review(draftId: string): Promise<ReviewView>;
  commit(draftId: string): Promise<CommitResult>;
  discard(draftId: string): boolean;
  /** Forgets every draft (the window closed). */
  discardAll(): void;
  /** Number of drafts held (tests). */
  size(): number;
}

const MAX_DRAFTS = 8;

function folderView(facts: FolderFacts): Omit<FolderView, 'corsFix' | 'composeChoices'> {
  const notices: FolderView['notices'] = [];
  if (facts.git.envTracked) {
    notices.push({
      severity: 'error',
      message:
        '.env is tracked by git: its values are in the repository history and must be treated as exposed. Regenerate them in the next step, then run `git rm --cached .env` and commit.',
    });
  }
  if (facts.env.exists && (facts.env.mode & 0o077) !== 0) {
    notices.push({
      severity: 'warning',
      message: `.env can be read by other users of this machine (mode ${facts.env.mode.toString(8).padStart(4, '0')}). The new file is written with mode 0600.`,
    });
  }
  if (!facts.gitignore.coversEnv)
    notices.push({ severity: 'info', message: '.env is not covered by .gitignore; the setup adds it.' });
  if (!facts.git.gitAvailable)
    notices.push({
      severity: 'info',
      message: 'git is not installed, so whether .env is tracked could not be checked.',
    });
  if (facts.composeFiles.some((f) => f.role === 'production')) {
    notices.push({
      severity: 'info',
      message:
        'docker-compose.prod.yml is present. It does not mount .env into the api and never initialises the database (docs/crucible.md#the-production-compose-file); values reach its containers only through compose interpolation.',
    });
  }
  return {
    folder: facts.folder,
    name: basename(facts.folder),
    composeFiles: facts.composeFiles.map((f) => ({ name: f.name, role: f.role })),
    env: facts.env.exists
      ? {
          exists: true,
          bytes: facts.env.bytes,
          mode: facts.env.mode.toString(8).padStart(4, '0'),
          readableByOthers: (facts.env.mode & 0o077) !== 0,
        }
      : { exists: false },
    gitignore: { exists: facts.gitignore.exists, coversEnv: facts.gitignore.coversEnv },
    git: facts.git,
    notices,
  };
}

export function createSetupService(deps: SetupServiceDeps): SetupService {
  const drafts = new Map<string, SetupDraft>();
  /** Drafts for a deployment on a server: its host (one SSH connection), closed when the draft ends. */
  const remotes = new Map<string, { host: DeploymentHost; location: string }>();
  async function closeRemote(id: string): Promise<void> {
    const r = remotes.get(id);
    remotes.delete(id);
    await r?.host.close().catch(() => undefined);
  }
  const idle = deps.idleMs ?? 60 * 60 * 1000;

  const prune = () => {
    const now = deps.clock().getTime();
    for (const [id, d] of drafts) if (now - d.touchedAt.getTime() > idle) drafts.delete(id);
  };

  const get = (id: string): SetupDraft => {
    prune();
    const d = drafts.get(id);
    if (!d)
      throw new AppError(
        'SETUP_DRAFT_UNKNOWN',
        'This setup was closed or timed out, and nothing was written. Start the setup again.',
      );
    d.touchedAt = deps.clock();
    return d;
  };

  const emit = (draftId: string, phase: SetupProgress['phase'], message: string, fraction: number) => {
    deps.emit?.({ draftId, phase, message, fraction });
  };

  return {
    begin() {
      prune();
      if (drafts.size >= MAX_DRAFTS) {
        const oldest = [...drafts.values()].sort((a, b) => a.touchedAt.getTime() - b.touchedAt.getTime())[0];
        if (oldest) drafts.delete(oldest.id);
      }
      const id = randomBytes(18).toString('base64url');
      const draft = new SetupDraft(
        id,
        {
          profile: deps.profile,
          env: deps.env,
          checkEnv: deps.checkEnv,
          strength: deps.strength,
          redactor: deps.logger.redactor,
          random: deps.random,
          hash: deps.hash,
          bcryptCost: deps.bcryptCost,
          onProgress: (phase, message, fraction) => {
            emit(id, phase, message, fraction);
          },
        },
        deps.clock(),
      );
      drafts.set(id, draft);
      deps.logger.info('setup.begin', { draft: id.slice(0, 6) });
      return { draftId: id };
    },
    summary: (id) => get(id).summary(),
    async chooseFolder(id, folder) {
      const draft = get(id);
      if (folder === null) return { cancelled: true };
      await closeRemote(id);
      let facts: FolderFacts;
      let location: string;
      if (folder.startsWith('ssh://')) {
        // A deployment on a server: read (and later write) its files through the admin's OpenSSH.
        const loc = parseLocation(folder, '/');
        if (loc.kind !== 'ssh' || !deps.openHost)
          throw new AppError(
            'SETUP_NO_SSH',
            'Setting up a deployment on a server needs the SSH host support of the app.',
          );
        const host = deps.openHost(loc);
        location = formatLocation(loc);
        remotes.set(id, { host, location });
        facts = await detectFolderOnHost(host, loc.path);
      } else {
        facts = await detectFolder(folder, deps.git ?? runGit);
        location = facts.folder;
      }
      const state = await deps.store.read();
      if (state.deployments.some((d) => d.folder === location)) {
        throw new AppError(
          'SETUP_ALREADY_REGISTERED',
          'This folder is already set up as a deployment. Open it from the Dashboard instead; choose another folder to set up a new one.',
        );
      }
      // A server's deployment is shown (and registered) by its location, not by the path alone.
      const view = draft.setFolder(facts, { ...folderView(facts), folder: location });
      return { cancelled: false, folder: view, existing: draft.existingView() };
    },
    setImport: (id, decisions) => get(id).setImport(decisions),
    setEnvironment: (id, environment) => get(id).setEnvironment(environment),
    setComposeFiles: (id, selection) => get(id).setComposeFiles(selection),
    setAddress: (id, url, origins, fix) => get(id).setAddress(url, origins, fix),
    revealGeneratedPassword(id, regenerate) {
      const g = get(id).offerPassword(regenerate);
      deps.logger.info('setup.password-revealed', { draft: id.slice(0, 6) });
      return { password: g.value, length: g.length, entropyBits: Math.round(g.entropyBits) };
    },
    generatedPasswordForCopy(id) {
      const d = get(id);
      if (!d.offeredPassword) throw new AppError('SETUP_NO_PASSWORD', 'Generate a password first.');
      return d.offeredPassword.value;
    },
    setPassword: (id, mode, input) => get(id).setPassword(mode, input),
    setSecrets: (id, keys, clear) => get(id).setSecrets(keys, clear),
    review(id) {
      const d = get(id);
      const blockers = d.blockers();
      if (blockers.length > 0 || !d.environment) {
        return Promise.resolve({
          envFile: '.env',
          envExists: d.facts?.env.exists ?? false,
          envDiff: '',
          keychainService: '',
          keychain: [],
          secrets: d.facts ? d.secretPlan() : [],
          compose: [],
          gitignore: 'already-covered' as const,
          findings: [],
          untouched: [],
          blockers,
        });
      }
      const plan = buildPlan(d, deps.profile, deps.env, deps.clock());
      const review = reviewOf(plan, deps.profile, deps.checkEnv, d.environment, 'crucible-secrets/<new deployment id>');
      d.done.add('review');
      return Promise.resolve({ ...review, secrets: d.secretPlan() });
    },
    async commit(id) {
      const d = get(id);
      if (!d.done.has('review')) throw new AppError('SETUP_NOT_REVIEWED', 'Review the changes before committing them.');
      const environment = d.environment;
      const facts = d.facts;
      if (!environment || !facts) throw new AppError('SETUP_INCOMPLETE', 'The setup is not complete.');
      const plan = buildPlan(d, deps.profile, deps.env, deps.clock());
      // The files the admin chose (or the default set for the environment), validated against the folder.
      const composeFiles = d.composeFiles();
      const remote = remotes.get(id);
      const outcome = await commitPlan(
        {
          store: deps.store,
          journal: deps.journal,
          keychain: deps.keychain,
          logger: deps.logger,
          clock: deps.clock,
          fs: deps.fs,
          home: deps.home,
          files: remote ? hostSetupFiles(remote.host, deps.clock) : undefined,
          onProgress: (phase, message, fraction) => {
            emit(id, phase, message, fraction);
          },
        },
        { plan, name: d.deploymentName(), environment, composeFiles, location: remote?.location },
      );
      // Committed: the draft (and every value in it) is dropped at once.
      drafts.delete(id);
      await closeRemote(id);
      const findings = deps
        .checkEnv(plan.envAfter, environment)
        .filter((f) => !(plan.corsFixed && f.variable === 'ROUNDTABLE_CORS_ORIGINS' && f.code === 'ENV_NO_EFFECT'));
      return {
        deploymentId: outcome.deploymentId,
        deploymentName: d.deploymentName(),
        keychainService: outcome.service,
        envFile: plan.envPath,
        previousEnvKeptAs: outcome.previousEnvKeptAs,
        variables: outcome.variables,
        composeFiles,
        commands: finishCommands(facts, composeFiles),
        checklist: finishChecklist({ facts, environment, corsFixed: plan.corsFixed || d.corsFixes.length === 0 }),
        findings,
      };
    },
    discard(id) {
      const had = drafts.delete(id);
      void closeRemote(id);
      if (had) deps.logger.info('setup.discarded', { draft: id.slice(0, 6) });
      return had;
    },
    discardAll() {
      drafts.clear();
      for (const id of [...remotes.keys()]) void closeRemote(id);
    },
    size: () => drafts.size,
  };
}
