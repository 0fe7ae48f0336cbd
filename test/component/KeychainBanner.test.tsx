// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { KeychainBanner } from '../../renderer/src/components/KeychainBanner';
import { ApiError } from '../../electron/common/ipc/api';
import { installFakeApi } from './fake-api';
import type { KeychainStatus } from '../../electron/common/ipc/keychain.ipc';

const locked: KeychainStatus = {
  backend: 'secret-service',
  label: 'Secret Service (GNOME Keyring / KWallet)',
  usable: false,
  checkedAt: '2026-01-01T00:00:00.000Z',
  facts: { locked: true },
  problem: { code: 'LOCKED', message: 'The keychain is locked.', fix: 'Unlock your login keyring.' },
};

afterEach(cleanup);

describe('KeychainBanner', () => {
  it('says where secrets are stored when the keychain works', async () => {
    installFakeApi({
      keychain: { status: () => Promise.resolve({ ...locked, usable: true, problem: undefined, facts: {} }) },
    });
    render(<KeychainBanner />);
    expect(await screen.findByText(/Secrets are stored in/)).toBeTruthy();
  });

  it('explains a locked keychain and re-checks on request', async () => {
    let calls = 0;
    installFakeApi({
      keychain: {
        status: () => Promise.resolve(locked),
        recheck: () => {
          calls++;
          return Promise.resolve({ ...locked, usable: true, problem: undefined });
        },
      },
    });
    render(<KeychainBanner />);
    expect(await screen.findByText('The keychain is locked.', { exact: false })).toBeTruthy();
    expect(screen.getByText('Unlock your login keyring.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(await screen.findByText(/Secrets are stored in/)).toBeTruthy();
    expect(calls).toBe(1);
  });

  it('shows the message of a failed status call', async () => {
    installFakeApi({ keychain: { status: () => Promise.reject(new ApiError('INTERNAL', 'Status unavailable.')) } });
    render(<KeychainBanner />);
    expect(await screen.findByText(/Status unavailable\./)).toBeTruthy();
  });
});
