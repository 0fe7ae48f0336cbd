// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { RunView } from '../../renderer/src/components/rotation/RunView';
import type { RotationView } from '../../electron/common/ipc/rotation.ipc';
import { installFakeApi } from './fake-api';

const PASSWORD = 'Gen3rated-login-pw_22ch';

const view: RotationView = {
  id: 'rot-0123456789abcdef',
  deploymentId: 'demo-one',
  variable: 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
  playbook: 'login-password',
  status: 'in-progress',
  reason: 'scheduled',
  startedAt: '2026-11-30T10:00:00.000Z',
  finishedAt: null,
  generation: 2,
  blastRadius: { cost: 'low', servicesRecreated: ['api'], usersLose: 'nothing', downtime: 'seconds' },
  verify: [],
  steps: [
    {
      id: 'stage',
      kind: 'app',
      title: 'Generate the new value',
      detail: '',
      commands: [],
      requires: [],
      optional: false,
      state: 'done',
      failure: null,
      at: null,
      by: 'app',
      ready: true,
    },
    {
      id: 'write-env',
      kind: 'app',
      title: 'Write .env',
      detail: '',
      commands: [],
      requires: ['stage'],
      optional: false,
      state: 'todo',
      failure: null,
      at: null,
      by: null,
      ready: true,
    },
  ],
  canRunCommands: false,
  blocking: ['write-env'],
  exportFile: null,
  sqlFile: null,
  newPasswordWaiting: true,
};

afterEach(cleanup);

describe('Rotation: a generated login password is shown once', () => {
  it('asks main once, shows the password, keeps it on screen, and unlocks writing .env only then', async () => {
    let reveals = 0;
    installFakeApi({
      rotation: {
        revealNewPassword: () => {
          reveals++;
          return Promise.resolve({ password: PASSWORD });
        },
      },
    });
    render(<RunView initial={view} onChanged={() => undefined} />);
    expect(screen.queryByText(PASSWORD)).toBeNull();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Write .env' }).disabled).toBe(true);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Show the new password (once)' }));
      await Promise.resolve();
    });
    expect(await screen.findByText(PASSWORD)).toBeTruthy();
    expect(reveals).toBe(1);
    expect(screen.queryByRole('button', { name: 'Show the new password (once)' })).toBeNull();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Write .env' }).disabled).toBe(false);
  });

  it('shows nothing to reveal for a typed password', () => {
    installFakeApi({});
    render(<RunView initial={{ ...view, newPasswordWaiting: false }} onChanged={() => undefined} />);
    expect(screen.queryByTestId('new-password-once')).toBeNull();
  });
});
