// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { SecretsPage } from '../../renderer/src/pages/SecretsPage';
import { DashboardPage } from '../../renderer/src/pages/DashboardPage';
import { ApiError } from '../../electron/common/ipc/api';
import type { DriftReport, SecretList } from '../../electron/common/ipc/secrets.ipc';
import { demoDeployment, installFakeApi } from './fake-api';

const deployment = demoDeployment;
const list: SecretList = {
  deploymentId: 'demo-one',
  keychainProblem: null,
  refs: [
    {
      name: 'REDIS_PASSWORD',
      kind: 'secret',
      fingerprint: '0123456789abcdef',
      created: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      rotated: null,
      generation: 1,
      origin: 'generated',
      status: 'ok',
    },
    {
      name: 'POSTGRES_PASSWORD',
      kind: 'secret',
      fingerprint: null,
      created: null,
      rotated: null,
      generation: null,
      origin: null,
      status: 'missing',
    },
  ],
};
const drift: DriftReport = {
  deploymentId: 'demo-one',
  envFile: '/srv/demo/.env',
  envFound: true,
  inSync: false,
  items: [
    {
      name: 'REDIS_PASSWORD',
      status: 'differs',
      keychainFingerprint: '0123456789abcdef',
      envFingerprint: 'ffffffffffffffff',
    },
    {
      name: 'POSTGRES_PASSWORD',
      status: 'keychain-missing',
      keychainFingerprint: null,
      envFingerprint: 'aaaaaaaaaaaaaaaa',
    },
  ],
};

function fake(overrides: Record<string, unknown> = {}) {
  const calls: string[] = [];
  installFakeApi({
    deployments: {
      get: () => Promise.resolve(deployment),
      list: () => Promise.resolve({ deployments: [deployment], notice: null }),
    },
    secrets: {
      list: () => Promise.resolve(list),
      drift: () => Promise.resolve(drift),
      previousVersions: () => Promise.resolve([]),
      reveal: ({ name }) => {
        calls.push(`reveal:${name}`);
        return Promise.resolve({ name, value: 'revealed-value-123' });
      },
      copy: ({ name }) => {
        calls.push(`copy:${name}`);
        return Promise.resolve({ name, clearsAt: new Date(Date.now() + 30_000).toISOString(), seconds: 30 });
      },
      ...overrides,
    },
  });
  return calls;
}

beforeEach(() => {
  window.location.hash = '#/secrets/demo-one';
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('SecretsPage', () => {
  it('lists names, grouped fingerprints, age, status and drift badges — and no value', async () => {
    fake();
    render(<SecretsPage />);
    const row = within(await screen.findByTestId('secret-REDIS_PASSWORD'));
    expect(row.getByText('0123 4567 89ab cdef')).toBeTruthy();
    expect(row.getByText('3 days')).toBeTruthy();
    // No green OK beside a red ".env differs": the keychain side is described neutrally.
    expect(row.getByTestId('status-badge').textContent).toBe('Keychain as recorded');
    expect(row.getByTestId('status-badge').className).not.toContain('badge-ok');
    expect(row.getByTestId('drift-badge').textContent).toBe('.env differs');
    const missing = within(screen.getByTestId('secret-POSTGRES_PASSWORD'));
    expect(missing.getByTestId('status-badge').textContent).toBe('Missing from keychain');
    expect(missing.getByRole<HTMLButtonElement>('button', { name: 'Copy POSTGRES_PASSWORD' }).disabled).toBe(true);
    expect(screen.getByTestId('drift-summary').textContent).toContain('disagree');
    expect(document.body.textContent).not.toContain('revealed-value-123');
  });

  it('reveals only on request, and hides the value again after 30 s', async () => {
    const calls = fake();
    render(<SecretsPage />);
    const row = within(await screen.findByTestId('secret-REDIS_PASSWORD'));
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    fireEvent.click(row.getByRole('button', { name: 'Reveal REDIS_PASSWORD' }));
    await act(async () => {
      await Promise.resolve();
    });
    expect(row.getByTestId('revealed-value').textContent).toBe('revealed-value-123');
    expect(calls).toEqual(['reveal:REDIS_PASSWORD']);
    act(() => {
      vi.advanceTimersByTime(31_000);
    });
    expect(row.queryByTestId('revealed-value')).toBeNull();
  });

  it('copies through main and shows a countdown that ends', async () => {
    const calls = fake();
    render(<SecretsPage />);
    const row = within(await screen.findByTestId('secret-REDIS_PASSWORD'));
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    fireEvent.click(row.getByRole('button', { name: 'Copy REDIS_PASSWORD' }));
    await act(async () => {
      await Promise.resolve();
    });
    expect(row.getByTestId('copy-countdown').textContent).toContain('30 s');
    act(() => {
      vi.advanceTimersByTime(10_000);
    });
    expect(row.getByTestId('copy-countdown').textContent).toContain('20 s');
    act(() => {
      vi.advanceTimersByTime(21_000);
    });
    expect(row.queryByTestId('copy-countdown')).toBeNull();
    expect(calls).toEqual(['copy:REDIS_PASSWORD']);
    expect(document.body.textContent).not.toContain('revealed-value-123');
  });

  it('shows the keychain problem instead of failing', async () => {
    fake({
      list: () =>
        Promise.resolve({
          ...list,
          keychainProblem: { code: 'KEYCHAIN_LOCKED', message: 'The keychain is locked. Unlock it.' },
          refs: list.refs.map((r) => ({ ...r, status: 'unavailable' as const })),
        }),
    });
    render(<SecretsPage />);
    expect((await screen.findByTestId('keychain-problem')).textContent).toContain('locked');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Reveal REDIS_PASSWORD' }).disabled).toBe(true);
  });

  it('shows a failed reveal’s message', async () => {
    fake({
      reveal: () => Promise.reject(new ApiError('SECRET_NOT_FOUND', 'The keychain has no value for REDIS_PASSWORD.')),
    });
    render(<SecretsPage />);
    fireEvent.click(await screen.findByRole('button', { name: 'Reveal REDIS_PASSWORD' }));
    expect((await screen.findByRole('alert')).textContent).toContain('no value for REDIS_PASSWORD');
  });
});

describe('DashboardPage', () => {
  it('lists deployments from the state with a link to their secrets, and the state notice', async () => {
    installFakeApi({
      deployments: {
        list: () =>
          Promise.resolve({
            deployments: [deployment],
            notice: { code: 'STATE_RECOVERED', message: 'The app state file was damaged.' },
          }),
      },
    });
    render(<DashboardPage />);
    expect((await screen.findByRole('link', { name: 'Secrets of Demo' })).getAttribute('href')).toBe(
      '#/secrets/demo-one',
    );
    expect(screen.getByTestId('state-notice').textContent).toContain('damaged');
  });

  it('says when there is no deployment yet', async () => {
    installFakeApi({ deployments: { list: () => Promise.resolve({ deployments: [], notice: null }) } });
    render(<DashboardPage />);
    expect(await screen.findByTestId('no-deployments')).toBeTruthy();
  });
});
