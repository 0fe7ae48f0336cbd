import { AppError } from '../../common/errors';
import type { KeychainProblemCode } from '../../common/ipc/keychain.ipc';

export interface KeychainProblem {
  code: KeychainProblemCode;
  message: string;
  fix: string;
}

const LINUX_FIX_DBUS =
  'Start the app from your desktop session (it provides D-Bus), or run it inside `dbus-run-session`. On a headless server, use the passphrase-protected file vault instead.';

/** Turns a native keychain failure into a problem an admin can act on. The raw text is matched, never shown. */
export function classifyKeychainError(raw: string, platform: NodeJS.Platform = process.platform): KeychainProblem {
  const t = raw.toLowerCase();
  if (
    t.includes('locked collection') ||
    t.includes('is locked') ||
    t.includes('prompt') ||
    t.includes('user canceled') ||
    t.includes('interaction is not allowed')
  ) {
    return {
      code: 'LOCKED',
      message: 'The keychain is locked, so secrets cannot be read or stored.',
      fix:
        platform === 'darwin'
          ? 'Unlock the login keychain in Keychain Access, then try again.'
          : 'Unlock your login keyring (for example by logging in again, or with Seahorse “Passwords and Keys”), then try again.',
    };
  }
  if (
    t.includes('autolaunch d-bus') ||
    t.includes('dbus_session_bus_address') ||
    t.includes('failed to connect to socket') ||
    t.includes('could not connect') ||
    (t.includes('no such file or directory') && t.includes('bus'))
  ) {
    return {
      code: 'NO_DBUS',
      message: 'No D-Bus session bus is reachable, so the Secret Service keyring cannot be used.',
      fix: LINUX_FIX_DBUS,
    };
  }
  if (
    t.includes('org.freedesktop.secrets') ||
    t.includes('serviceunknown') ||
    t.includes('was not provided by any .service files') ||
    t.includes('no such interface')
  ) {
    return {
      code: 'NO_SECRET_SERVICE',
      message: 'D-Bus is running but no Secret Service provider (such as GNOME Keyring or KWallet) answers.',
      fix: 'Install and start gnome-keyring (Debian/Ubuntu: `sudo apt install gnome-keyring`), or use the file vault.',
    };
  }
  return {
    code: 'PROBE_FAILED',
    message: 'The keychain refused the request.',
    fix: 'Check that your keychain is installed, running and unlocked, then use “Check again”.',
  };
}

export function keychainAppError(problem: KeychainProblem): AppError {
  return new AppError(`KEYCHAIN_${problem.code}`, `${problem.message} ${problem.fix}`);
}
