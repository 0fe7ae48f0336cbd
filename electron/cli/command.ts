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

export function parseCommandArgs(cmd: Command, argv: string[]) {
  try {
    return parseArgs({
      args: argv,
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
