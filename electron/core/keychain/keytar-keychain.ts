import { randomBytes } from 'node:crypto';
import type { KeychainBackendId } from '../../common/ipc/keychain.ipc';
import { AppError } from '../../common/errors';
import type { Keychain, KeychainEntry } from './keychain';
import { classifyKeychainError, keychainAppError } from './keychain-errors';
import { sharedLockCheck, type LockCheck } from './secret-service-lock';

/** The subset of keytar we use. keytar is archived upstream, which is why it stays behind this interface. */
export interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** Loads the native module lazily so a missing or broken build is a diagnosable problem, not a crash at start. */
export async function loadKeytar(): Promise<KeytarModule> {
  try {
    const mod = (await import('keytar')) as KeytarModule & { default?: KeytarModule };
    return mod.default ?? mod;
  } catch {
    throw new AppError(
      'KEYCHAIN_NATIVE_MODULE_MISSING',
      'The keychain module (keytar) could not be loaded. Reinstall the app; on Linux make sure libsecret is installed.',
    );
  }
}

export function osKeychainBackend(platform: NodeJS.Platform = process.platform): KeychainBackendId {
  if (platform === 'darwin') return 'macos-keychain';
  if (platform === 'win32') return 'windows-credential-manager';
  return 'secret-service';
}

/** Windows Credential Manager refuses values over 2,560 bytes; better to say so than to fail obscurely. */
export const WINDOWS_MAX_VALUE_BYTES = 2560;

const PROBE_SERVICE = 'crucible-secrets/probe';

export class KeytarKeychain implements Keychain {
  readonly backend: KeychainBackendId;

  constructor(
    private readonly keytar: KeytarModule,
    private readonly platform: NodeJS.Platform = process.platform,
    /** How a listing learns the collection is locked without writing; null means the write probe only. */
    private readonly lockCheck: LockCheck | null = platform === 'darwin' || platform === 'win32'
      ? null
      : sharedLockCheck(),
  ) {
    this.backend = osKeychainBackend(platform);
  }

  /** Loads the native module and wraps it; throws KEYCHAIN_NATIVE_MODULE_MISSING if it cannot load. */
  static async open(platform: NodeJS.Platform = process.platform): Promise<KeytarKeychain> {
    return new KeytarKeychain(await loadKeytar(), platform);
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      // Whatever failed may have been a lock: the next listing asks D-Bus again.
      this.lockCheck?.invalidate();
      // keytar's messages carry no values; they are matched to a code and never shown raw.
      throw keychainAppError(classifyKeychainError(e instanceof Error ? e.message : String(e), this.platform));
    }
  }

  get(service: string, account: string): Promise<string | null> {
    return this.call(() => this.keytar.getPassword(service, account));
  }

  set(service: string, account: string, value: string): Promise<void> {
    if (this.platform === 'win32' && Buffer.byteLength(value, 'utf16le') > WINDOWS_MAX_VALUE_BYTES) {
      return Promise.reject(
        new AppError(
          'KEYCHAIN_VALUE_TOO_LARGE',
          `The value of ${account} is larger than Windows Credential Manager allows (${WINDOWS_MAX_VALUE_BYTES} bytes). Use the file vault for this deployment.`,
        ),
      );
    }
    return this.call(() => this.keytar.setPassword(service, account, value));
  }

  delete(service: string, account: string): Promise<boolean> {
    return this.call(() => this.keytar.deletePassword(service, account));
  }

  /**
   * A write probe: on Linux a locked Secret Service collection makes getPassword answer null (as if the
   * entry did not exist) and findCredentials crash the process (libsecret hands keytar a NULL secret), while
   * setPassword fails cleanly with "locked collection". So every read path proves it can write first.
   */
  async ensureUsable(): Promise<void> {
    const account = `probe-${randomBytes(6).toString('hex')}`;
    await this.call(() => this.keytar.setPassword(PROBE_SERVICE, account, 'probe'));
    await this.call(() => this.keytar.deletePassword(PROBE_SERVICE, account));
  }

  /**
   * On Linux, proves findCredentials safe before it runs: a locked collection makes it crash the process.
   * The collection's Locked property (over D-Bus, cached while nothing changes) answers without a write;
   * only when that cannot be asked does the write probe run.
   * @throws AppError KEYCHAIN_LOCKED when the collection is locked, or whatever the write probe throws.
   */
  private async ensureReadable(): Promise<void> {
    if (this.platform === 'darwin' || this.platform === 'win32') return;
    const locked = this.lockCheck ? await this.lockCheck.isLocked() : null;
    if (locked === true)
      throw keychainAppError(classifyKeychainError('Cannot get secret of a locked collection', this.platform));
    if (locked === null) await this.ensureUsable();
  }

  /** Lists one service; on Linux only once the collection is known unlocked (see ensureReadable). */
  async list(service: string): Promise<KeychainEntry[]> {
    await this.ensureReadable();
    const found = await this.call(() => this.keytar.findCredentials(service));
    return found.map((c) => ({ account: c.account, value: c.password }));
  }
}
