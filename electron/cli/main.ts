import type { CoreServices } from '../core/services';
import type { CliIO, Command } from './command';
import { commands as defaultCommands } from './commands';
import { defaultCore } from './default-core';
import { runWith } from './run';

export interface RunOptions {
  commands?: Command[];
  coreFactory?: (env: NodeJS.ProcessEnv) => CoreServices;
}

/**
 * Runs one CLI invocation with every command loaded and returns its exit code. Never throws; never prints
 * a stack. Tests and the unbundled CLI use this; the built CLI loads only the command it runs (lazy-run.ts).
 */
export function runCli(argv: string[], io: Omit<CliIO, 'core'>, options: RunOptions = {}): Promise<number> {
  return runWith(argv, io, {
    commands: options.commands ?? defaultCommands,
    coreFactory: options.coreFactory ?? defaultCore,
  });
}
