import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_DIR_NAME = 'Crucible Secrets';

/**
 * Where the app and the CLI keep their state: `CRUCIBLE_SECRETS_HOME` when set (tests use it to stay
 * isolated), else the OS's application-data folder. The Electron main process sets userData to the same
 * folder, so the app and the CLI always share one state.
 */
export function resolveAppHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  const override = env.CRUCIBLE_SECRETS_HOME;
  if (override && override.trim() !== '') return resolve(override);
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_DIR_NAME);
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
    default:
      return join(env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== '' ? env.XDG_CONFIG_HOME : join(home, '.config'), 'crucible-secrets');
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
