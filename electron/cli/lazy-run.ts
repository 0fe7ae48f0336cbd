import type { CoreServices } from '../core/services';
import type { CliIO, Command } from './command';
import { COMMAND_LOADERS, RUNS_WITHOUT_CORE } from './commands/lazy';
import { noCore, runWith } from './run';

/** Every command, loaded group by group in the order of commands/index.ts (for the build's catalog). */
export async function loadAllCommands(): Promise<Command[]> {
  return (await import('./commands')).commands;
}

/**
 * Runs one invocation loading only the command group it names, and the core services only when that group
 * uses them. Anything else (an unknown command) goes through the full CLI, which explains.
 * @returns the exit code; never throws.
 */
export async function runLazy(argv: string[], io: Omit<CliIO, 'core'>): Promise<number> {
  const group = argv[0];
  const load = group === undefined ? undefined : COMMAND_LOADERS[group];
  if (!load) return (await import('./main')).runCli(argv, io);
  let commands: readonly Command[];
  let coreFactory: (env: NodeJS.ProcessEnv) => CoreServices;
  try {
    commands = await load();
    if (RUNS_WITHOUT_CORE[group ?? '']?.(argv.slice(1)) === true) {
      coreFactory = noCore(group ?? '');
    } else {
      coreFactory = (await import('./default-core')).defaultCore;
    }
  } catch {
    io.stderr.write(
      'crucible-secrets: part of the CLI could not be loaded. Reinstall crucible-secrets (or run `npm run build`).\n',
    );
    return 70;
  }
  return runWith(argv, io, { commands, coreFactory });
}
