import { basename } from 'node:path';
import { AppError } from '../../common/errors';
import type { Environment } from '../../common/model/deployment';
import type {
  DraftSummary,
  ExistingView,
  FolderView,
  ImportDecision,
  PasswordMode,
  SecretPlan,
  SetupStep,
  StepIssue,
  StepResult,
} from '../../common/ipc/setup.ipc';
import { BCRYPT_DEFAULT_COST, BCRYPT_MAX_PASSWORD_BYTES, isBcryptHash } from '../hashing/bcrypt';
import { generatePassword, generateSecret, type GeneratedSecret, type RandomSource } from '../secrets/generate';
import type { StrengthChecker } from '../secrets/strength';
import type { StackProfile, Variable } from '../stack/profile';
import type { Redactor } from '../log/redact';
import { diffSecretNames, secretVariablesFrom } from '../audit/secret-variables';
import { checkAddress } from './address-rules';
import { planCorsFixes, type CorsFix } from './cors-fix';
import { planSetupComposeChanges } from './compose-env-fix';
import type { DiffSecrets } from '../compose/redact-diff';
import type { FolderFacts } from './detect';
import { analyseExisting, existingView, importableVariables, type ExistingAnalysis } from './existing';
import { checkTypedPassword, contextWords } from './password-rules';
import type { CheckEnv, EnvEngine } from './ports';
import { composeChoices, resolveComposeSelection, type ComposeSelection } from './compose-choice';
import type { ComposeChoice } from '../../common/model/compose-choice';

/**
 * The wizard's one draft (KeePassXC's new-database wizard: one object built across pages, each page
 * validating itself, handed over only at the end). It lives in main only; secret values never leave it
 * except through the generated-password reveal. Every step method validates its own entries and records
 * them even when they are refused, so going back and forth keeps what was entered.
 */

export interface DraftDeps {
  profile: StackProfile;
  env: EnvEngine;
  checkEnv: CheckEnv;
  strength: () => StrengthChecker;
  redactor: Redactor;
  random?: RandomSource;
  hash: (password: string, cost: number) => Promise<string>;
  bcryptCost?: number;
  onProgress?: (phase: 'hashing', message: string, fraction: number) => void;
}

export const STEP_ORDER: readonly SetupStep[] = [
  'folder',
  'existing',
  'environment',
  'address',
  'password',
  'secrets',
  'review',
];

const LOGIN = 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD';

function issue(field: string, message: string, severity: StepIssue['severity'] = 'error'): StepIssue {
  return { field, severity, message };
}

function result(issues: StepIssue[]): StepResult {
  return { ok: !issues.some((i) => i.severity === 'error'), issues };
}

export interface PasswordState {
  mode: PasswordMode;
  /** The plain password (generated or typed), kept until commit so a changed cost or back-and-forth can re-hash. */
  plain: string | null;
  /** The `.env` value: a bcrypt hash (or the existing hash when kept). */
  hash: string;
}

export class SetupDraft {
  readonly createdAt: Date;
  touchedAt: Date;
  facts: FolderFacts | null = null;
  folderView: FolderView | null = null;
  corsFixes: CorsFix[] = [];
  /** Redaction for compose diffs (secret names and the existing `.env`'s values), set with the folder. */
  composeDiffSecrets: DiffSecrets = {};
  /** False when a compose file cannot take the production entries safely (compose-env-fix.ts); a notice says so. */
  productionEntriesFixable = true;
  existing: ExistingAnalysis | null = null;
  readonly decisions = new Map<string, ImportDecision>();
  environment: Environment | null = null;
  /** The compose files chosen (null: the default set for the environment, compose-choice.ts). */
  composeSelection: ComposeSelection | null = null;
  address: { frontendUrl: string; corsOrigins: string[]; applyCorsFix: boolean } | null = null;
  /** The generated login password offered to the admin, until they choose a mode. */
  offeredPassword: GeneratedSecret | null = null;
  password: PasswordState | null = null;
  readonly providerKeys = new Map<string, string>();
  /** Generated values, made once per draft so that going back does not change them. */
  readonly generated = new Map<string, GeneratedSecret>();
  readonly done = new Set<SetupStep>();

  constructor(
    readonly id: string,
    private readonly deps: DraftDeps,
    now: Date,
  ) {
    this.createdAt = now;
    this.touchedAt = now;
  }

  private get profile(): StackProfile {
    return this.deps.profile;
  }

  /** The profile's secret-holding variables (a database user name is sensitive but not a secret value). */
  private sensitiveVariables(): Variable[] {
    return this.profile.variables
      .filter((v) => v.sensitive && v.kind !== 'identifier')
      .map((v) => ({ ...v, kind: v.kind === 'url' || v.kind === 'legacy' ? 'secret' : v.kind }));
  }

  private remember(value: string): void {
    if (value.length >= 4) this.deps.redactor.register(value);
  }

  // ---- Step 1: folder -----------------------------------------------------------------------------------

  /** Takes the detected folder; everything entered for an earlier folder is dropped. */
  setFolder(facts: FolderFacts, view: Omit<FolderView, 'corsFix' | 'composeChoices'>): FolderView {
    this.facts = facts;
    this.existing = null;
    this.composeSelection = null;
    this.decisions.clear();
    this.done.clear();
    this.generated.clear();
    this.password = null;
    this.providerKeys.clear();
    let fixes: CorsFix[] = [];
    const notices = [...view.notices];
    if (facts.env.exists) {
      this.existing = analyseExisting(facts.env.text, this.environment, this.deps.env, this.deps.checkEnv);
      // Only secret values are registered: settings such as ROUNDTABLE_ENVIRONMENT=production or a URL are
      // not secrets, and registering them would make the journal refuse the deployment's own entries.
      const secret = secretVariablesFrom(this.sensitiveVariables(), this.existing.read.values.keys()).secret;
      for (const [name, v] of this.existing.read.values) if (secret.has(name)) this.remember(v);
    }
    const secretNames = [...secretVariablesFrom(this.profile.variables).secret];
    const secretValues = secretNames
      .map((n) => this.existing?.read.values.get(n))
      .filter((v): v is string => v !== undefined);
    // A diff withholds the literal values of legacy secrets too (the audit's set leaves them out).
    const diffNames = [...secretNames, ...diffSecretNames(this.profile.variables)];
    try {
      fixes = planCorsFixes(facts.composeFiles, { names: diffNames, values: secretValues });
    } catch (e) {
      notices.push({
        severity: 'warning',
        message: `A compose file hard-codes ROUNDTABLE_CORS_ORIGINS but cannot be edited safely (${e instanceof AppError ? e.message : 'unexpected form'}). Change it by hand.`,
      });
    }
    this.corsFixes = fixes;
    this.composeDiffSecrets = { names: diffNames, values: secretValues };
    this.productionEntriesFixable = true;
    try {
      planSetupComposeChanges(facts.composeFiles, fixes, this.profile.mountedEnvReaders ?? [], this.composeDiffSecrets);
    } catch (e) {
      this.productionEntriesFixable = false;
      notices.push({
        severity: 'warning',
        message: `A compose file does not pass ROUNDTABLE_ENVIRONMENT and the other production settings to the api, and cannot be edited safely (${e instanceof AppError ? e.message : 'unexpected form'}). Add them by hand (docs/crucible.md, "What each compose file passes").`,
      });
    }
    this.folderView = {
      ...view,
      notices,
      corsFix: fixes.map((f) => ({ file: f.file, services: f.services, diff: f.diff })),
      composeChoices: this.composeChoices(),
    };
    this.done.add('folder');
    if (!facts.env.exists) this.done.add('existing');
    return this.folderView;
  }

  existingView(): ExistingView {
    return existingView(this.profile, this.existing, this.decisions, this.deps.env);
  }

  // ---- Step 2: existing .env ---------------------------------------------------------------------------

  setImport(decisions: Record<string, ImportDecision>): StepResult & { existing: ExistingView } {
    this.requireFolder();
    const issues: StepIssue[] = [];
    const importable = new Set(importableVariables(this.profile).map((v) => v.name));
    for (const [name, d] of Object.entries(decisions)) {
      if (!importable.has(name)) {
        issues.push(issue(name, `${name} is not a value the wizard imports or regenerates.`));
        continue;
      }
      this.decisions.set(name, d);
    }
    const view = this.existingView();
    for (const v of view.variables) {
      if (decisions[v.name] === 'import' && !v.canImport)
        issues.push(
          issue(
            v.name,
            `${v.name} cannot be kept: ${v.whyNotImport ?? 'Crucible would refuse it'}. It will be regenerated.`,
            'warning',
          ),
        );
    }
    const r = result(issues);
    if (r.ok) this.done.add('existing');
    return { ...r, existing: view };
  }

  // ---- Step 3: environment -----------------------------------------------------------------------------

  setEnvironment(environment: Environment): StepResult & { existing: ExistingView | null } {
    this.requireFolder();
    this.environment = environment;
    if (this.facts?.env.exists)
      this.existing = analyseExisting(this.facts.env.text, environment, this.deps.env, this.deps.checkEnv);
    this.done.add('environment');
    // Entries checked under another environment must be checked again.
    if (this.address) this.checkAddressStep();
    if (this.password) this.done.delete('password');
    return { ok: true, issues: [], existing: this.existing ? this.existingView() : null };
  }

  /** The compose file sets this folder offers (compose-choice.ts). */
  composeChoices(): ComposeChoice[] {
    return this.facts ? composeChoices(this.facts, this.existing?.read.values ?? null) : [];
  }

  /**
   * Chooses the compose files the deployment runs with (recorded at commit).
   * @throws AppError SETUP_COMPOSE_CHOICE when the set or a file is not in the folder (nothing changed).
   */
  setComposeFiles(selection: ComposeSelection): StepResult & { composeFiles: string[] } {
    this.requireFolder();
    const facts = this.facts;
    if (!facts) throw new AppError('SETUP_STEP_ORDER', 'Choose the deployment folder first.');
    const files = resolveComposeSelection(facts, this.composeChoices(), selection, this.environment);
    this.composeSelection = 'set' in selection ? { set: selection.set } : { files };
    return { ok: true, issues: [], composeFiles: files };
  }

  /**
   * The compose files to record: the chosen ones, else the default set for the environment.
   * @throws AppError SETUP_COMPOSE_CHOICE when no usable set is left (e.g. only an unusable COMPOSE_FILE).
   */
  composeFiles(): string[] {
    if (!this.facts) return [];
    return resolveComposeSelection(this.facts, this.composeChoices(), this.composeSelection, this.environment);
  }

  // ---- Step 4: public address --------------------------------------------------------------------------

  setAddress(
    frontendUrl: string,
    corsOrigins: string[],
    applyCorsFix: boolean,
  ): StepResult & { frontendUrl: string; corsOrigins: string[] } {
    this.requireFolder();
    this.address = { frontendUrl, corsOrigins, applyCorsFix };
    const r = this.checkAddressStep();
    return r;
  }

  private checkAddressStep(): StepResult & { frontendUrl: string; corsOrigins: string[] } {
    const a = this.address;
    if (!a)
      return {
        ok: false,
        issues: [issue('frontendUrl', 'Enter the public address.')],
        frontendUrl: '',
        corsOrigins: [],
      };
    const env = this.environment ?? 'production';
    const verdict = checkAddress({ frontendUrl: a.frontendUrl, corsOrigins: a.corsOrigins }, env);
    const issues: StepIssue[] = [...verdict.issues];
    if (this.corsFixes.length > 0 && !a.applyCorsFix) {
      const files = this.corsFixes.map((f) => f.file).join(', ');
      issues.push(
        issue(
          'applyCorsFix',
          `${files} hard-code${this.corsFixes.length === 1 ? 's' : ''} ROUNDTABLE_CORS_ORIGINS=http://localhost:3000, which beats .env: ${env === 'production' ? 'Crucible refuses to start in production mode' : 'your origins will have no effect'} until the compose file takes the value from .env.`,
          env === 'production' ? 'error' : 'warning',
        ),
      );
    }
    const r = result(issues);
    if (verdict.ok) {
      a.frontendUrl = verdict.frontendUrl;
      a.corsOrigins = verdict.corsOrigins;
    }
    if (r.ok) this.done.add('address');
    else this.done.delete('address');
    return { ...r, frontendUrl: verdict.frontendUrl, corsOrigins: verdict.corsOrigins };
  }

  // ---- Step 5: login password --------------------------------------------------------------------------

  /** The generated password to show once (a new one when `regenerate`). */
  offerPassword(regenerate: boolean): GeneratedSecret {
    this.requireFolder();
    if (!this.offeredPassword || regenerate) {
      const login = this.variable(LOGIN);
      const length =
        login?.generator.type === 'bcrypt-login-password' ? Math.max(login.generator.passwordLength, 22) : 22;
      this.offeredPassword = generatePassword(length, this.deps.random);
      this.remember(this.offeredPassword.value);
    }
    return this.offeredPassword;
  }

  /** What the existing `.env` holds for the login password, and whether keeping it is allowed. */
  keepOption(): { canKeep: boolean; note?: string } {
    const value = this.existing?.read.values.get(LOGIN);
    if (value === undefined || value === '') return { canKeep: false };
    if (isBcryptHash(value))
      return {
        canKeep: true,
        note: 'The existing .env holds a bcrypt hash of the login password; keeping it keeps the current password.',
      };
    const env = this.environment ?? 'production';
    if (value === 'admin' || this.profile.weakValues.includes(value.toLowerCase()) || Array.from(value).length < 8) {
      return {
        canKeep: false,
        note: 'The existing login password is one Crucible refuses (weak or shorter than 8 characters); choose a new one.',
      };
    }
    if (Buffer.byteLength(value, 'utf8') > BCRYPT_MAX_PASSWORD_BYTES)
      return {
        canKeep: false,
        note: `The existing login password is longer than ${BCRYPT_MAX_PASSWORD_BYTES} bytes and cannot be hashed; choose a new one.`,
      };
    return {
      canKeep: true,
      note: `The existing .env holds the login password in plain text; keeping it stores its bcrypt hash instead${env === 'production' ? ' (production requires a hash)' : ''}.`,
    };
  }

  async setPassword(
    mode: PasswordMode,
    input: { password?: string; confirmation?: string; stored?: boolean },
  ): Promise<StepResult & { score: number | null }> {
    this.requireFolder();
    const issues: StepIssue[] = [];
    const cost = this.deps.bcryptCost ?? BCRYPT_DEFAULT_COST;
    let plain: string | null = null;
    let keptHash: string | null = null;
    let score: number | null = null;
    if (mode === 'generated') {
      if (!this.offeredPassword) issues.push(issue('password', 'Generate a password first.'));
      else if (input.stored !== true)
        issues.push(
          issue('stored', 'Confirm that you stored the password in your password manager: it is shown only now.'),
        );
      else plain = this.offeredPassword.value;
    } else if (mode === 'typed') {
      const pw = input.password ?? '';
      this.remember(pw);
      if (input.confirmation !== undefined) this.remember(input.confirmation);
      const verdict = await checkTypedPassword(
        pw,
        this.deps.strength(),
        this.profile.weakValues,
        contextWords(this.address?.frontendUrl ?? null),
      );
      score = verdict.score;
      for (const p of verdict.problems) issues.push(issue('password', p));
      if (pw !== (input.confirmation ?? ''))
        issues.push(issue('confirmation', 'The two entries differ. Type the same password twice.'));
      if (issues.length === 0) plain = pw;
    } else {
      const keep = this.keepOption();
      const value = this.existing?.read.values.get(LOGIN);
      if (!keep.canKeep || value === undefined)
        issues.push(issue('password', keep.note ?? 'There is no login password in the existing .env to keep.'));
      else if (isBcryptHash(value)) keptHash = value;
      else plain = value;
    }
    if (issues.some((i) => i.severity === 'error')) {
      this.done.delete('password');
      return { ...result(issues), score };
    }
    let hash = keptHash;
    if (plain !== null) {
      this.deps.onProgress?.('hashing', `Hashing the login password with bcrypt (cost ${cost})…`, 0);
      hash = await this.deps.hash(plain, cost);
      this.deps.onProgress?.('hashing', 'The login password is hashed.', 1);
    }
    if (hash === null) throw new AppError('INTERNAL', 'No password to store.');
    this.remember(hash);
    this.password = { mode, plain, hash };
    this.done.add('password');
    return { ok: true, issues, score };
  }

  // ---- Step 6: secrets ---------------------------------------------------------------------------------

  setSecrets(providerKeys: Record<string, string>, clear: readonly string[]): StepResult & { secrets: SecretPlan[] } {
    this.requireFolder();
    const issues: StepIssue[] = [];
    const allowed = new Set(this.providerVariables().map((v) => v.name));
    for (const name of clear) this.providerKeys.delete(name);
    for (const [name, raw] of Object.entries(providerKeys)) {
      const value = raw.trim();
      if (!allowed.has(name)) {
        issues.push(issue(name, `${name} is not a provider key of this stack.`));
        continue;
      }
      if (value === '') continue;
      this.remember(value);
      const unsafe = this.deps.env.unsafeReason(value);
      if (unsafe)
        issues.push(
          issue(name, `${name} cannot be written to .env safely: ${unsafe}. Check that you pasted the key only.`),
        );
      else if (value.length < 8 || /\s/.test(value))
        issues.push(issue(name, `${name} does not look like an API key (too short or contains spaces).`));
      else this.providerKeys.set(name, value);
    }
    const r = result(issues);
    if (r.ok) this.done.add('secrets');
    else this.done.delete('secrets');
    return { ...r, secrets: this.secretPlan() };
  }

  providerVariables(): Variable[] {
    return this.profile.variables.filter((v) => v.kind === 'provider-key');
  }

  /** For each generated secret: generate, or import the existing value when the admin chose so. */
  secretPlan(): SecretPlan[] {
    const plan: SecretPlan[] = [];
    for (const v of importableVariables(this.profile)) {
      const imported = this.importedValue(v.name);
      if (imported !== null) plan.push({ name: v.name, action: 'import', length: imported.length });
      else {
        const g = this.generatedValue(v);
        plan.push({ name: v.name, action: 'generate', length: g.length, entropyBits: Math.round(g.entropyBits) });
      }
    }
    if (this.password)
      plan.push({
        name: LOGIN,
        action: this.password.mode === 'keep' && this.password.plain === null ? 'import' : 'hash',
        length: this.password.hash.length,
      });
    for (const v of this.providerVariables()) {
      const typed = this.providerKeys.get(v.name);
      const existing = this.existing?.read.values.get(v.name);
      if (typed !== undefined) plan.push({ name: v.name, action: 'typed', length: typed.length });
      else if (existing) plan.push({ name: v.name, action: 'import', length: existing.length });
    }
    return plan;
  }

  /** The existing value of a generated secret when it is being kept, else null. */
  importedValue(name: string): string | null {
    if (!this.existing) return null;
    const view = this.existingView().variables.find((v) => v.name === name);
    if (!view || view.decision !== 'import') return null;
    return this.existing.read.values.get(name) ?? null;
  }

  generatedValue(v: Variable): GeneratedSecret {
    let g = this.generated.get(v.name);
    if (!g) {
      if (v.generator.type !== 'random') throw new AppError('INTERNAL', `${v.name} has no random generator.`);
      g = generateSecret({ alphabet: v.generator.alphabet, length: v.generator.length, random: this.deps.random });
      this.remember(g.value);
      this.generated.set(v.name, g);
    }
    return g;
  }

  // ---- Whole-draft views -------------------------------------------------------------------------------

  /** Reasons the draft cannot be committed yet (empty when it can). */
  blockers(): string[] {
    const out: string[] = [];
    if (!this.facts) return ['Choose the deployment folder.'];
    if (!this.environment) out.push('Choose the environment.');
    if (!this.address || !this.done.has('address')) out.push('Enter a valid public address and CORS origins.');
    if (!this.password || !this.done.has('password')) out.push('Set the login password.');
    if (this.facts.env.exists && !this.done.has('existing')) out.push('Decide what to keep from the existing .env.');
    if (!this.done.has('secrets')) out.push('Confirm the secrets step.');
    if (this.composeFilesOrNone().length === 0) out.push('Choose the compose files the deployment runs with.');
    return out;
  }

  summary(): DraftSummary {
    const keep = this.keepOption();
    return {
      draftId: this.id,
      done: STEP_ORDER.filter((s) => this.done.has(s)),
      folder: this.folderView,
      existing: this.existing ? this.existingView() : null,
      environment: this.environment,
      frontendUrl: this.address?.frontendUrl ?? null,
      corsOrigins: this.address?.corsOrigins ?? [],
      applyCorsFix: this.address?.applyCorsFix ?? this.corsFixes.length > 0,
      composeSet: this.composeSelection && 'set' in this.composeSelection ? this.composeSelection.set : null,
      composeFiles: this.composeFilesOrNone(),
      password: {
        mode: this.password?.mode ?? null,
        set: this.password !== null,
        canKeep: keep.canKeep,
        keepNote: keep.note,
      },
      providerKeys: this.providerVariables().map((v) => ({
        name: v.name,
        description: v.description,
        set: this.providerKeys.has(v.name),
        fromEnv: Boolean(this.existing?.read.values.get(v.name)),
      })),
    };
  }

  private composeFilesOrNone(): string[] {
    try {
      return this.composeFiles();
    } catch (e) {
      if (e instanceof AppError) return [];
      throw e;
    }
  }

  deploymentName(): string {
    return this.facts ? basename(this.facts.folder) : 'crucible';
  }

  private variable(name: string): Variable | undefined {
    return this.profile.variables.find((v) => v.name === name);
  }

  /** Every change after the review makes the review stale: commit needs a fresh one. */
  private requireFolder(): void {
    if (!this.facts) throw new AppError('SETUP_STEP_ORDER', 'Choose the deployment folder first.');
    this.done.delete('review');
  }
}
