import { isAppError } from '../common/errors';
import { APP_VERSION } from '../core/app-meta';
import { createCoreServices, type CoreServices } from '../core/services';
import { createLogger, fileSink } from '../core/log/logger';
import { appPaths, ensureAppHome, resolveAppHome } from '../core/paths/app-home';
import { commandHelp, ExitCode, parseCommandArgs, UsageError, type CliIO, type Command } from './command';
import { commands as defaultCommands } from './commands';
import { cliText } from './cli-text';

function helpText(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `crucible-secrets ${APP_VERSION}: manage the secrets of a Crucible Community Edition deployment

Usage: crucible-secrets <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Global options:
  -h, --help     show help (also: crucible-secrets help <command>, crucible-secrets <command> --help)
  -V, --version  print the version

State is kept in the OS application-data folder, or in $CRUCIBLE_SECRETS_HOME when set.
Exit codes: 0 ok, 1 findings or problems found, 2 errors found, 64 usage error, 65 bad input data,
69 a needed service (keychain) is unavailable, 70 internal error; each command's --help lists its own.
See docs/cli.md.
`;
}

/** The command groups ("secrets" for "secrets list", "secrets copy", …). */
function groupOf(commands: Command[], name: string): Command[] {
  return commands.filter((c) => c.name.startsWith(`${name} `));
}

function groupHelp(group: string, members: Command[]): string {
  const width = Math.max(...members.map((c) => c.name.length));
  return `Usage: crucible-secrets ${group} <subcommand> [options]

Subcommands:
${members.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`crucible-secrets ${group} <subcommand> --help\` (or \`crucible-secrets help ${group} <subcommand>\`) for its options and exit codes.
`;
}

/** The command `words` name ("init", or "secrets list"), and how many words its name took. */
function findCommand(commands: Command[], words: string[]): { cmd: Command; used: number } | undefined {
  const [first, second] = words;
  const two = second === undefined ? undefined : commands.find((c) => c.name === `${first ?? ''} ${second}`);
  if (two) return { cmd: two, used: 2 };
  const one = commands.find((c) => c.name === first);
  return one ? { cmd: one, used: 1 } : undefined;
}

/** `help [COMMAND [SUBCOMMAND]]`. */
function runHelp(commands: Command[], words: string[], io: Omit<CliIO, 'core'>): number {
  if (words.length === 0) {
    io.stdout.write(helpText(commands));
    return ExitCode.Ok;
  }
  const found = findCommand(commands, words);
  if (found && found.used === words.length) {
    io.stdout.write(commandHelp(found.cmd));
    return ExitCode.Ok;
  }
  const members = groupOf(commands, words[0] ?? '');
  if (members.length > 0 && words.length === 1) {
    io.stdout.write(groupHelp(words[0] ?? '', members));
    return ExitCode.Ok;
  }
  io.stderr.write(`crucible-secrets: no help for '${words.join(' ')}': no such command. Run \`crucible-secrets --help\` for the list.\n`);
  return ExitCode.Usage;
}

export interface RunOptions {
  commands?: Command[];
  coreFactory?: (env: NodeJS.ProcessEnv) => CoreServices;
}

function defaultCore(env: NodeJS.ProcessEnv): CoreServices {
  const home = resolveAppHome(env);
  ensureAppHome(home); // 0700 before the log or state is written (a hand-made 0755 home is tightened)
  const logger = createLogger({ sink: fileSink(appPaths(home).logFile) });
  return createCoreServices({ home, logger, env });
}

/** Runs one CLI invocation and returns its exit code. Never throws; never prints a stack. */
export async function runCli(argv: string[], io: Omit<CliIO, 'core'>, options: RunOptions = {}): Promise<number> {
  const commands = options.commands ?? defaultCommands;
  let core: CoreServices | undefined;
  const fullIo: CliIO = { ...io, core: () => (core ??= (options.coreFactory ?? defaultCore)(io.env)) };
  const [first, ...rest] = argv;
  if (first === 'help') return runHelp(commands, rest, io);
  if (first === undefined || first === '-h' || first === '--help') {
    io.stdout.write(helpText(commands));
    return first === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (first === '-V' || first === '--version') {
    io.stdout.write(`${APP_VERSION}\n`);
    return ExitCode.Ok;
  }
  // Command groups ("secrets list") are registered under their full name.
  const found = findCommand(commands, argv);
  if (!found) {
    const members = groupOf(commands, first);
    if (members.length === 0) {
      io.stderr.write(`crucible-secrets: unknown command '${first}'. Run \`crucible-secrets --help\` for the list.\n`);
      return ExitCode.Usage;
    }
    const sub = rest[0];
    if (sub === '-h' || sub === '--help') {
      io.stdout.write(groupHelp(first, members));
      return ExitCode.Ok;
    }
    if (sub !== undefined) io.stderr.write(`crucible-secrets: '${first}' has no subcommand '${sub}'.\n`);
    io.stdout.write(groupHelp(first, members));
    return ExitCode.Usage;
  }
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
    io.stderr.write(`crucible-secrets ${cmd.name}: unexpected internal error. Nothing secret was printed; please report this.\n`);
    core?.logger.error('cli.internal', { command: cmd.name, error: e });
    return ExitCode.Internal;
  } finally {
    // One multiplexed SSH connection per deployment and run: closed when the command ends.
    await core?.rotation.close();
  }
}
