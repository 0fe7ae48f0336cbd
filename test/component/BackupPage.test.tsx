// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { BackupFreshness } from '../../renderer/src/components/backup/BackupFreshness';
import { formatWhen } from '../../renderer/src/format-date';
import { ExportSection } from '../../renderer/src/components/backup/ExportSection';
import { RestoreResultView } from '../../renderer/src/components/backup/RestoreResultView';
import type { BackupStatus, RestoreResult } from '../../electron/common/ipc/backup.ipc';
import { installFakeApi } from './fake-api';

const status: BackupStatus = {
  deployments: [
    {
      id: 'crucible-prod',
      name: 'Prod',
      environment: 'production',
      lastBackupAt: '2026-11-10T00:00:00.000Z',
      rotatedSince: ['ROUNDTABLE_JWT_SECRET'],
    },
  ],
};

afterEach(cleanup);

describe('Backup UI', () => {
  it('warns on the Secrets page when a secret was rotated after the newest backup', async () => {
    installFakeApi({ backup: { status: () => Promise.resolve(status) } });
    render(<BackupFreshness deploymentId="crucible-prod" />);
    // The one date format of the window (format-date.ts), not a bare ISO day.
    expect((await screen.findByTestId('backup-freshness')).textContent).toContain(
      `Rotated after the newest backup (${formatWhen('2026-11-10T00:00:00.000Z')}): ROUNDTABLE_JWT_SECRET`,
    );
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
    // Empty fields: the rules say what is needed, never that it is met.
    expect(screen.getByText('Both entries must match.')).toBeTruthy();
    expect(screen.getByText('Must not be easy to guess.')).toBeTruthy();
    expect(screen.queryByText('Both entries match.')).toBeNull();
    fireEvent.change(screen.getByLabelText('Backup passphrase'), { target: { value: 'password1234567' } });
    fireEvent.change(screen.getByLabelText('Type it again'), { target: { value: 'password1234567' } });
    await waitFor(() => expect(screen.getByText(/very weak|weak|fair/)).toBeTruthy(), { timeout: 10_000 });
    expect(screen.getByText('Both entries match.')).toBeTruthy();
    expect(screen.getByText(/^Too easy to guess/)).toBeTruthy();
    expect((button as HTMLButtonElement).disabled).toBe(true);
    const pass = 'violet tractor sings under seven moons';
    fireEvent.change(screen.getByLabelText('Backup passphrase'), { target: { value: pass } });
    fireEvent.change(screen.getByLabelText('Type it again'), { target: { value: pass } });
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false), { timeout: 10_000 });
    fireEvent.click(button);
    await waitFor(() =>
      expect(calls).toEqual([{ deploymentIds: ['crucible-prod'], passphrase: pass, confirmation: pass }]),
    );
    expect(screen.getByText(/Rotated after the newest backup/)).toBeTruthy();
  });

  it('generates a passphrase beside the field: fills both, shows it once with Copy, and waits for "I have stored it"', async () => {
    const generated = 'abacus-zoom-tshirt-unpaved-zealous-abdomen';
    const calls: unknown[] = [];
    let copies = 0;
    installFakeApi({
      backup: {
        generatePassphrase: () => Promise.resolve({ passphrase: generated, words: 6, bits: 77.5 }),
        copyGeneratedPassphrase: () => (
          copies++,
          Promise.resolve({ clearsAt: new Date(Date.now() + 30_000).toISOString() })
        ),
        export: (r) => {
          calls.push(r);
          return Promise.resolve({
            exportId: 'export-0001',
            fileName: 'b.csbackup',
            path: '/tmp/b.csbackup',
            fingerprint: '3f9a-0c1d-77be-42e0-3f9a-0c1d-77be-42e0',
            bytes: 10,
            createdAt: '2026-12-06T05:00:00.000Z',
            deployments: [{ id: 'crucible-prod', name: 'Prod', secretNames: ['A'] }],
          });
        },
      },
      on: { backupProgress: () => () => undefined },
    });
    render(<ExportSection status={status} onExported={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Generate a passphrase' }));
    const panel = await screen.findByTestId('generated-passphrase');
    expect(panel.textContent).toContain(generated);
    expect(panel.textContent).toMatch(/Store it now/);
    expect(screen.getByLabelText<HTMLInputElement>('Backup passphrase').value).toBe(generated);
    expect(screen.getByLabelText<HTMLInputElement>('Type it again').value).toBe(generated);
    await waitFor(() => expect(screen.getByText('very strong')).toBeTruthy(), { timeout: 10_000 });
    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Export encrypted backup…' });
    expect(button.disabled).toBe(true); // not before the admin says it is stored
    fireEvent.click(screen.getByRole('button', { name: 'Copy passphrase' }));
    expect((await screen.findByText(/Copied\. The clipboard is cleared in \d+ s\./)).textContent).toBeTruthy();
    expect(copies).toBe(1);
    fireEvent.click(screen.getByLabelText('I have stored this passphrase'));
    await waitFor(() => expect(button.disabled).toBe(false));
    fireEvent.click(button);
    await waitFor(() =>
      expect(calls).toEqual([{ deploymentIds: ['crucible-prod'], passphrase: generated, confirmation: generated }]),
    );
    // Shown once: gone after the export; the fingerprint reads as on the Secrets page.
    await waitFor(() => expect(screen.queryByTestId('generated-passphrase')).toBeNull());
    expect(screen.getByTestId('export-result').textContent).toContain('3f9a 0c1d 77be 42e0 3f9a 0c1d 77be 42e0');
  });

  it('rates a famous passphrase weak however it is written, says why, and keeps export off', async () => {
    installFakeApi({ on: { backupProgress: () => () => undefined } });
    render(<ExportSection status={status} onExported={() => undefined} />);
    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Export encrypted backup…' });
    for (const famous of [
      'correct horse battery staple',
      'Correct-Horse-Battery-Staple',
      'correcthorsebatterystaple',
    ]) {
      fireEvent.change(screen.getByLabelText('Backup passphrase'), { target: { value: famous } });
      fireEvent.change(screen.getByLabelText('Type it again'), { target: { value: famous } });
      await waitFor(() => expect(screen.getByText(/well-known passphrase/)).toBeTruthy(), { timeout: 10_000 });
      expect(screen.getByText(/^(very weak|weak)$/)).toBeTruthy();
      expect(button.disabled).toBe(true);
    }
  });

  it('says what to run after a restore that rewrote .env, with a Copy button, and shows names, not ids', async () => {
    const copied: unknown[] = [];
    installFakeApi({ backup: { copyApplyCommand: (r) => (copied.push(r), Promise.resolve({ copied: true })) } });
    const result: RestoreResult = {
      deployments: [
        {
          id: 'crucible-e64805',
          name: 'Prod',
          restored: ['A', 'B'],
          envRewritten: true,
          registered: false,
          applyCommand:
            'cd /srv/crucible && docker compose -f docker-compose.yml -f docker-compose.prod.yml up -d --force-recreate',
        },
        {
          id: 'crucible-staging',
          name: 'Staging',
          restored: ['A'],
          envRewritten: false,
          registered: false,
          applyCommand: null,
        },
      ],
    };
    render(<RestoreResultView result={result} />);
    const view = screen.getByTestId('restore-result');
    expect(view.textContent).toContain(
      'docker compose -f docker-compose.yml -f docker-compose.prod.yml up -d --force-recreate',
    );
    expect(view.textContent).toMatch(/Staging: 1 secret\(s\) restored.*The .env was not rewritten/);
    expect(view.textContent).not.toContain('crucible-e64805');
    fireEvent.click(screen.getByRole('button', { name: 'Copy the command for Prod' }));
    await waitFor(() => expect(copied).toEqual([{ deploymentId: 'crucible-e64805' }]));
    expect(screen.getAllByRole('button', { name: /Copy the command/ })).toHaveLength(1);
  });
});
