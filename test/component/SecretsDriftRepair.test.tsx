// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { SecretsPage } from '../../renderer/src/pages/SecretsPage';
import { ApiError } from '../../electron/common/ipc/api';
import type { DriftDirection, DriftReport, SecretList } from '../../electron/common/ipc/secrets.ipc';
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
      created: new Date().toISOString(),
      rotated: null,
      generation: 1,
      origin: 'generated',
      status: 'ok',
    },
  ],
};
const differs: DriftReport = {
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
  ],
};
const inSync: DriftReport = {
  ...differs,
  inSync: true,
  items: [
    {
      name: 'REDIS_PASSWORD',
      status: 'in-sync',
      keychainFingerprint: '0123456789abcdef',
      envFingerprint: '0123456789abcdef',
    },
  ],
};
const TOKEN = 'a'.repeat(64);

function fake(opts: { repairFails?: boolean } = {}) {
  let drift = differs;
  const calls: string[] = [];
  let listener: ((e: { deploymentId: string }) => void) | null = null;
  installFakeApi({
    deployments: { get: () => Promise.resolve(deployment) },
    rotation: { overview: () => Promise.reject(new Error('not needed')) },
    previousVersions: undefined,
    secrets: {
      list: () => Promise.resolve(list),
      drift: () => {
        calls.push('drift');
        return Promise.resolve(drift);
      },
      previousVersions: () => Promise.resolve([]),
      watchEnv: () => Promise.resolve({ watching: true }),
      unwatchEnv: () => {
        calls.push('unwatch');
        return Promise.resolve({});
      },
      previewDriftRepair: ({ name, direction }: { name: string; direction: DriftDirection }) => {
        calls.push(`preview:${direction}`);
        const diff =
          direction === 'keychain-to-env'
            ? `--- .env\n+++ .env\n@@ -1 +1 @@\n-${name}=[value withheld] (20 characters, fingerprint ffffffffffffffff)\n+${name}=[value withheld] (22 characters, fingerprint 0123456789abcdef)\n`
            : `keychain: ${name} fingerprint 0123456789abcdef → ffffffffffffffff\n`;
        return Promise.resolve({
          deploymentId: 'demo-one',
          name,
          direction,
          file: '.env',
          diff,
          keychainFingerprint: '0123456789abcdef',
          envFingerprint: 'ffffffffffffffff',
          token: TOKEN,
        });
      },
      repairDrift: ({ name, direction, token }: { name: string; direction: DriftDirection; token: string }) => {
        calls.push(`repair:${direction}:${token === TOKEN ? 'token' : 'other'}`);
        if (opts.repairFails)
          return Promise.reject(
            new ApiError(
              'DRIFT_REPAIR_STALE',
              'The .env file or the keychain changed since the preview. Nothing was written; check drift again and look at the new preview.',
            ),
          );
        drift = inSync;
        return Promise.resolve({
          deploymentId: 'demo-one',
          name,
          direction,
          fingerprint: '0123456789abcdef',
          previousKept: true,
        });
      },
    },
    on: {
      secretsEnvChanged: (l: (e: { deploymentId: string }) => void) => {
        listener = l;
        return () => {
          listener = null;
        };
      },
    },
  } as never);
  return {
    calls,
    setDrift: (d: DriftReport) => (drift = d),
    fire: () => listener?.({ deploymentId: 'demo-one' }),
    hasListener: () => listener !== null,
  };
}

beforeEach(() => {
  window.location.hash = '#/secrets/demo-one';
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('Secrets page: drift repair', () => {
  it('keychain → .env: preview with values withheld, write, and the row turns in sync', async () => {
    const { calls } = fake();
    render(<SecretsPage />);
    const row = within(await screen.findByTestId('secret-REDIS_PASSWORD'));
    fireEvent.click(row.getByRole('button', { name: 'Repair REDIS_PASSWORD' }));
    fireEvent.click(row.getByRole('button', { name: "Write the keychain's value to .env" }));
    const diff = await row.findByTestId('fix-diff');
    expect(diff.textContent).toContain('+REDIS_PASSWORD=[value withheld]');
    fireEvent.click(row.getByRole('button', { name: 'Write to .env' }));
    expect(await row.findByTestId('repair-done')).toBeTruthy();
    expect(calls).toContain('repair:keychain-to-env:token');
    await waitFor(() => {
      expect(row.getByTestId('drift-badge').textContent).toBe('.env in sync');
    });
    expect(row.getByTestId('status-badge').textContent).toBe('OK');
    expect(row.queryByRole('button', { name: 'Repair REDIS_PASSWORD' })).toBeNull();
  });

  it('adopting into the keychain needs an explicit confirmation; a stale preview shows the reason', async () => {
    const { calls } = fake({ repairFails: true });
    render(<SecretsPage />);
    const row = within(await screen.findByTestId('secret-REDIS_PASSWORD'));
    fireEvent.click(row.getByRole('button', { name: 'Repair REDIS_PASSWORD' }));
    fireEvent.click(row.getByRole('button', { name: 'Adopt the .env value into the keychain' }));
    expect((await row.findByTestId('fix-diff')).textContent).toContain(
      'keychain: REDIS_PASSWORD fingerprint 0123456789abcdef → ffffffffffffffff',
    );
    const adopt = row.getByRole<HTMLButtonElement>('button', { name: 'Adopt into the keychain' });
    expect(adopt.disabled).toBe(true);
    fireEvent.click(row.getByRole('checkbox'));
    expect(adopt.disabled).toBe(false);
    fireEvent.click(adopt);
    expect((await row.findByRole('alert')).textContent).toContain('changed since the preview');
    expect(calls).toContain('repair:env-to-keychain:token');
  });

  it('re-checks drift when main says the .env changed, and stops watching when the page closes', async () => {
    const f = fake();
    const { unmount } = render(<SecretsPage />);
    const row = within(await screen.findByTestId('secret-REDIS_PASSWORD'));
    expect(row.getByTestId('drift-badge').textContent).toBe('.env differs');
    await waitFor(() => {
      expect(f.hasListener()).toBe(true);
    });
    f.setDrift(inSync);
    f.fire();
    await waitFor(() => {
      expect(row.getByTestId('drift-badge').textContent).toBe('.env in sync');
    });
    expect(screen.getByTestId('drift-summary').textContent).toContain('matches');
    unmount();
    expect(f.calls).toContain('unwatch');
    expect(f.hasListener()).toBe(false);
  });
});
