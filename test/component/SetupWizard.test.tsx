// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { SetupWizard } from '../../renderer/src/components/setup/SetupWizard';
import { ApiError } from '../../electron/common/ipc/api';
import type {
  CommitResult,
  DraftSummary,
  FolderView,
  PasswordMode,
  ReviewView,
  StepIssue,
} from '../../electron/common/ipc/setup.ipc';
import type { Environment } from '../../electron/common/model/deployment';
import { installFakeApi } from './fake-api';

const GENERATED = 'Gen3rated-Passw0rd_abcd';
const PROVIDER_KEY = 'sk-or-v1-CANARYcomponentProviderKey0123';

const folderView = (folder: string, prod = false): FolderView => ({
  folder,
  name: folder.split('/').pop() ?? folder,
  composeFiles: [
    { name: 'docker-compose.yml', role: 'default' },
    ...(prod ? [{ name: 'docker-compose.prod.yml', role: 'production' as const }] : []),
  ],
  env: { exists: false },
  gitignore: { exists: false, coversEnv: false },
  git: { isRepo: true, envTracked: false, gitAvailable: true },
  corsFix: [
    {
      file: 'docker-compose.yml',
      services: ['api'],
      diff: '--- a/docker-compose.yml\n+++ b/docker-compose.yml\n-      - ROUNDTABLE_CORS_ORIGINS=http://localhost:3000\n+      - ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:?}\n',
    },
  ],
  composeChoices: [
    { set: 'default', files: ['docker-compose.yml'], available: true },
    ...(prod ? [{ set: 'production' as const, files: ['docker-compose.prod.yml'], available: true }] : []),
  ],
  notices: [],
});

const review: ReviewView = {
  envFile: '/srv/crucible/.env',
  envExists: false,
  envDiff: '+++ .env\n+REDIS_PASSWORD=(64 characters, hidden)\n',
  keychainService: 'crucible-secrets/crucible',
  keychain: [{ variable: 'REDIS_PASSWORD', origin: 'generated' }],
  secrets: [],
  compose: [],
  gitignore: 'create',
  findings: [],
  untouched: [],
  blockers: [],
};

const result: CommitResult = {
  deploymentId: 'crucible',
  deploymentName: 'crucible',
  keychainService: 'crucible-secrets/crucible',
  envFile: '/srv/crucible/.env',
  previousEnvKeptAs: null,
  variables: ['REDIS_PASSWORD', 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD'],
  composeFiles: ['docker-compose.yml'],
  commands: [{ command: 'docker compose up -d', why: 'recreates the containers with the new .env' }],
  checklist: [],
  findings: [],
};

const ok = { ok: true, issues: [] as StepIssue[] };
const refused = (field: string, message: string) => ({
  ok: false,
  issues: [{ field, severity: 'error' as const, message }],
});

/**
 * A fake main for the wizard: it answers as setup.service does for the inputs these tests use (https only in
 * production, at least 15 typed characters, a generated password needs "I have stored it") and records calls.
 */
function fakeMain(
  opts: { commit?: () => Promise<CommitResult>; begin?: () => Promise<{ draftId: string }>; prod?: boolean } = {},
) {
  const calls: Array<{ verb: string; request: Record<string, unknown> }> = [];
  const record = (verb: string, request: object) => calls.push({ verb, request: { ...request } });
  let environment: Environment | null = null;
  let passwordMode: PasswordMode | null = null;
  const summary = (): DraftSummary => ({
    draftId: 'draft-1',
    done: [],
    folder: null,
    existing: null,
    environment,
    frontendUrl: null,
    corsOrigins: [],
    applyCorsFix: true,
    composeSet: null,
    composeFiles: [],
    password: { mode: passwordMode, set: passwordMode !== null, canKeep: false },
    providerKeys: [
      { name: 'ROUNDTABLE_OPENROUTER_API_KEY', description: 'OpenRouter key', set: false, fromEnv: false },
    ],
  });
  const chosen = (folder: string) =>
    Promise.resolve({
      cancelled: false,
      folder: folderView(folder, opts.prod),
      existing: { present: false, problems: [], findings: [], variables: [], untouched: [] },
    });
  installFakeApi({
    setup: {
      begin: opts.begin ?? (() => Promise.resolve({ draftId: 'draft-1' })),
      summary: () => Promise.resolve(summary()),
      chooseFolder: (r) => (record('chooseFolder', r), chosen('/srv/crucible')),
      chooseServer: (r) => (record('chooseServer', r), chosen(r.location)),
      setEnvironment: (r) => {
        record('setEnvironment', r);
        environment = r.environment;
        return Promise.resolve({ ...ok, existing: null });
      },
      setComposeFiles: (r) => {
        record('setComposeFiles', r);
        const files = r.set === 'production' ? ['docker-compose.prod.yml'] : ['docker-compose.yml'];
        return Promise.resolve({ ...ok, composeFiles: files });
      },
      setAddress: (r) => {
        record('setAddress', r);
        const bad = environment === 'production' && !r.frontendUrl.startsWith('https://');
        const answer = bad ? refused('frontendUrl', 'Production needs an https:// address.') : ok;
        return Promise.resolve({ ...answer, frontendUrl: r.frontendUrl, corsOrigins: r.corsOrigins });
      },
      revealGeneratedPassword: (r) => (
        record('revealGeneratedPassword', r),
        Promise.resolve({ password: GENERATED, length: 22, entropyBits: 131 })
      ),
      copyGeneratedPassword: (r) => (
        record('copyGeneratedPassword', r),
        Promise.resolve({ clearsAt: new Date(Date.now() + 30_000).toISOString() })
      ),
      setPassword: (r) => {
        record('setPassword', r);
        if (r.mode === 'typed' && (r.password ?? '').length < 15)
          return Promise.resolve({ ...refused('password', 'Use at least 15 characters.'), score: 0 });
        if (r.mode === 'generated' && r.stored !== true)
          return Promise.resolve({
            ...refused('stored', 'Confirm that you stored the password in your password manager.'),
            score: null,
          });
        passwordMode = r.mode;
        return Promise.resolve({ ...ok, score: null });
      },
      setSecrets: (r) => (
        record('setSecrets', r),
        Promise.resolve({
          ...ok,
          secrets: [{ name: 'REDIS_PASSWORD', action: 'generate' as const, length: 64, entropyBits: 384 }],
        })
      ),
      review: (r) => (record('review', r), Promise.resolve(review)),
      commit: (r) => (record('commit', r), (opts.commit ?? (() => Promise.resolve(result)))()),
      discard: (r) => (record('discard', r), Promise.resolve({ discarded: true })),
    },
    deployments: {},
    on: { setupProgress: () => () => undefined },
  });
  return { calls, verbs: () => calls.map((c) => c.verb) };
}

const next = () => {
  fireEvent.click(screen.getByRole('button', { name: 'Next' }));
};
const onStep = (id: string) => screen.findByTestId(`step-${id}`);

/** Folder (this computer), no existing .env, the given environment and an https address: lands on the password step. */
async function toPasswordStep(environment: RegExp = /Production/) {
  fireEvent.click(await screen.findByTestId('choose-folder'));
  await screen.findByTestId('folder-facts');
  next();
  await onStep('existing');
  next();
  await onStep('environment');
  fireEvent.click(screen.getByRole('radio', { name: environment }));
  next();
  await onStep('address');
  fireEvent.change(screen.getByRole('textbox', { name: /Public address/ }), {
    target: { value: 'https://crucible.example.org' },
  });
  next();
  await onStep('password');
}

afterEach(cleanup);

describe('SetupWizard', () => {
  it('walks a fresh folder to a finished deployment: folder, environment, address, generated password, secrets, review, finish', async () => {
    const main = fakeMain();
    render(<SetupWizard />);
    expect(await screen.findByRole('heading', { level: 2, name: 'Step 1 of 9: Folder' })).toBeTruthy();

    // Next before a folder: told to choose one; the message goes once a folder is chosen.
    next();
    expect((await screen.findByRole('alert')).textContent).toContain('Choose the deployment folder first.');
    fireEvent.click(screen.getByTestId('choose-folder'));
    expect((await screen.findByTestId('folder-facts')).textContent).toContain('/srv/crucible');
    expect(screen.queryByText('Choose the deployment folder first.')).toBeNull();
    expect(screen.getByTestId('choose-folder').textContent).toBe('Choose another folder…');
    next();

    expect(await screen.findByTestId('no-existing-env')).toBeTruthy();
    next();

    await onStep('environment');
    next();
    expect((await screen.findByRole('alert')).textContent).toContain('Choose an environment.');
    fireEvent.click(screen.getByRole('radio', { name: /Production/ }));
    expect(screen.queryByText('Choose an environment.')).toBeNull();
    next();

    // Public address: http refused in production; the origins follow the address; the CORS fix is previewed.
    await onStep('address');
    expect(screen.getByTestId('cors-fix').textContent).toContain(
      'ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:?}',
    );
    const address = screen.getByRole('textbox', { name: /Public address/ });
    fireEvent.change(address, { target: { value: 'http://crucible.example.org' } });
    next();
    expect((await screen.findByRole('alert')).textContent).toContain('https://');
    fireEvent.change(address, { target: { value: 'https://crucible.example.org' } });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: /Allowed origins/ }).value).toBe(
      'https://crucible.example.org',
    );
    next();

    // Back keeps what was entered.
    await onStep('password');
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect((await screen.findByRole<HTMLInputElement>('textbox', { name: /Public address/ })).value).toBe(
      'https://crucible.example.org',
    );
    next();

    // Login password: generated, shown once, copied by main; "I have stored it" is required.
    await onStep('password');
    fireEvent.click(screen.getByTestId('generate-password'));
    expect((await screen.findByTestId('generated-password')).textContent).toBe(GENERATED);
    fireEvent.click(screen.getByRole('button', { name: /Copy/ }));
    expect(await screen.findByText(/clipboard is cleared in \d+ s/)).toBeTruthy();
    next();
    expect((await screen.findByRole('alert')).textContent).toContain('stored the password');
    fireEvent.click(screen.getByLabelText(/I have stored this password/));
    expect(screen.queryByText(/stored the password in your password manager/)).toBeNull();
    next();

    // Secrets: the plan, and a provider key typed once and emptied after sending.
    await onStep('secrets');
    await waitFor(() => {
      expect(screen.getByTestId('secret-plan').textContent).toContain('REDIS_PASSWORD');
    });
    fireEvent.change(screen.getByLabelText(/ROUNDTABLE_OPENROUTER_API_KEY/), { target: { value: PROVIDER_KEY } });
    next();

    // Review, then write.
    await onStep('review');
    expect(screen.getByTestId('review-clean')).toBeTruthy();
    expect(document.body.textContent).not.toContain(GENERATED);
    expect(document.body.textContent).not.toContain(PROVIDER_KEY);
    fireEvent.click(screen.getByRole('button', { name: 'Write everything' }));

    expect((await screen.findByTestId('setup-done')).textContent).toContain('crucible');
    expect(screen.getByText('docker compose up -d')).toBeTruthy();
    expect(screen.getByTestId('recorded-compose-files').textContent).toContain('It runs with docker-compose.yml');
    expect(screen.getByRole('heading', { level: 2, name: 'Step 9 of 9: Finish' })).toBeTruthy();

    const sent = (verb: string) => main.calls.filter((c) => c.verb === verb).map((c) => c.request);
    expect(sent('setPassword')).toEqual([
      { draftId: 'draft-1', mode: 'generated', stored: false },
      { draftId: 'draft-1', mode: 'generated', stored: true },
    ]);
    expect(sent('setAddress').at(-1)).toEqual({
      draftId: 'draft-1',
      frontendUrl: 'https://crucible.example.org',
      corsOrigins: ['https://crucible.example.org'],
      applyCorsFix: true,
    });
    // The provider key went to main exactly once, with the step's Next.
    expect(main.calls.filter((c) => JSON.stringify(c.request).includes(PROVIDER_KEY)).map((c) => c.verb)).toEqual([
      'setSecrets',
    ]);
    expect(main.verbs()).toContain('commit');
    expect(main.verbs()).not.toContain('discard');
  });

  it('connects to a server folder by its ssh:// location', async () => {
    const main = fakeMain();
    render(<SetupWizard />);
    fireEvent.click(await screen.findByRole('radio', { name: 'On a server (SSH)' }));
    const connect = screen.getByTestId<HTMLButtonElement>('connect-server');
    expect(connect.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('server-location'), {
      target: { value: 'ssh://admin@crucible.example.org/srv/crucible' },
    });
    expect(connect.disabled).toBe(false);
    fireEvent.click(connect);
    expect((await screen.findByTestId('folder-facts')).textContent).toContain(
      'ssh://admin@crucible.example.org/srv/crucible',
    );
    expect(main.calls.find((c) => c.verb === 'chooseServer')?.request).toEqual({
      draftId: 'draft-1',
      location: 'ssh://admin@crucible.example.org/srv/crucible',
    });
    expect(main.verbs()).not.toContain('chooseFolder');
  });

  it('a typed password: main’s objection is shown, and goes when the admin switches to Generate', async () => {
    const main = fakeMain();
    render(<SetupWizard />);
    await toPasswordStep();
    fireEvent.click(screen.getByRole('radio', { name: /Type my own/ }));
    fireEvent.change(screen.getByLabelText('Login password'), { target: { value: 'too short' } });
    fireEvent.change(screen.getByLabelText('Type it again'), { target: { value: 'too short' } });
    next();
    expect((await screen.findByRole('alert')).textContent).toContain('Use at least 15 characters.');

    fireEvent.click(screen.getByRole('radio', { name: /Generate one/ }));
    expect(screen.queryByText('Use at least 15 characters.')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();

    // Back to typing: a long enough password is accepted and the fields are emptied once sent.
    fireEvent.click(screen.getByRole('radio', { name: /Type my own/ }));
    fireEvent.change(screen.getByLabelText('Login password'), { target: { value: 'four unrelated words here' } });
    fireEvent.change(screen.getByLabelText('Type it again'), { target: { value: 'four unrelated words here' } });
    next();
    await onStep('secrets');
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    await onStep('password');
    expect(screen.getByLabelText<HTMLInputElement>('Login password').value).toBe('');
    expect(screen.getByText(/A typed password is already set for this setup/)).toBeTruthy();
    expect(main.calls.filter((c) => c.verb === 'setPassword').map((c) => c.request.mode)).toEqual(['typed', 'typed']);
  });

  it('the generated password is shown once: gone after leaving the step', async () => {
    fakeMain();
    render(<SetupWizard />);
    await toPasswordStep(/Development/);
    fireEvent.click(screen.getByTestId('generate-password'));
    expect((await screen.findByTestId('generated-password')).textContent).toBe(GENERATED);
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    await onStep('address');
    next();
    await onStep('password');
    expect(screen.queryByTestId('generated-password')).toBeNull();
    expect(document.body.textContent).not.toContain(GENERATED);
  });

  it('a failed commit says nothing was changed and leads back to the review', async () => {
    fakeMain({ commit: () => Promise.reject(new ApiError('SETUP_FAILED', 'The keychain refused the entry.')) });
    render(<SetupWizard />);
    await toPasswordStep();
    fireEvent.click(screen.getByTestId('generate-password'));
    await screen.findByTestId('generated-password');
    fireEvent.click(screen.getByLabelText(/I have stored this password/));
    next();
    await onStep('secrets');
    next();
    await onStep('review');
    fireEvent.click(screen.getByRole('button', { name: 'Write everything' }));
    const error = await screen.findByTestId('step-error');
    expect(error.textContent).toBe(
      'The keychain refused the entry. Nothing was changed: go back to the review and try again.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Back to the review' }));
    await onStep('review');
    expect(screen.queryByTestId('step-error')).toBeNull();
  });

  it('asks which compose files the deployment runs with: the production file preselected for production', async () => {
    const main = fakeMain({ prod: true });
    render(<SetupWizard />);
    fireEvent.click(await screen.findByTestId('choose-folder'));
    await screen.findByTestId('folder-facts');
    next();
    await onStep('existing');
    next();
    await onStep('environment');
    const group = () => screen.getByRole('group', { name: /Which compose files/ });
    // Before an environment is chosen the default set is preselected; production switches to the prod file.
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /default compose files/ }).checked).toBe(true);
    fireEvent.click(screen.getByRole('radio', { name: /Production/ }));
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /production compose file/ }).checked).toBe(true);
    expect(group().textContent).toContain('the front door read these files');
    expect(group().textContent).not.toContain('`');
    next();
    await onStep('address');
    const sent = main.calls.filter((c) => c.verb === 'setComposeFiles').map((c) => c.request);
    expect(sent).toEqual([{ draftId: 'draft-1', set: 'production' }]);

    // Back, and the admin picks the default set: that is what main is told.
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    await onStep('environment');
    fireEvent.click(screen.getByRole('radio', { name: /default compose files/ }));
    next();
    await onStep('address');
    expect(main.calls.filter((c) => c.verb === 'setComposeFiles').at(-1)?.request).toEqual({
      draftId: 'draft-1',
      set: 'default',
    });
  });

  it('shows no compose choice when the folder offers one set only', async () => {
    const main = fakeMain();
    render(<SetupWizard />);
    await toPasswordStep();
    expect(main.calls.find((c) => c.verb === 'setComposeFiles')?.request).toEqual({
      draftId: 'draft-1',
      set: 'default',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Back' }));
    await onStep('environment');
    expect(screen.queryByRole('group', { name: /Which compose files/ })).toBeNull();
  });

  it('says in words when the setup cannot start', async () => {
    fakeMain({ begin: () => Promise.reject(new ApiError('INTERNAL', 'Another setup is open in this window.')) });
    render(<SetupWizard />);
    await waitFor(() => {
      expect(screen.getByRole('alert').textContent).toBe('Another setup is open in this window.');
    });
  });
});
