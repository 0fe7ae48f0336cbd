import { AppError, isAppError } from '../common/errors';
import type { CoreServices } from '../core/services';
import { ExitCode } from './exit-codes';
import { commandHelp, answerWithoutRunning, findCommand } from './help-text';
import { parseCommandArgs, UsageError, type CliIO, type Command } from './command';
import { cliText } from './cli-text';

export interface RunWith {
  commands: readonly Command[];
  coreFactory: (env: NodeJS.ProcessEnv) => CoreServices;
}

/**
 * The core factory of a run started without the core services (RUNS_WITHOUT_CORE): a command that asks for
 * them anyway is a bug, said as such.
 */
export function noCore(group: string): (env: NodeJS.ProcessEnv) => CoreServices {
  return () => {
    throw new AppError(
      'INTERNAL',
      `The ${group} command asked for the app state it was started without. Please report this.`,
    );
  };
}

/**
 * Runs one CLI invocation against the given commands and returns its exit code. Never throws; never prints
 * a stack. It imports no command and no core service itself, so the built CLI can hand it only the command
 * group an invocation names (electron/cli/lazy-run.ts) and load nothing else.
 */
export async function runWith(
  argv: string[],
  io: Omit<CliIO, 'core'>,
  { commands, coreFactory }: RunWith,
): Promise<number> {
  const answered = answerWithoutRunning(argv, commands, io);
  if (answered !== null) return answered;
  let core: CoreServices | undefined;
  // io's properties copied as they are, not spread: a getter (index.ts's stdin) stays unread until a command
  // reads it.
  const copied = Object.defineProperties({}, Object.getOwnPropertyDescriptors(io)) as Omit<CliIO, 'core'>;
  const fullIo: CliIO = Object.assign(copied, { core: () => (core ??= coreFactory(io.env)) });
  // answerWithoutRunning has answered every invocation that names no command.
  const found = findCommand(commands, argv);
  if (!found) return ExitCode.Internal;
  const { cmd } = found;
  const args = argv.slice(found.used);
  try {
    const parsed = parseCommandArgs(cmd, args);
    if (parsed.values.help) {
      io.stdout.write(commandHelp(cmd));
      return ExitCode.Ok;
    }
    return await cmd.run(parsed, fullIo);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`crucible-secrets ${cmd.name}: ${e.message}\n`);
      return ExitCode.Usage;
    }
    if (isAppError(e)) {
      io.stderr.write(`crucible-secrets ${cmd.name}: ${cliText(e.message)} [${e.code}]\n`);
      return e.code.startsWith('KEYCHAIN_') ? ExitCode.Unavailable : ExitCode.DataErr;
    }
    io.stderr.write(
      `crucible-secrets ${cmd.name}: unexpected internal error. Nothing secret was printed; please report this.\n`,
    );
    core?.logger.error('cli.internal', { command: cmd.name, error: e });
    return ExitCode.Internal;
  } finally {
    // One multiplexed SSH connection per deployment and run: closed when the command ends.
    await core?.rotation.close();
  }
}
