import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { AppError } from '../common/errors';
import type { CoreServices } from '../core/services';
import type { ClipboardLike } from '../core/inventory/clipboard-guard';

/**
 * Exit codes shared by every command (docs/cli.md). Commands that judge something (check-env, audit)
 * also use 1 for warnings and 2 for errors, as their help says.
 */
export const ExitCode = {
  Ok: 0,
  Findings: 1,
  Errors: 2,
  Usage: 64,
  DataErr: 65,
  Unavailable: 69,
  Internal: 70,
  CantCreate: 73,
  /** A step the app ran failed; the operation is paused and can be retried, done by hand or rolled back. */
  StepFailed: 75,
} as const;

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  env: NodeJS.ProcessEnv;
  /** Built on first use so `--help` and `--version` never touch the keychain or the state folder. */
  core(): CoreServices;
  /** The clipboard `secrets copy` writes; default the OS clipboard tool (tests pass an in-memory one). */
  clipboard?: ClipboardLike;
}

export interface Command {
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
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: CliIO): Promise<number>;
}

export class UsageError extends AppError {
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}

/** The exit codes every command can return, whatever it declares. */
export const COMMON_EXIT_CODES: Readonly<Record<number, string>> = { [ExitCode.Usage]: 'usage error (unknown option, missing argument)', [ExitCode.Internal]: 'internal error (nothing secret was printed; please report it)' };

/** A command's exit codes, its own first, then the common ones, in ascending order. */
export function exitCodesOf(cmd: Command): [number, string][] {
  return Object.entries({ ...COMMON_EXIT_CODES, ...cmd.exitCodes })
    .map(([k, v]): [number, string] => [Number(k), v])
    .sort((a, b) => a[0] - b[0]);
}

/** The --help text of one command: summary, usage, then its exit codes (from data, never from prose). */
export function commandHelp(cmd: Command): string {
  const codes = exitCodesOf(cmd)
    .map(([code, what]) => `  ${String(code).padStart(3)}  ${what}`)
    .join('\n');
  const aliases = Object.entries(cmd.aliases ?? {});
  const aliasText = aliases.length > 0 ? `\n\nStill accepted (renamed; will be removed in a later release): ${aliases.map(([old, now]) => `--${old} → --${now}`).join(', ')}` : '';
  return `${cmd.summary}\n\nUsage: ${cmd.usage}${aliasText}\n\nExit codes:\n${codes}\n`;
}

/** Rewrites old option spellings (`--old`, `--old=value`) to the current ones before parsing. */
function applyAliases(cmd: Command, argv: string[]): string[] {
  const aliases = cmd.aliases;
  if (!aliases) return argv;
  return argv.map((a) => {
    const m = /^--([^=]+)(=.*)?$/s.exec(a);
    const to = m?.[1] === undefined ? undefined : aliases[m[1]];
    return to === undefined ? a : `--${to}${m?.[2] ?? ''}`;
  });
}

export function parseCommandArgs(cmd: Command, argv: string[]) {
  try {
    return parseArgs({
      args: applyAliases(cmd, argv),
      options: { help: { type: 'boolean', short: 'h' }, ...cmd.options },
      allowPositionals: cmd.allowPositionals ?? false,
      strict: true,
    });
  } catch (e) {
    // parseArgs' own messages name the offending option; they contain nothing secret.
    const msg = e instanceof Error ? e.message.replace(/\. To specify a positional.*$/s, '') : 'invalid arguments';
    throw new UsageError(`${msg}. See \`crucible-secrets ${cmd.name} --help\`.`);
  }
}

export function writeJson(io: CliIO, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
