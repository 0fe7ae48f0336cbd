import { z } from 'zod';
import { channel, event, req } from './contract';
import { Environment } from '../model/deployment';
import { Finding } from '../model/finding';
import { ComposeChoice, ComposeSet } from '../model/compose-choice';

/**
 * The setup wizard (issue 5). One draft lives in main (KeePassXC's new-database wizard is the model):
 * `begin` creates it, each step sends its entries and gets them validated against the draft, `review`
 * shows the exact change, `commit` writes everything at once, `discard` forgets it. Closing the window
 * discards too; nothing is written before `commit`.
 *
 * Secret values cross to the renderer in exactly one place: `revealGeneratedPassword`, which returns the
 * generated login password once so the admin can store it. Values typed by the admin (login password,
 * provider keys) cross renderer → main once and are never sent back.
 */

export const DraftId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const VarName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/)
  .max(80);

export const SetupStep = z.enum(['folder', 'existing', 'environment', 'address', 'password', 'secrets', 'review']);
export type SetupStep = z.infer<typeof SetupStep>;

export const StepIssue = z.object({
  field: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
});
export type StepIssue = z.infer<typeof StepIssue>;

export const StepResult = z.object({ ok: z.boolean(), issues: z.array(StepIssue) });
export type StepResult = z.infer<typeof StepResult>;

export const ComposeChange = z.object({ file: z.string(), services: z.array(z.string()), diff: z.string() });
export type ComposeChange = z.infer<typeof ComposeChange>;

export const FolderView = z.object({
  folder: z.string(),
  name: z.string(),
  composeFiles: z.array(z.object({ name: z.string(), role: z.enum(['default', 'override', 'production']) })),
  env: z.object({
    exists: z.boolean(),
    bytes: z.number().int().optional(),
    mode: z.string().optional(),
    readableByOthers: z.boolean().optional(),
  }),
  gitignore: z.object({ exists: z.boolean(), coversEnv: z.boolean() }),
  git: z.object({ isRepo: z.boolean(), envTracked: z.boolean(), gitAvailable: z.boolean() }),
  /** Compose files that hard-code ROUNDTABLE_CORS_ORIGINS (which beats `.env`), with the fix as a diff. */
  corsFix: z.array(ComposeChange),
  /** The compose file sets the deployment can run with (setup asks with the environment). */
  composeChoices: z.array(ComposeChoice),
  notices: z.array(z.object({ severity: z.enum(['error', 'warning', 'info']), message: z.string() })),
});
export type FolderView = z.infer<typeof FolderView>;

export const ImportDecision = z.enum(['import', 'regenerate']);
export type ImportDecision = z.infer<typeof ImportDecision>;

export const ExistingVariable = z.object({
  name: z.string(),
  kind: z.string(),
  decision: ImportDecision,
  recommended: ImportDecision,
  /** False when the value cannot be kept (weak, unsafe to write, refused by Crucible in this environment). */
  canImport: z.boolean(),
  whyNotImport: z.string().optional(),
  /** What regenerating this one costs, in plain words. */
  consequence: z.string(),
  severity: z.enum(['none', 'low', 'high']),
  findings: z.array(z.string()),
});
export type ExistingVariable = z.infer<typeof ExistingVariable>;

export const ExistingView = z.object({
  present: z.boolean(),
  problems: z.array(z.object({ line: z.number().int(), message: z.string(), fatal: z.boolean() })),
  findings: z.array(Finding),
  variables: z.array(ExistingVariable),
  /** Keys of the existing `.env` the wizard leaves exactly as they are. */
  untouched: z.array(z.string()),
});
export type ExistingView = z.infer<typeof ExistingView>;

export const ChooseFolderResult = z.object({
  cancelled: z.boolean(),
  folder: FolderView.optional(),
  existing: ExistingView.optional(),
});

export const PasswordMode = z.enum(['generated', 'typed', 'keep']);
export type PasswordMode = z.infer<typeof PasswordMode>;

export const DraftSummary = z.object({
  draftId: DraftId,
  done: z.array(SetupStep),
  folder: FolderView.nullable(),
  existing: ExistingView.nullable(),
  environment: Environment.nullable(),
  frontendUrl: z.string().nullable(),
  corsOrigins: z.array(z.string()),
  applyCorsFix: z.boolean(),
  /** The compose set the admin chose; null: the default for the environment (defaultComposeSet). */
  composeSet: ComposeSet.nullable(),
  /** The compose files that will be recorded, in merge order. */
  composeFiles: z.array(z.string()),
  password: z.object({
    mode: PasswordMode.nullable(),
    set: z.boolean(),
    canKeep: z.boolean(),
    keepNote: z.string().optional(),
  }),
  providerKeys: z.array(
    z.object({ name: z.string(), description: z.string(), set: z.boolean(), fromEnv: z.boolean() }),
  ),
});
export type DraftSummary = z.infer<typeof DraftSummary>;

export const SecretPlan = z.object({
  name: z.string(),
  action: z.enum(['generate', 'import', 'hash', 'typed']),
  length: z.number().int(),
  entropyBits: z.number().optional(),
});
export type SecretPlan = z.infer<typeof SecretPlan>;

export const ReviewView = z.object({
  envFile: z.string(),
  envExists: z.boolean(),
  /** Unified diff of `.env` with every value masked. */
  envDiff: z.string(),
  keychainService: z.string(),
  keychain: z.array(z.object({ variable: z.string(), origin: z.enum(['generated', 'imported', 'typed']) })),
  secrets: z.array(SecretPlan),
  compose: z.array(ComposeChange),
  gitignore: z.enum(['add-entry', 'create', 'already-covered']),
  findings: z.array(Finding),
  untouched: z.array(z.string()),
  blockers: z.array(z.string()),
});
export type ReviewView = z.infer<typeof ReviewView>;

export const CommitResult = z.object({
  deploymentId: z.string(),
  deploymentName: z.string(),
  keychainService: z.string(),
  envFile: z.string(),
  previousEnvKeptAs: z.string().nullable(),
  variables: z.array(z.string()),
  /** The compose files recorded for the deployment (what the commands name with `-f`). */
  composeFiles: z.array(z.string()),
  commands: z.array(z.object({ command: z.string(), why: z.string() })),
  checklist: z.array(z.object({ id: z.string(), text: z.string(), done: z.boolean() })),
  findings: z.array(Finding),
});
export type CommitResult = z.infer<typeof CommitResult>;

export const setupChannels = {
  begin: channel('setup', 'begin', req({}), z.object({ draftId: DraftId })),
  summary: channel('setup', 'summary', req({ draftId: DraftId }), DraftSummary),
  /** Main opens the OS folder dialog; the renderer never sends a path. */
  chooseFolder: channel('setup', 'chooseFolder', req({ draftId: DraftId }), ChooseFolderResult),
  /**
   * A deployment on a server: the admin types its `ssh://[user@]host[:port]/absolute/path` (there is no
   * dialog for a remote folder). Main parses it strictly (host/location.ts) and reaches it with the admin's
   * own OpenSSH; a local path is refused here — local folders come from the OS dialog only.
   */
  chooseServer: channel(
    'setup',
    'chooseServer',
    req({
      draftId: DraftId,
      location: z
        .string()
        .min(7)
        .max(1000)
        .regex(/^ssh:\/\//),
    }),
    ChooseFolderResult,
  ),
  setImport: channel(
    'setup',
    'setImport',
    req({ draftId: DraftId, decisions: z.record(VarName, ImportDecision) }),
    StepResult.extend({ existing: ExistingView }),
  ),
  setEnvironment: channel(
    'setup',
    'setEnvironment',
    req({ draftId: DraftId, environment: Environment }),
    StepResult.extend({ existing: ExistingView.nullable() }),
  ),
  /**
   * Which compose files the deployment runs with: one of the sets of FolderView.composeChoices. Recorded in
   * the deployment; the audit, rotation and the front door read exactly these files.
   */
  setComposeFiles: channel(
    'setup',
    'setComposeFiles',
    req({ draftId: DraftId, set: ComposeSet }),
    StepResult.extend({ composeFiles: z.array(z.string()) }),
  ),
  setAddress: channel(
    'setup',
    'setAddress',
    req({
      draftId: DraftId,
      frontendUrl: z.string().max(2000),
      corsOrigins: z.array(z.string().max(2000)).max(20),
      applyCorsFix: z.boolean(),
    }),
    StepResult.extend({ frontendUrl: z.string(), corsOrigins: z.array(z.string()) }),
  ),
  /** The one channel that sends a secret to the renderer: the generated login password, to be stored by the admin. */
  revealGeneratedPassword: channel(
    'setup',
    'revealGeneratedPassword',
    req({ draftId: DraftId, regenerate: z.boolean() }),
    z.object({ password: z.string(), length: z.number().int(), entropyBits: z.number() }),
  ),
  /** Main copies the generated password and clears the clipboard after 30 s if it still holds it. */
  copyGeneratedPassword: channel(
    'setup',
    'copyGeneratedPassword',
    req({ draftId: DraftId }),
    z.object({ clearsAt: z.string() }),
  ),
  setPassword: channel(
    'setup',
    'setPassword',
    req({
      draftId: DraftId,
      mode: PasswordMode,
      password: z.string().max(1000).optional(),
      confirmation: z.string().max(1000).optional(),
      stored: z.boolean().optional(),
    }),
    StepResult.extend({ score: z.number().nullable() }),
  ),
  setSecrets: channel(
    'setup',
    'setSecrets',
    req({
      draftId: DraftId,
      providerKeys: z.record(VarName, z.string().max(4000)),
      clearProviderKeys: z.array(VarName).max(20),
    }),
    StepResult.extend({ secrets: z.array(SecretPlan) }),
  ),
  review: channel('setup', 'review', req({ draftId: DraftId }), ReviewView),
  commit: channel('setup', 'commit', req({ draftId: DraftId }), CommitResult),
  discard: channel('setup', 'discard', req({ draftId: DraftId }), z.object({ discarded: z.boolean() })),
};

/** Progress of the slow parts (bcrypt hashing, the commit), pushed to the window. */
export const SetupProgress = z.object({
  draftId: DraftId,
  phase: z.enum(['hashing', 'keychain', 'files', 'state', 'done', 'failed']),
  message: z.string(),
  /** 0..1 */
  fraction: z.number().min(0).max(1),
});
export type SetupProgress = z.infer<typeof SetupProgress>;

export const setupEvents = {
  setupProgress: event('setup', 'progress', SetupProgress),
};
