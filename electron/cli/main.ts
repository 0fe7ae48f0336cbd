import { isAppError } from '../common/errors';
import { APP_VERSION } from '../core/app-meta';
import { createCoreServices, type CoreServices } from '../core/services';
import { createLogger, fileSink } from '../core/log/logger';
import { appPaths, resolveAppHome } from '../core/paths/app-home';
import { ExitCode, parseCommandArgs, UsageError, type CliIO, type Command } from './command';
import { commands as defaultCommands } from './commands';

function helpText(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `crucible-secrets ${APP_VERSION}: manage the secrets of a Crucible Community Edition deployment

Usage: crucible-secrets <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Global options:
  -h, --help     show help (also: crucible-secrets <command> --help)
  -V, --version  print the version

State is kept in the OS application-data folder, or in $CRUCIBLE_SECRETS_HOME when set.
Exit codes: 0 ok, 1 findings or problems found, 2 errors found, 64 usage error, 65 bad input data,
69 a needed service (keychain) is unavailable, 70 internal error. See docs/cli.md.
`;
}

export interface RunOptions {
  commands?: Command[];
  coreFactory?: (env: NodeJS.ProcessEnv) => CoreServices;
}

function defaultCore(env: NodeJS.ProcessEnv): CoreServices {
  const home = resolveAppHome(env);
  const logger = createLogger({ sink: fileSink(appPaths(home).logFile) });
  return createCoreServices({ home, logger, env });
}

/** Runs one CLI invocation and returns its exit code. Never throws; never prints a stack. */
export async function runCli(argv: string[], io: Omit<CliIO, 'core'>, options: RunOptions = {}): Promise<number> {
  const commands = options.commands ?? defaultCommands;
  let core: CoreServices | undefined;
  const fullIo: CliIO = { ...io, core: () => (core ??= (options.coreFactory ?? defaultCore)(io.env)) };
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io.stdout.write(helpText(commands));
    return first === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (first === '-V' || first === '--version') {
    io.stdout.write(`${APP_VERSION}\n`);
    return ExitCode.Ok;
  }
  // Command groups ("secrets list") are registered under their full name.
  const cmd = commands.find((c) => c.name === first) ?? commands.find((c) => rest[0] !== undefined && c.name === `${first} ${rest[0]}`);
  if (!cmd) {
    io.stderr.write(`crucible-secrets: unknown command '${first}'. Run \`crucible-secrets --help\` for the list.\n`);
    return ExitCode.Usage;
  }
  const args = cmd.name.includes(' ') ? rest.slice(1) : rest;
  try {
    const parsed = parseCommandArgs(cmd, args);
    if (parsed.values.help) {
      io.stdout.write(`${cmd.summary}\n\nUsage: ${cmd.usage}\n`);
      return ExitCode.Ok;
    }
    return await cmd.run(parsed, fullIo);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`crucible-secrets ${cmd.name}: ${e.message}\n`);
      return ExitCode.Usage;
    }
    if (isAppError(e)) {
      io.stderr.write(`crucible-secrets ${cmd.name}: ${e.message} [${e.code}]\n`);
      return e.code.startsWith('KEYCHAIN_') ? ExitCode.Unavailable : ExitCode.DataErr;
    }
    io.stderr.write(`crucible-secrets ${cmd.name}: unexpected internal error. Nothing secret was printed; please report this.\n`);
    core?.logger.error('cli.internal', { command: cmd.name, error: e });
    return ExitCode.Internal;
  }
}
