import type { KeychainStatus } from '../common/ipc/keychain.ipc';
import type { Logger } from './log/logger';
import { appPaths, type AppPaths } from './paths/app-home';
import { diagnoseKeychain, type DoctorOptions } from './keychain/doctor';

/**
 * Everything the app's domain logic needs, built once with its dependencies (clock, environment,
 * filesystem root, logger). The Electron main process, the test harness and the CLI all build it the same
 * way, so all three run the same core. No module-level singletons.
 */
export interface CoreDeps {
  home: string;
  logger: Logger;
  clock?: () => Date;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  doctor?: Omit<DoctorOptions, 'platform' | 'env' | 'clock'>;
}

export interface CoreServices {
  readonly paths: AppPaths;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly keychainDoctor: {
    /** The last diagnosis, made on first use. */
    status(): Promise<KeychainStatus>;
    /** A fresh diagnosis (after the admin unlocked the keyring, for example). */
    recheck(): Promise<KeychainStatus>;
  };
}

export function createCoreServices(deps: CoreDeps): CoreServices {
  const clock = deps.clock ?? (() => new Date());
  let last: Promise<KeychainStatus> | undefined;
  const run = () => {
    last = diagnoseKeychain({ ...deps.doctor, platform: deps.platform, env: deps.env, clock }).then((s) => {
      deps.logger.info('keychain.status', { backend: s.backend, usable: s.usable, problem: s.problem?.code });
      return s;
    });
    return last;
  };
  return {
    paths: appPaths(deps.home),
    logger: deps.logger,
    clock,
    keychainDoctor: { status: () => last ?? run(), recheck: run },
  };
}
