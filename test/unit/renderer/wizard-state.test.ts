import { describe, expect, it } from 'vitest';
import type { FolderView, StepIssue } from '../../../electron/common/ipc/setup.ipc';
import {
  initialWizardState,
  wizardReducer,
  type WizardAction,
  type WizardState,
} from '../../../renderer/src/components/setup/wizard-state';

const folder = (corsFiles: string[] = []): FolderView => ({
  folder: '/srv/crucible',
  name: 'crucible',
  composeFiles: [{ name: 'docker-compose.yml', role: 'default' }],
  env: { exists: false },
  gitignore: { exists: false, coversEnv: false },
  git: { isRepo: true, envTracked: false, gitAvailable: true },
  corsFix: corsFiles.map((file) => ({ file, services: ['api'], diff: `--- a/${file}\n+++ b/${file}\n` })),
  composeChoices: [{ set: 'default', files: ['docker-compose.yml'], available: true }],
  notices: [],
});
const issue = (message: string): StepIssue => ({ field: 'x', severity: 'error', message });

function play(...actions: WizardAction[]): WizardState {
  return actions.reduce(wizardReducer, initialWizardState);
}

describe('wizardReducer', () => {
  it('starts on the folder step with nothing chosen, and does not change the state it is given', () => {
    const before = structuredClone(initialWizardState);
    const after = wizardReducer(initialWizardState, { type: 'started', draftId: 'd1' });
    expect(after.draftId).toBe('d1');
    expect(after.step).toBe('folder');
    expect(initialWizardState).toEqual(before);
  });

  it('a chosen folder clears "choose the folder first", earlier import choices and a shown password', () => {
    const s = play(
      { type: 'started', draftId: 'd1' },
      { type: 'issues', issues: [issue('Choose the deployment folder first.')] },
      { type: 'decision', name: 'REDIS_PASSWORD', decision: 'regenerate' },
      { type: 'revealed', revealed: { password: 'p', length: 22, entropyBits: 131 } },
      { type: 'folderChosen', folder: folder(), existing: null },
    );
    expect(s.issues).toEqual([]);
    expect(s.decisions).toEqual({});
    expect(s.revealed).toBeNull();
    expect(s.folder?.folder).toBe('/srv/crucible');
  });

  it('a folder whose compose file hard-codes CORS turns the fix back on; one without keeps the admin’s choice', () => {
    const off = play({ type: 'address', form: { frontendUrl: '', corsText: '', applyCorsFix: false } });
    expect(
      wizardReducer(off, { type: 'folderChosen', folder: folder(['docker-compose.yml']), existing: null }).address
        .applyCorsFix,
    ).toBe(true);
    expect(wizardReducer(off, { type: 'folderChosen', folder: folder(), existing: null }).address.applyCorsFix).toBe(
      false,
    );
  });

  it('moving to another step clears its issues; leaving the password step forgets the password shown once', () => {
    const onPassword = play(
      { type: 'go', to: 'password' },
      { type: 'revealed', revealed: { password: 'shown-once', length: 10, entropyBits: 60 } },
      { type: 'copied', clearsAt: '2026-12-06T00:00:30.000Z' },
      { type: 'issues', issues: [issue('Confirm that you stored the password.')] },
    );
    expect(onPassword.revealed?.password).toBe('shown-once');
    const left = wizardReducer(onPassword, { type: 'go', to: 'secrets' });
    expect(left.revealed).toBeNull();
    expect(left.clearsAt).toBeNull();
    expect(left.issues).toEqual([]);
    // Staying on the step (a re-render of the same step) keeps it.
    expect(wizardReducer(onPassword, { type: 'go', to: 'password' }).revealed?.password).toBe('shown-once');
  });

  it('issues about a typed password go when the admin switches to Generate', () => {
    const typed = play(
      { type: 'go', to: 'password' },
      {
        type: 'password',
        form: { mode: 'typed', typed: 'password123456789', confirmation: 'password123456789', stored: false },
      },
      { type: 'issues', issues: [issue('This password is on a list of common passwords.')] },
    );
    expect(typed.issues).toHaveLength(1);
    const switched = wizardReducer(typed, { type: 'password', form: { ...typed.password, mode: 'generated' } });
    expect(switched.issues).toEqual([]);
    expect(switched.password.mode).toBe('generated');
  });

  it('a new generated password must be confirmed as stored again; a saved typed password leaves the fields empty', () => {
    const stored = play({ type: 'password', form: { mode: 'generated', typed: '', confirmation: '', stored: true } });
    expect(
      wizardReducer(stored, { type: 'revealed', revealed: { password: 'x', length: 1, entropyBits: 1 } }).password
        .stored,
    ).toBe(false);
    const typed = play(
      {
        type: 'password',
        form: {
          mode: 'typed',
          typed: 'a long typed passphrase',
          confirmation: 'a long typed passphrase',
          stored: false,
        },
      },
      { type: 'passwordSaved' },
    );
    expect(typed.password).toEqual({ mode: 'typed', typed: '', confirmation: '', stored: false });
  });

  it('the address follows what main normalised; editing it clears its issues', () => {
    const s = play(
      { type: 'address', form: { frontendUrl: 'https://crucible.example.org/', corsText: 'x', applyCorsFix: true } },
      { type: 'issues', issues: [issue('Production needs https://.')] },
    );
    expect(
      wizardReducer(s, { type: 'address', form: { ...s.address, frontendUrl: 'https://c.example.org' } }).issues,
    ).toEqual([]);
    const saved = wizardReducer(s, {
      type: 'addressSaved',
      frontendUrl: 'https://crucible.example.org',
      corsOrigins: ['https://a.example.org', 'https://b.example.org'],
    });
    expect(saved.address).toEqual({
      frontendUrl: 'https://crucible.example.org',
      corsText: 'https://a.example.org\nhttps://b.example.org',
      applyCorsFix: true,
    });
    expect(saved.issues).toHaveLength(1);
  });

  it('choosing an environment clears "Choose an environment."', () => {
    const s = play(
      { type: 'issues', issues: [issue('Choose an environment.')] },
      { type: 'environment', environment: 'staging' },
    );
    expect(s.environment).toBe('staging');
    expect(s.issues).toEqual([]);
  });

  it('typed provider keys are kept per name and emptied once sent', () => {
    const s = play(
      { type: 'providerValue', name: 'A', value: '1' },
      { type: 'providerValue', name: 'B', value: '2' },
      { type: 'providerValue', name: 'A', value: '3' },
    );
    expect(s.providerValues).toEqual({ A: '3', B: '2' });
    expect(wizardReducer(s, { type: 'providerValuesSent' }).providerValues).toEqual({});
  });

  it('records what main returned: summary, progress, plan, review and the commit result', () => {
    const s = play(
      { type: 'progress', progress: { draftId: 'd1', phase: 'hashing', message: 'Hashing', fraction: 0.5 } },
      { type: 'plan', plan: [{ name: 'REDIS_PASSWORD', action: 'generate', length: 64 }] },
      { type: 'existing', existing: { present: true, problems: [], findings: [], variables: [], untouched: [] } },
    );
    expect(s.progress?.fraction).toBe(0.5);
    expect(s.plan.map((p) => p.name)).toEqual(['REDIS_PASSWORD']);
    expect(s.existing?.present).toBe(true);
    expect(wizardReducer(s, { type: 'progress', progress: null }).progress).toBeNull();
  });
});
