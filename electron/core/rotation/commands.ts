import { composeFileFlags } from '../compose/file-names';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { spawnCapture } from '../host/spawn-capture';
import { delimiter, join } from 'node:path';
import type { DeploymentRef } from '../../common/model/deployment';

/**
 * The commands a playbook asks for, as argv (what the app runs) and as display text (what the admin sees
 * and may run by hand). Secrets never go into argv: SQL and passwords travel on stdin.
 */

/** What a command reads on stdin; resolved by the rotation service when it runs the command. */
export type StdinSource =
  | { kind: 'alter-role'; which: 'next' | 'previous' }
  | { kind: 'secret'; which: 'next' }
  | { kind: 'file'; path: string }
  /** The verification probe's request (verify/probe.ts): which checks, and the passwords they need. */
  | { kind: 'probe' };

export interface PlannedCommand {
  argv: string[];
  /** Exactly what the admin would type (stdin shown as a heredoc or a redirection where it is not secret). */
  display: string;
  stdin?: StdinSource;
  /** Where stdout goes when the app runs it (the export file). */
  stdoutFile?: string;
  /** Encrypt stdout into `stdoutFile` as it arrives (a database dump: dumps/dumps.ts), never plaintext on disk. */
  encryptStdout?: boolean;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; injectable so tests can record what would run. */
export interface CommandRunOptions {
  cwd: string;
  stdin?: string;
  env: NodeJS.ProcessEnv;
  /**
   * Stream stdout, whole, into this file (created 0600; it appears only when the command exits 0, so a
   * failed dump never leaves half a file). `stdout` in the result is then empty.
   */
  stdoutFile?: string;
  /** With `stdoutFile`: encrypt to this age recipient as it arrives. */
  stdoutEncryptTo?: string;
}

export interface CommandRunner {
  run(argv: readonly string[], options: CommandRunOptions): Promise<CommandResult>;
}

/** A docker command may pull or restart containers: minutes, not hours. */
const COMMAND_TIMEOUT_MS = 15 * 60 * 1000;

/** Runs commands on this computer the one way the host adapters do (host/spawn-capture.ts). */
export const spawnRunner: CommandRunner = {
  async run(argv, options) {
    const [cmd, ...args] = argv;
    const r = await spawnCapture(cmd ?? 'false', args, {
      cwd: options.cwd,
      env: options.env,
      stdin: options.stdin,
      timeoutMs: COMMAND_TIMEOUT_MS,
      stdoutFile: options.stdoutFile,
      stdoutEncryptTo: options.stdoutEncryptTo,
    });
    return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
  },
};

/** The absolute path of `docker` on PATH, or null. */
export async function findDocker(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, process.platform === 'win32' ? 'docker.exe' : 'docker');
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** One definition for every command the app runs, here or on a server (host/env.ts). */
export { controlledEnv } from '../host/env';

function quote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `docker compose [-f file]…` for a deployment (no `-f` for the default file). */
export function composeBase(d: Pick<DeploymentRef, 'composeFiles'>): string[] {
  return ['docker', 'compose', ...composeFileFlags(d.composeFiles)];
}

export function displayArgv(argv: readonly string[]): string {
  return argv.map(quote).join(' ');
}

/** `docker compose up -d <services>`: recreates containers whose configuration changed (never `restart`). */
export function recreateCommand(d: Pick<DeploymentRef, 'composeFiles'>, services: readonly string[]): PlannedCommand {
  const argv = [...composeBase(d), 'up', '-d', ...services];
  return { argv, display: displayArgv(argv) };
}

/**
 * The recreate of `services`: one `docker compose up -d` for those whose configuration changed, and one with
 * `--force-recreate` for those in `force` (the change reaches them only through a mounted file).
 */
export function recreateCommands(
  d: Pick<DeploymentRef, 'composeFiles'>,
  services: readonly string[],
  force: readonly string[],
): PlannedCommand[] {
  const plain = services.filter((s) => !force.includes(s));
  const forced = services.filter((s) => force.includes(s));
  const out: PlannedCommand[] = [];
  if (plain.length > 0) out.push(recreateCommand(d, plain));
  if (forced.length > 0) {
    const argv = [...composeBase(d), 'up', '-d', '--force-recreate', ...forced];
    out.push({ argv, display: displayArgv(argv) });
  }
  return out;
}

export function stopCommand(d: Pick<DeploymentRef, 'composeFiles'>, services: readonly string[]): PlannedCommand {
  const argv = [...composeBase(d), 'stop', ...services];
  return { argv, display: displayArgv(argv) };
}

/** psql inside the postgres container over the trusted local socket, SQL on stdin, stopping at the first error. */
export function psqlArgv(d: Pick<DeploymentRef, 'composeFiles'>, user: string): string[] {
  return [...composeBase(d), 'exec', '-T', 'postgres', 'psql', '-U', user, '-d', 'roundtable', '-v', 'ON_ERROR_STOP=1'];
}

/**
 * psql setting a role's password: the ALTER ROLE (a SCRAM verifier, never the password) goes on stdin,
 * resolved when the app runs it; shown as reading `file`, which the app writes (0600) for running it by hand.
 */
export function alterRoleCommand(
  d: Pick<DeploymentRef, 'composeFiles'>,
  user: string,
  file: string,
  which: 'next' | 'previous',
): PlannedCommand {
  const argv = psqlArgv(d, user);
  return { argv, display: `${displayArgv(argv)} < ${displayArgv([file])}`, stdin: { kind: 'alter-role', which } };
}

/** psql applying a SQL script file in one go (its own transaction), the file on stdin. */
export function applySqlCommand(d: Pick<DeploymentRef, 'composeFiles'>, user: string, file: string): PlannedCommand {
  const argv = psqlArgv(d, user);
  return { argv, display: `${displayArgv(argv)} < ${displayArgv([file])}`, stdin: { kind: 'file', path: file } };
}
