import type { CliIO } from './command';
import { checkEnvCommand } from './commands/check-env';
import { noCore, runWith } from './run';

/**
 * `check-env` on a file on this computer, built as a module graph of its own (dist/cli/run/check-env-run.mjs,
 * scripts/build-electron.mjs). In the split build its code sits in some twenty chunks shared with other
 * commands, and Node's cost per ES module loaded (resolve, read, compile, link) was most of its start
 * (issue 20). The CLI's entry (index.ts) sends here only what RUNS_WITHOUT_CORE says runs without the core
 * services; a server's .env goes through lazy-run.ts, whose core and errors are the split build's own.
 * @returns the exit code; never throws.
 */
export function runCheckEnv(argv: string[], io: Omit<CliIO, 'core'>): Promise<number> {
  return runWith(argv, io, { commands: [checkEnvCommand], coreFactory: noCore('check-env') });
}
