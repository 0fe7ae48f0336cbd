import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppError } from '../../common/errors';

export const APP_DIR_NAME = 'Crucible Secrets';

/**
 * Where the app and the CLI keep their state: `CRUCIBLE_SECRETS_HOME` when set (tests use it to stay
 * isolated), else the OS's application-data folder. The Electron main process sets userData to the same
 * folder, so the app and the CLI always share one state.
 */
export function resolveAppHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  const override = env.CRUCIBLE_SECRETS_HOME;
  if (override && override.trim() !== '') return resolve(override);
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_DIR_NAME);
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
    default:
      return join(
        env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== '' ? env.XDG_CONFIG_HOME : join(home, '.config'),
        'crucible-secrets',
      );
  }
}

export interface AppPaths {
  home: string;
  stateFile: string;
  journalFile: string;
  logFile: string;
  vaultFile: string;
}

export function appPaths(home: string): AppPaths {
  return {
    home,
    stateFile: join(home, 'state.json'),
    journalFile: join(home, 'journal.jsonl'),
    logFile: join(home, 'logs', 'app.log'),
    vaultFile: join(home, 'vault.cskv'),
  };
}

export interface AppHomeState {
  /** Permission bits after the call (null on Windows, where modes do not apply). */
  mode: number | null;
  /** True when the folder was group- or world-accessible and was tightened to 0700 now. */
  tightened: boolean;
}

/**
 * Creates the app home (0700), or tightens an existing one to 0700 when it is ours and open to the group
 * or others (a folder made by hand or by an older version at 0755 lets other accounts list and read the
 * state, journal and logs). Run at every start of the app and the CLI, before anything is written.
 * @throws AppError APP_HOME_NOT_A_FOLDER for a symlink or a file in its place; APP_HOME_UNSAFE when it is
 *   open to others and belongs to another account (only its owner can fix it; the message says how).
 */
export function ensureAppHome(home: string, platform: NodeJS.Platform = process.platform): AppHomeState {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const st = lstatSync(home);
  if (!st.isDirectory())
    throw new AppError(
      'APP_HOME_NOT_A_FOLDER',
      `The app's folder ${home} is not a folder (a link or a file is in its place). Move it away, or set CRUCIBLE_SECRETS_HOME to another folder.`,
    );
  if (platform === 'win32') return { mode: null, tightened: false };
  const mode = st.mode & 0o777;
  if ((mode & 0o077) === 0) return { mode, tightened: false };
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new AppError(
      'APP_HOME_UNSAFE',
      `The app's folder ${home} is readable by other accounts (mode ${mode.toString(8)}) and belongs to another account. Run: chmod 700 '${home}' as its owner, or set CRUCIBLE_SECRETS_HOME to a folder of your own.`,
    );
  }
  chmodSync(home, 0o700);
  return { mode: 0o700, tightened: true };
}

/**
 * What doctor reports about the app home's mode: null when it is private (0700 or stricter, or Windows),
 * else the fix in words.
 */
export function appHomeModeProblem(home: string, platform: NodeJS.Platform = process.platform): string | null {
  if (platform === 'win32') return null;
  try {
    const st = lstatSync(home);
    if (!st.isDirectory())
      return `${home} is not a folder. Move it away, or set CRUCIBLE_SECRETS_HOME to another folder.`;
    const mode = st.mode & 0o777;
    return (mode & 0o077) === 0
      ? null
      : `${home} has mode ${mode.toString(8)}: other accounts may read the state, journal and logs. Run: chmod 700 '${home}'`;
  } catch {
    return `${home} cannot be checked. Make it a folder you own, or set CRUCIBLE_SECRETS_HOME to one that is.`;
  }
}
