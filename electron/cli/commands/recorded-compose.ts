import { recordedComposeFilesFor } from '../../core/inventory/compose-files';
import { createLogger, nullSink } from '../../core/log/logger';
import { appPaths, resolveAppHome } from '../../core/paths/app-home';
import { createStateStore, type StateStore } from '../../core/store/state-store';
import type { CliIO } from '../command';

/**
 * The recorded compose files of the deployment registered at `dir`, for the commands that take a folder and
 * run without the core services for a local one (proxy, firewall: cli/commands/runs-without-core.ts). Those
 * read the state file alone, read-only; [] for a folder that is not registered.
 */
export function recordedComposeFiles(io: CliIO, dir: string): Promise<string[]> {
  const store = (): StateStore => {
    try {
      return io.core().store;
    } catch {
      // Started without the core services (a local folder): the state file is all that is needed.
      return createStateStore({
        file: appPaths(resolveAppHome(io.env)).stateFile,
        logger: createLogger({ sink: nullSink }),
      });
    }
  };
  return recordedComposeFilesFor(store, dir);
}
