import type { Keychain, KeychainEntry } from './keychain';

/** In-memory keychain for unit tests of logic. Integration tests use the real keyring. */
export class MemoryKeychain implements Keychain {
  readonly backend = 'memory' as const;
  private readonly data = new Map<string, Map<string, string>>();

  get(service: string, account: string): Promise<string | null> {
    return Promise.resolve(this.data.get(service)?.get(account) ?? null);
  }

  set(service: string, account: string, value: string): Promise<void> {
    let s = this.data.get(service);
    if (!s) this.data.set(service, (s = new Map<string, string>()));
    s.set(account, value);
    return Promise.resolve();
  }

  delete(service: string, account: string): Promise<boolean> {
    return Promise.resolve(this.data.get(service)?.delete(account) ?? false);
  }

  ensureUsable(): Promise<void> {
    return Promise.resolve();
  }

  list(service: string): Promise<KeychainEntry[]> {
    return Promise.resolve(
      [...(this.data.get(service) ?? new Map<string, string>())].map(([account, value]) => ({ account, value })),
    );
  }
}
