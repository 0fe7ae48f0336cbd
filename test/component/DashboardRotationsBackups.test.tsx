// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { DashboardPage } from '../../renderer/src/pages/DashboardPage';
import { SecretsPage } from '../../renderer/src/pages/SecretsPage';
import type { DashboardEntryView } from '../../electron/common/ipc/audit.ipc';
import type { PolicyItem } from '../../electron/common/ipc/rotation.ipc';
import type { SecretList } from '../../electron/common/ipc/secrets.ipc';
import { installFakeApi } from './fake-api';

const prod = {
  id: 'crucible-prod',
  name: 'Prod',
  folder: '/srv/prod',
  composeFiles: [],
  environment: 'production' as const,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const dev = { ...prod, id: 'crucible-dev', name: 'Dev', folder: '/srv/dev', environment: 'development' as const };

function entry(d: DashboardEntryView['deployment'], over: Partial<DashboardEntryView>): DashboardEntryView {
  return {
    deployment: { id: d.id, name: d.name, environment: d.environment },
    counts: { critical: 0, error: 0, warning: 1, info: 0 },
    worst: 'warning',
    checkedAt: '2026-11-30T12:00:00.000Z',
    error: null,
    checklist: { verified: 0, manual: 0, failing: 0, todo: 0, unknown: 0, due: 0, overdue: 0 },
    rotations: { overdue: [], due: [] },
    newestBackupAt: null,
    newestBackupAgeDays: null,
    activeIncident: false,
    ...over,
  };
}

afterEach(() => {
  cleanup();
});

describe('Dashboard: rotations due and newest backup', () => {
  it('names the overdue and due secrets with links to their rotation, and the backup age with a link to Backup', async () => {
    installFakeApi({
      deployments: { list: () => Promise.resolve({ deployments: [prod, dev], notice: null }) },
      audit: {
        dashboard: () =>
          Promise.resolve({
            deployments: [
              entry(prod, {
                rotations: { overdue: ['ROUNDTABLE_JWT_SECRET', 'REDIS_PASSWORD'], due: ['POSTGRES_PASSWORD'] },
                newestBackupAt: '2026-11-20T00:00:00.000Z',
                newestBackupAgeDays: 10,
              }),
              entry(dev, {}),
            ],
          }),
      },
    });
    render(<DashboardPage />);
    const row = within(await screen.findByTestId('dash-crucible-prod'));
    const rotations = within(row.getByTestId('dash-rotations'));
    expect(rotations.getByRole('link', { name: '2 overdue' }).getAttribute('href')).toBe('#/rotation/crucible-prod');
    expect(rotations.getByRole('link', { name: '1 due' }).getAttribute('href')).toBe('#/rotation/crucible-prod');
    expect(rotations.getByRole('link', { name: 'REDIS_PASSWORD' }).getAttribute('href')).toBe(
      '#/rotation/crucible-prod/REDIS_PASSWORD',
    );
    expect(rotations.getByRole('link', { name: 'POSTGRES_PASSWORD' }).getAttribute('href')).toBe(
      '#/rotation/crucible-prod/POSTGRES_PASSWORD',
    );
    expect(row.getByRole('link', { name: '10 days old' }).getAttribute('href')).toBe('#/backup');

    const other = within(screen.getByTestId('dash-crucible-dev'));
    expect(
      within(other.getByTestId('dash-rotations')).getByRole('link', { name: 'none due' }).getAttribute('href'),
    ).toBe('#/rotation/crucible-dev');
    expect(other.getByRole('link', { name: 'no backup yet' }).getAttribute('href')).toBe('#/backup');
  });
});

describe('Secrets page: overdue badge from the rotation policy', () => {
  const list: SecretList = {
    deploymentId: 'crucible-prod',
    keychainProblem: null,
    refs: ['ROUNDTABLE_JWT_SECRET', 'REDIS_PASSWORD'].map((name) => ({
      name,
      kind: 'secret',
      fingerprint: '0123456789abcdef',
      created: '2026-01-01T00:00:00.000Z',
      rotated: null,
      generation: 1,
      origin: 'generated' as const,
      status: 'ok' as const,
    })),
  };
  /** The secrets calls the Secrets page makes: the list above, with the .env in sync. */
  const secrets = {
    list: () => Promise.resolve(list),
    drift: () =>
      Promise.resolve({
        deploymentId: 'crucible-prod',
        envFile: '/srv/prod/.env',
        envFound: true,
        inSync: true,
        items: [],
      }),
  };
  const item = (variable: string, overdue: boolean): PolicyItem => ({
    variable,
    playbook: 'env-and-recreate',
    rotatable: true,
    maxAgeDays: 180,
    lastChanged: '2026-01-01T00:00:00.000Z',
    ageDays: overdue ? 333 : 20,
    overdue,
    generation: 1,
    pendingId: null,
  });

  it('badges only the overdue secret, linking to its rotation', async () => {
    window.location.hash = '#/secrets/crucible-prod';
    installFakeApi({
      deployments: { get: () => Promise.resolve(prod) },
      secrets,
      rotation: {
        overview: () =>
          Promise.resolve({
            deploymentId: 'crucible-prod',
            order: [],
            items: [item('ROUNDTABLE_JWT_SECRET', true), item('REDIS_PASSWORD', false)],
            pending: [],
          }),
      },
    });
    render(<SecretsPage />);
    const overdue = within(await screen.findByTestId('secret-ROUNDTABLE_JWT_SECRET')).getByTestId('overdue-badge');
    expect(overdue.textContent).toBe('rotation overdue');
    expect(overdue.getAttribute('href')).toBe('#/rotation/crucible-prod/ROUNDTABLE_JWT_SECRET');
    expect(overdue.getAttribute('aria-label')).toContain('333 days old, maximum 180');
    expect(within(screen.getByTestId('secret-REDIS_PASSWORD')).queryByTestId('overdue-badge')).toBeNull();
  });

  it('still lists the secrets when the rotation policy cannot be read', async () => {
    window.location.hash = '#/secrets/crucible-prod';
    installFakeApi({
      deployments: { get: () => Promise.resolve(prod) },
      secrets,
    });
    render(<SecretsPage />);
    expect(await screen.findByTestId('secret-REDIS_PASSWORD')).toBeTruthy();
    expect(screen.queryByTestId('overdue-badge')).toBeNull();
  });
});
