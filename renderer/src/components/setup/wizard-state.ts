import type {
  CommitResult,
  DraftSummary,
  ExistingView,
  FolderView,
  ImportDecision,
  ReviewView,
  SecretPlan,
  SetupProgress,
  StepIssue,
} from '../../../../electron/common/ipc/setup.ipc';
import type { Environment } from '../../../../electron/common/model/deployment';
import type { ComposeSet } from '../../../../electron/common/model/compose-choice';
import type { AddressForm } from './AddressStep';
import type { PasswordForm, Revealed } from './PasswordStep';

export const WIZARD_STEPS = [
  { id: 'folder', title: 'Folder' },
  { id: 'existing', title: 'Existing .env' },
  { id: 'environment', title: 'Environment' },
  { id: 'address', title: 'Public address' },
  { id: 'password', title: 'Login password' },
  { id: 'secrets', title: 'Secrets' },
  { id: 'review', title: 'Review' },
  { id: 'commit', title: 'Commit' },
  { id: 'finish', title: 'Finish' },
] as const;
export type StepId = (typeof WIZARD_STEPS)[number]['id'];

/**
 * What the wizard holds in the renderer: the draft itself lives in main; this is the form fields (so going
 * back shows what was entered) and the views main returned. Busy and error state live in useAction().
 */
export interface WizardState {
  draftId: string | null;
  step: StepId;
  summary: DraftSummary | null;
  folder: FolderView | null;
  existing: ExistingView | null;
  decisions: Record<string, ImportDecision>;
  environment: Environment | null;
  /** The compose set the admin picked; null: the preselected one for the environment (defaultComposeSet). */
  composeSet: ComposeSet | null;
  address: AddressForm;
  password: PasswordForm;
  /** The generated password, shown once: dropped when the password step is left. */
  revealed: Revealed | null;
  clearsAt: string | null;
  /** Provider keys typed on the secrets step; emptied once sent to main. */
  providerValues: Record<string, string>;
  review: ReviewView | null;
  plan: SecretPlan[];
  result: CommitResult | null;
  progress: SetupProgress | null;
  /** What main (or the wizard) found wrong with the current step; cleared when the step or its input changes. */
  issues: StepIssue[];
}

export type WizardAction =
  | { type: 'started'; draftId: string }
  | { type: 'go'; to: StepId }
  | { type: 'summary'; summary: DraftSummary }
  | { type: 'progress'; progress: SetupProgress | null }
  | { type: 'issues'; issues: StepIssue[] }
  | { type: 'folderChosen'; folder: FolderView; existing: ExistingView | null }
  | { type: 'existing'; existing: ExistingView }
  | { type: 'decision'; name: string; decision: ImportDecision }
  | { type: 'environment'; environment: Environment }
  | { type: 'composeSet'; set: ComposeSet }
  | { type: 'address'; form: AddressForm }
  | { type: 'addressSaved'; frontendUrl: string; corsOrigins: readonly string[] }
  | { type: 'password'; form: PasswordForm }
  | { type: 'passwordSaved' }
  | { type: 'revealed'; revealed: Revealed }
  | { type: 'copied'; clearsAt: string }
  | { type: 'providerValue'; name: string; value: string }
  | { type: 'providerValuesSent' }
  | { type: 'plan'; plan: SecretPlan[] }
  | { type: 'review'; review: ReviewView }
  | { type: 'committed'; result: CommitResult };

export const initialWizardState: WizardState = {
  draftId: null,
  step: 'folder',
  summary: null,
  folder: null,
  existing: null,
  decisions: {},
  environment: null,
  composeSet: null,
  address: { frontendUrl: '', corsText: '', applyCorsFix: true },
  password: { mode: 'generated', typed: '', confirmation: '', stored: false },
  revealed: null,
  clearsAt: null,
  providerValues: {},
  review: null,
  plan: [],
  result: null,
  progress: null,
  issues: [],
};

/** The next state of the wizard; pure, so every transition is unit-tested without a DOM. */
export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'started':
      return { ...state, draftId: action.draftId };
    case 'go': {
      // The generated password is shown once: gone when its step is left.
      const leavingPassword = state.step === 'password' && action.to !== 'password';
      return { ...state, step: action.to, issues: [], ...(leavingPassword ? { revealed: null, clearsAt: null } : {}) };
    }
    case 'summary':
      return { ...state, summary: action.summary };
    case 'progress':
      return { ...state, progress: action.progress };
    case 'issues':
      return { ...state, issues: action.issues };
    case 'folderChosen':
      // A new folder answers "choose the folder first" and makes earlier import choices meaningless.
      return {
        ...state,
        folder: action.folder,
        existing: action.existing,
        decisions: {},
        composeSet: null,
        revealed: null,
        issues: [],
        address: {
          ...state.address,
          applyCorsFix: action.folder.corsFix.length > 0 ? true : state.address.applyCorsFix,
        },
      };
    case 'existing':
      return { ...state, existing: action.existing };
    case 'decision':
      return { ...state, decisions: { ...state.decisions, [action.name]: action.decision } };
    case 'environment':
      return { ...state, environment: action.environment, issues: [] };
    case 'composeSet':
      return { ...state, composeSet: action.set, issues: [] };
    case 'address':
      return { ...state, address: action.form, issues: [] };
    case 'addressSaved':
      return {
        ...state,
        address: { ...state.address, frontendUrl: action.frontendUrl, corsText: action.corsOrigins.join('\n') },
      };
    case 'password':
      // Issues about a typed password (or a missing "I have stored it") are stale once the form changes.
      return { ...state, password: action.form, issues: [] };
    case 'passwordSaved':
      return { ...state, password: { ...state.password, typed: '', confirmation: '' } };
    case 'revealed':
      return { ...state, revealed: action.revealed, password: { ...state.password, stored: false }, clearsAt: null };
    case 'copied':
      return { ...state, clearsAt: action.clearsAt };
    case 'providerValue':
      return { ...state, providerValues: { ...state.providerValues, [action.name]: action.value } };
    case 'providerValuesSent':
      return { ...state, providerValues: {} };
    case 'plan':
      return { ...state, plan: action.plan };
    case 'review':
      return { ...state, review: action.review };
    case 'committed':
      return { ...state, result: action.result };
  }
}
