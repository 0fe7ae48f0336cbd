import { parseArgs } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { AppError } from '../common/errors';
import type { CoreServices } from '../core/services';
import type { ClipboardLike } from '../core/inventory/clipboard-guard';
import type { CommandMeta } from './help-text';

export { ExitCode } from './exit-codes';
export { COMMON_EXIT_CODES, commandHelp, exitCodesOf, type CommandMeta } from './help-text';

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

/** A command: what its help shows (CommandMeta, plain data) and what it does. */
export interface Command extends CommandMeta {
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: CliIO): Promise<number>;
}

export class UsageError extends AppError {
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
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
