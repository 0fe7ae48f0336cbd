import type { ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';
import { APP_VERSION } from '../core/app-meta';
import { ExitCode } from './exit-codes';

/**
 * Everything the CLI answers without running a command: --version, --help, `help …` and `<command> --help`.
 * It needs only each command's description (plain data), so the built CLI answers from a catalog written at
 * build time (dist/cli/commands.json) without loading any command's code: imports here stay type-only,
 * apart from the version and the exit codes.
 */

/** A command's description: what its help shows. Plain data (JSON-serialisable). */
export interface CommandMeta {
  name: string;
  summary: string;
  usage: string;
  /**
   * What each exit code of this command means, shown by its --help and documented in docs/cli.md (a test
   * checks both). 64 (usage) and 70 (internal error) apply to every command and are added by the help.
   */
  exitCodes: Readonly<Record<number, string>>;
  /** Old option spellings still accepted for a release: alias → the option's current name. */
  aliases?: Readonly<Record<string, string>>;
  /** node:util parseArgs options; `help` and `json` are added for every command. */
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
}

/** The exit codes every command can return, whatever it declares. */
export const COMMON_EXIT_CODES: Readonly<Record<number, string>> = {
  [ExitCode.Usage]: 'usage error (unknown option, missing argument)',
  [ExitCode.Internal]: 'internal error (nothing secret was printed; please report it)',
};

/** A command's exit codes, its own first, then the common ones, in ascending order. */
export function exitCodesOf(cmd: CommandMeta): [number, string][] {
  return Object.entries({ ...COMMON_EXIT_CODES, ...cmd.exitCodes })
    .map(([k, v]): [number, string] => [Number(k), v])
    .sort((a, b) => a[0] - b[0]);
}

/** The --help text of one command: summary, usage, then its exit codes (from data, never from prose). */
export function commandHelp(cmd: CommandMeta): string {
  const codes = exitCodesOf(cmd)
    .map(([code, what]) => `  ${String(code).padStart(3)}  ${what}`)
    .join('\n');
  const aliases = Object.entries(cmd.aliases ?? {});
  const aliasText =
    aliases.length > 0
      ? `\n\nStill accepted (renamed; will be removed in a later release): ${aliases.map(([old, now]) => `--${old} → --${now}`).join(', ')}`
      : '';
  return `${cmd.summary}\n\nUsage: ${cmd.usage}${aliasText}\n\nExit codes:\n${codes}\n`;
}

export function helpText(commands: readonly CommandMeta[]): string {
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
export function groupOf<C extends CommandMeta>(commands: readonly C[], name: string): C[] {
  return commands.filter((c) => c.name.startsWith(`${name} `));
}

export function groupHelp(group: string, members: readonly CommandMeta[]): string {
  const width = Math.max(...members.map((c) => c.name.length));
  return `Usage: crucible-secrets ${group} <subcommand> [options]

Subcommands:
${members.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`crucible-secrets ${group} <subcommand> --help\` (or \`crucible-secrets help ${group} <subcommand>\`) for its options and exit codes.
`;
}

/** The command `words` name ("init", or "secrets list"), and how many words its name took. */
export function findCommand<C extends CommandMeta>(
  commands: readonly C[],
  words: readonly string[],
): { cmd: C; used: number } | undefined {
  const [first, second] = words;
  const two = second === undefined ? undefined : commands.find((c) => c.name === `${first ?? ''} ${second}`);
  if (two) return { cmd: two, used: 2 };
  const one = commands.find((c) => c.name === first);
  return one ? { cmd: one, used: 1 } : undefined;
}

/** `help [COMMAND [SUBCOMMAND]]`. */
function runHelp(
  commands: readonly CommandMeta[],
  words: string[],
  io: { stdout: Writable; stderr: Writable },
): number {
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
  io.stderr.write(
    `crucible-secrets: no help for '${words.join(' ')}': no such command. Run \`crucible-secrets --help\` for the list.\n`,
  );
  return ExitCode.Usage;
}

const isHelpFlag = (a: string | undefined) => a === '-h' || a === '--help';

/**
 * Answers the invocations that need no command code: the version, the help texts, and a group named without
 * a subcommand. Returns the exit code, or null when a command must run (then nothing was written).
 */
export function answerWithoutRunning(
  argv: readonly string[],
  commands: readonly CommandMeta[],
  io: { stdout: Writable; stderr: Writable },
): number | null {
  const [first, ...rest] = argv;
  if (first === 'help') return runHelp(commands, rest, io);
  if (first === undefined || isHelpFlag(first)) {
    io.stdout.write(helpText(commands));
    return first === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (first === '-V' || first === '--version') {
    io.stdout.write(`${APP_VERSION}\n`);
    return ExitCode.Ok;
  }
  const found = findCommand(commands, argv);
  if (found) {
    // Exactly `<command> --help`: the same text the command's own parser would lead to.
    const args = argv.slice(found.used);
    if (args.length === 1 && isHelpFlag(args[0])) {
      io.stdout.write(commandHelp(found.cmd));
      return ExitCode.Ok;
    }
    return null;
  }
  const members = groupOf(commands, first);
  if (members.length === 0) {
    io.stderr.write(`crucible-secrets: unknown command '${first}'. Run \`crucible-secrets --help\` for the list.\n`);
    return ExitCode.Usage;
  }
  const sub = rest[0];
  if (isHelpFlag(sub)) {
    io.stdout.write(groupHelp(first, members));
    return ExitCode.Ok;
  }
  if (sub !== undefined) io.stderr.write(`crucible-secrets: '${first}' has no subcommand '${sub}'.\n`);
  io.stdout.write(groupHelp(first, members));
  return ExitCode.Usage;
}
