import type { KeychainStatus } from '../../common/ipc/keychain.ipc';
import type { KeychainProvider } from './select';

/**
 * What the window's keychain banner reports: the store the admin chose. With the file vault chosen
 * (`crucible-secrets keychain use vault`) the OS keychain's health is beside the point: secrets live in
 * the vault, which the window cannot unlock (only the CLI takes its passphrase), so it says so and how
 * to go on instead of "stored in GNOME Keyring".
 */
export async function chosenStoreStatus(
  keychains: Pick<KeychainProvider, 'choice' | 'vaultUnlocked'>,
  osStatus: () => Promise<KeychainStatus>,
  clock: () => Date,
): Promise<KeychainStatus> {
  if ((await keychains.choice()) !== 'file-vault') return osStatus();
  const label = 'Passphrase-protected file vault';
  if (keychains.vaultUnlocked())
    return { backend: 'file-vault', label, usable: true, checkedAt: clock().toISOString(), facts: {} };
  return {
    backend: 'file-vault',
    label,
    usable: false,
    checkedAt: clock().toISOString(),
    problem: {
      code: 'LOCKED',
      message:
        'This computer keeps secrets in the file vault (chosen with `crucible-secrets keychain use vault`), and the window cannot unlock it.',
      fix: 'Use the CLI with --vault-passphrase-stdin for work on secrets, or go back to the OS keychain with `crucible-secrets keychain use os`, then use “Check again”.',
    },
    facts: { locked: true },
  };
}
