import { createCoreServices, type CoreServices } from '../core/services';
import { createLogger, fileSink } from '../core/log/logger';
import { appPaths, ensureAppHome, resolveAppHome } from '../core/paths/app-home';

/** The core services a CLI command works with: the app home of this user (or $CRUCIBLE_SECRETS_HOME). */
export function defaultCore(env: NodeJS.ProcessEnv): CoreServices {
  const home = resolveAppHome(env);
  ensureAppHome(home); // 0700 before the log or state is written (a hand-made 0755 home is tightened)
  const logger = createLogger({ sink: fileSink(appPaths(home).logFile) });
  return createCoreServices({ home, logger, env });
}
