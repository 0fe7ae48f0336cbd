import { AppError } from '../../common/errors';
import type { Keychain } from './keychain';
import { KeytarKeychain } from './keytar-keychain';
import { FileVault, type VaultKdfParams } from './file-vault';

/** Which backend the admin chose. Stored in the app state; `os` unless the admin picked the vault. */
export type KeychainChoice = 'os' | 'file-vault';

export interface KeychainProviderDeps {
  /** The admin's current choice (read from the app state each time, so the CLI and the app agree). */
  readChoice: () => Promise<KeychainChoice>;
  vaultFile: string;
  platform?: NodeJS.Platform;
  /** Opens the OS keychain; by default keytar. */
  openOs?: () => Promise<Keychain>;
  /** Tests: always use this keychain (e.g. a MemoryKeychain), whatever the choice. */
  fixed?: Keychain;
  vaultKdf?: VaultKdfParams;
}

/**
 * The backend selector. It returns the keychain the admin chose and nothing else: when the OS keychain is
 * unusable the operation fails with the doctor's advice (one of which is "choose the file vault"); it never
 * switches to the vault on its own, and a vault that is not unlocked is an error, not a prompt.
 */
export interface KeychainProvider {
  /** @throws AppError KEYCHAIN_NATIVE_MODULE_MISSING, KEYCHAIN_VAULT_LOCKED */
  get(): Promise<Keychain>;
  choice(): Promise<KeychainChoice>;
  /** Creates a new vault file (the admin's explicit choice) and keeps it unlocked for this process. */
  createVault(passphrase: string): Promise<void>;
  /** @throws AppError KEYCHAIN_VAULT_WRONG_PASSPHRASE, KEYCHAIN_VAULT_MISSING */
  unlockVault(passphrase: string): Promise<void>;
  lockVault(): void;
  vaultUnlocked(): boolean;
}

export function createKeychainProvider(deps: KeychainProviderDeps): KeychainProvider {
  let os: Promise<Keychain> | undefined;
  let vault: FileVault | null = null;
  const openOs = deps.openOs ?? (() => KeytarKeychain.open(deps.platform));
  return {
    async get() {
      if (deps.fixed) return deps.fixed;
      const choice = await deps.readChoice();
      if (choice === 'os') {
        os ??= openOs().catch((e: unknown) => {
          os = undefined;
          throw e;
        });
        return os;
      }
      if (!vault?.unlocked) {
        throw new AppError(
          'KEYCHAIN_VAULT_LOCKED',
          'This machine keeps secrets in the passphrase-protected vault, which is locked. Unlock it with its passphrase, then try again.',
        );
      }
      return vault;
    },
    choice: () => deps.readChoice(),
    async createVault(passphrase) {
      vault?.lock();
      vault = await FileVault.create(deps.vaultFile, passphrase, { kdf: deps.vaultKdf });
    },
    async unlockVault(passphrase) {
      const opened = await FileVault.unlock(deps.vaultFile, passphrase);
      vault?.lock();
      vault = opened;
    },
    lockVault() {
      vault?.lock();
      vault = null;
    },
    vaultUnlocked: () => vault?.unlocked ?? false,
  };
}
