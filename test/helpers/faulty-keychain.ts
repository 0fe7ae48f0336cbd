import { AppError } from '../../electron/common/errors';
import type { Keychain, KeychainEntry } from '../../electron/core/keychain/keychain';

/**
 * Wraps a keychain and makes it fail like a keychain that locks mid-operation: after `failAfterSets`
 * successful writes to services matching `match`, every call fails with KEYCHAIN_LOCKED until `heal()`.
 */
export class FaultyKeychain implements Keychain {
  readonly backend;
  private sets = 0;
  broken = false;
  onBreak: (() => void) | null = null;

  constructor(
    private readonly inner: Keychain,
    private readonly failAfterSets: number,
    private readonly match: (service: string) => boolean = (s) =>
      !s.includes('/rollback-') && s !== 'crucible-secrets/app',
  ) {
    this.backend = inner.backend;
  }

  heal(): void {
    this.broken = false;
    this.sets = Number.NEGATIVE_INFINITY;
  }

  private check(): void {
    if (this.broken)
      throw new AppError('KEYCHAIN_LOCKED', 'The keychain is locked, so secrets cannot be read or stored. Unlock it.');
  }

  get(service: string, account: string): Promise<string | null> {
    this.check();
    return this.inner.get(service, account);
  }

  async set(service: string, account: string, value: string): Promise<void> {
    this.check();
    if (this.match(service)) {
      if (this.sets >= this.failAfterSets) {
        this.broken = true;
        this.onBreak?.();
        this.check();
      }
      this.sets++;
    }
    await this.inner.set(service, account, value);
  }

  delete(service: string, account: string): Promise<boolean> {
    this.check();
    return this.inner.delete(service, account);
  }

  list(service: string): Promise<KeychainEntry[]> {
    this.check();
    return this.inner.list(service);
  }

  ensureUsable(): Promise<void> {
    this.check();
    return this.inner.ensureUsable();
  }
}
