import type { KeychainBackendId } from '../../common/ipc/keychain.ipc';

export interface KeychainEntry {
  account: string;
  value: string;
}

/**
 * Where secret values live at rest on the admin's machine. One interface, several backends (ARCHITECTURE.md
 * §4): the OS keychain through keytar, an in-memory one for unit tests, and a passphrase-protected file vault.
 * Every method may throw an AppError with a KEYCHAIN_* code; none ever puts a value in an error.
 */
export interface Keychain {
  readonly backend: KeychainBackendId;
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, value: string): Promise<void>;
  delete(service: string, account: string): Promise<boolean>;
  /** Every entry of one service in a single call (keytar's findCredentials). */
  list(service: string): Promise<KeychainEntry[]>;
  /**
   * Proves the backend can be written right now (unlocked, reachable) before an operation starts, so a
   * locked keychain fails the operation up front instead of half-way. Throws KEYCHAIN_LOCKED,
   * KEYCHAIN_VAULT_LOCKED, … with advice.
   */
  ensureUsable(): Promise<void>;
}

/** The keychain service that holds the app's own keys (the fingerprint key), not any deployment's. */
export const APP_SERVICE = 'crucible-secrets/app';

/** The keychain service name for one deployment: entries are `crucible-secrets/<id>` / `<VARIABLE>`. */
export function serviceFor(deploymentId: string): string {
  return `crucible-secrets/${deploymentId}`;
}
