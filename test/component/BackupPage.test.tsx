// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { BackupFreshness } from '../../renderer/src/components/backup/BackupFreshness';
import { ExportSection } from '../../renderer/src/components/backup/ExportSection';
import type { BackupStatus } from '../../electron/common/ipc/backup.ipc';
import { installFakeApi } from './fake-api';

const status: BackupStatus = {
  deployments: [{ id: 'crucible-prod', name: 'Prod', environment: 'production', lastBackupAt: '2026-11-10T00:00:00.000Z', rotatedSince: ['ROUNDTABLE_JWT_SECRET'] }],
};

afterEach(cleanup);

describe('Backup UI', () => {
  it('warns on the Secrets page when a secret was rotated after the newest backup', async () => {
    installFakeApi({ backup: { status: () => Promise.resolve(status) } });
    render(<BackupFreshness deploymentId="crucible-prod" />);
    expect((await screen.findByTestId('backup-freshness')).textContent).toMatch(/Rotated after the newest backup \(2026-11-10\): ROUNDTABLE_JWT_SECRET/);
  });

  it('enables export only for an acceptable passphrase typed twice, and sends it once', async () => {
    const calls: unknown[] = [];
    installFakeApi({
      backup: {
        export: (r) => {
          calls.push(r);
          return Promise.resolve(null);
        },
      },
      on: { backupProgress: () => () => undefined },
    });
    render(<ExportSection status={status} onExported={() => undefined} />);
    const button = screen.getByRole('button', { name: 'Export encrypted backup…' });
    fireEvent.change(screen.getByLabelText('Backup passphrase'), { target: { value: 'password1234567' } });
    fireEvent.change(screen.getByLabelText('Type it again'), { target: { value: 'password1234567' } });
    await waitFor(() => expect(screen.getByText(/very weak|weak|fair/)).toBeTruthy(), { timeout: 10_000 });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    const pass = 'violet tractor sings under seven moons';
    fireEvent.change(screen.getByLabelText('Backup passphrase'), { target: { value: pass } });
    fireEvent.change(screen.getByLabelText('Type it again'), { target: { value: pass } });
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false), { timeout: 10_000 });
    fireEvent.click(button);
    await waitFor(() => expect(calls).toEqual([{ deploymentIds: ['crucible-prod'], passphrase: pass, confirmation: pass }]));
    expect(screen.getByText(/Rotated after the newest backup/)).toBeTruthy();
  });
});
