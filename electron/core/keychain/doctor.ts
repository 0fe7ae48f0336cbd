import { randomBytes } from 'node:crypto';
import type { KeychainStatus } from '../../common/ipc/keychain.ipc';
import { isAppError } from '../../common/errors';
import type { KeytarModule } from './keytar-keychain';
import { KeytarKeychain, loadKeytar, osKeychainBackend, WINDOWS_MAX_VALUE_BYTES } from './keytar-keychain';
import { classifyKeychainError, type KeychainProblem } from './keychain-errors';

const LABELS: Record<KeychainStatus['backend'], string> = {
  'secret-service': 'Secret Service (GNOME Keyring / KWallet)',
  'macos-keychain': 'macOS Keychain',
  'windows-credential-manager': 'Windows Credential Manager',
  'file-vault': 'Passphrase-protected file vault',
  memory: 'In-memory (tests only)',
  none: 'No keychain',
};

export interface DoctorOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  clock?: () => Date;
  /** Injected in tests; by default the real native module. */
  loadKeytar?: () => Promise<KeytarModule> | KeytarModule;
  timeoutMs?: number;
}

const PROBE_SERVICE = 'crucible-secrets/doctor';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      reject(new Error('timeout'));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * Says which OS keychain backend this machine has and whether it works, by a real round trip (store, read
 * back, delete a random probe value). A locked keyring usually answers with an error; one that opens an
 * unlock prompt nobody answers hits the timeout, reported as such.
 */
export async function diagnoseKeychain(options: DoctorOptions = {}): Promise<KeychainStatus> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const clock = options.clock ?? (() => new Date());
  const backend = osKeychainBackend(platform);
  const facts: KeychainStatus['facts'] = {};
  if (platform === 'win32') facts.maxValueBytes = WINDOWS_MAX_VALUE_BYTES;
  const base = { backend, label: LABELS[backend], checkedAt: clock().toISOString(), facts };
  const fail = (problem: KeychainProblem): KeychainStatus => {
    if (problem.code === 'LOCKED') facts.locked = true;
    return { ...base, usable: false, problem };
  };

  if (!['linux', 'darwin', 'win32', 'freebsd', 'openbsd'].includes(platform)) {
    return fail({
      code: 'UNSUPPORTED_PLATFORM',
      message: `No OS keychain is supported on ${platform}.`,
      fix: 'Use the passphrase-protected file vault.',
    });
  }
  if (platform !== 'darwin' && platform !== 'win32') {
    facts.dbusSessionBus = Boolean(env.DBUS_SESSION_BUS_ADDRESS);
    if (!env.DBUS_SESSION_BUS_ADDRESS && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
      return fail(classifyKeychainError('Cannot autolaunch D-Bus without X11 $DISPLAY', platform));
    }
  }

  let keychain: KeytarKeychain;
  try {
    keychain = new KeytarKeychain(await (options.loadKeytar ?? loadKeytar)(), platform);
  } catch {
    return fail({
      code: 'NATIVE_MODULE_MISSING',
      message: 'The keychain module (keytar) could not be loaded.',
      fix: 'Reinstall the app. On Linux, install libsecret (`sudo apt install libsecret-1-0`).',
    });
  }

  const account = `probe-${randomBytes(6).toString('hex')}`;
  const value = randomBytes(18).toString('base64url');
  try {
    await withTimeout(
      (async () => {
        await keychain.set(PROBE_SERVICE, account, value);
        const back = await keychain.get(PROBE_SERVICE, account);
        await keychain.delete(PROBE_SERVICE, account);
        if (back !== value) throw new Error('probe value did not read back');
      })(),
      options.timeoutMs ?? 8000,
    );
  } catch (e) {
    if (e instanceof Error && e.message === 'timeout') {
      return fail({
        code: 'TIMEOUT',
        message: 'The keychain did not answer in time; it may be waiting for an unlock prompt.',
        fix: 'Unlock your keychain (look for a password prompt), then use “Check again”.',
      });
    }
    if (isAppError(e)) {
      const code = e.code.replace(/^KEYCHAIN_/, '');
      const known = classifyKeychainError(
        code === 'LOCKED'
          ? 'locked collection'
          : code === 'NO_DBUS'
            ? 'autolaunch d-bus'
            : code === 'NO_SECRET_SERVICE'
              ? 'org.freedesktop.secrets'
              : '',
        platform,
      );
      return fail(known);
    }
    return fail(classifyKeychainError(e instanceof Error ? e.message : String(e), platform));
  }
  if (platform !== 'darwin' && platform !== 'win32') facts.locked = false;
  return { ...base, usable: true };
}
