import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../../common/errors';
import { HostErrorCode } from './errors';
import type { Location } from './location';

/**
 * The argv of the admin's own OpenSSH client. Ours come first because ssh keeps the first value it sees for
 * an option: BatchMode (never a hidden prompt) and StrictHostKeyChecking (the app never accepts a host key)
 * cannot be overridden by ~/.ssh/config or extra options. `-p`, `-l` and `--` keep anything in a location
 * from being read as an option.
 */

export type SshLocation = Extract<Location, { kind: 'ssh' }>;

/** How to call OpenSSH; all optional. */
export interface SshClientOptions {
  /** The `ssh` binary (default `ssh` on PATH); `ssh-keyscan` and `ssh-keygen` are looked up the same way. */
  sshPath?: string;
  sshKeyscanPath?: string;
  sshKeygenPath?: string;
  /** An ssh_config to read instead of ~/.ssh/config (`-F`), e.g. for tests. */
  sshConfigFile?: string;
  /** More `-o Key=value` options, after ours (so they cannot weaken BatchMode or host key checking). */
  extraOptions?: readonly string[];
  /** How long the shared connection outlives its last use (ControlPersist), seconds. Default 300. */
  controlPersistSec?: number;
  /** ConnectTimeout, seconds. Default 15. */
  connectTimeoutSec?: number;
}

/** A word for the remote POSIX shell: single-quoted, a quote written as '\''. */
export function shQuote(word: string): string {
  if (word.includes('\0'))
    throw new AppError(
      HostErrorCode.SshFailed,
      'A command argument contains a NUL byte, which cannot be sent to a server.',
    );
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command line ssh sends: every word quoted, so the remote shell splits it back into the same argv. */
export function remoteCommand(argv: readonly string[]): string {
  return argv.map(shQuote).join(' ');
}

// sun_path holds 108 bytes on Linux, 104 on macOS; ssh adds ".XXXXXXXXXXXXXXXX" while it creates the socket.
const SOCKET_PATH_MAX = 103 - 17;

/**
 * `<home>/ssh/%C` (OpenSSH's hash of host, port, user and jump), or, where that would be too long for a Unix
 * socket (a macOS home with a space-laden "Application Support"), a 16-hex hash of the location instead.
 * The value is escaped for ssh_config: `%` doubled, and double-quoted when it holds a space.
 * @throws AppError HOST_SSH_SETUP when even the short form does not fit, or the home holds a double quote
 */
export function controlPath(home: string, loc: SshLocation): string {
  const dir = join(home, 'ssh');
  if (dir.includes('"'))
    throw new AppError(
      HostErrorCode.SshSetup,
      `The app's folder ${home} contains a double quote, which ssh cannot take in ControlPath. Set CRUCIBLE_SECRETS_HOME to a simpler path.`,
    );
  let path = `${dir.replace(/%/g, '%%')}/%C`;
  if (dir.length + 1 + 40 > SOCKET_PATH_MAX) {
    const id = createHash('sha256')
      .update(`${loc.user ?? ''}@${loc.host}:${loc.port ?? ''}`)
      .digest('hex')
      .slice(0, 16);
    if (dir.length + 1 + id.length > SOCKET_PATH_MAX)
      throw new AppError(
        HostErrorCode.SshSetup,
        `The app's folder ${home} is too long for an SSH control socket. Set CRUCIBLE_SECRETS_HOME to a shorter path.`,
      );
    path = `${dir.replace(/%/g, '%%')}/${id}`;
  }
  return /\s/.test(path) ? `"${path}"` : path;
}

/** Everything before `--`: options, port and user (shared by runs, `-O exit` and `-G`). */
export function sshOptionArgs(loc: SshLocation, home: string, opts: SshClientOptions = {}): string[] {
  const args: string[] = [];
  if (opts.sshConfigFile !== undefined) args.push('-F', opts.sshConfigFile);
  const o = (kv: string) => args.push('-o', kv);
  o('BatchMode=yes');
  o('StrictHostKeyChecking=yes');
  o('ControlMaster=auto');
  o(`ControlPath=${controlPath(home, loc)}`);
  o(`ControlPersist=${Math.max(1, Math.floor(opts.controlPersistSec ?? 300))}`);
  o(`ConnectTimeout=${Math.max(1, Math.floor(opts.connectTimeoutSec ?? 15))}`);
  // A dead link is noticed within ~45 s instead of hanging until TCP gives up.
  o('ServerAliveInterval=15');
  o('ServerAliveCountMax=3');
  for (const extra of opts.extraOptions ?? []) {
    if (!/^[A-Za-z]+[ =]/.test(extra))
      throw new AppError(HostErrorCode.SshSetup, `"${extra}" is not an ssh option of the form Key=value.`);
    o(extra);
  }
  args.push('-T'); // no terminal: output is data, and nothing can prompt
  if (loc.port !== null) args.push('-p', String(loc.port));
  if (loc.user !== null) args.push('-l', loc.user);
  return args;
}

/** `ssh <options> -- <host> <quoted remote command>`. */
export function sshRunArgv(
  loc: SshLocation,
  home: string,
  opts: SshClientOptions,
  remoteArgv: readonly string[],
): string[] {
  return [...sshOptionArgs(loc, home, opts), '--', loc.host, remoteCommand(remoteArgv)];
}

/** `ssh <options> -O exit|check -- <host>`: ends the shared connection, or asks whether it is up. */
export function sshControlArgv(
  loc: SshLocation,
  home: string,
  opts: SshClientOptions,
  command: 'exit' | 'check',
): string[] {
  return [...sshOptionArgs(loc, home, opts), '-O', command, '--', loc.host];
}

/** `ssh -G …`: the effective configuration (real host name and port of an alias). */
export function sshConfigArgv(loc: SshLocation, home: string, opts: SshClientOptions): string[] {
  return [...sshOptionArgs(loc, home, opts), '-G', '--', loc.host];
}
