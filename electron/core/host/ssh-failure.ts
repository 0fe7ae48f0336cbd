import { isIPv6 } from 'node:net';
import { AppError } from '../../common/errors';
import { HostErrorCode } from './errors';
import { locationLabel } from './location';
import { spawnCapture } from './spawn-capture';
import { sshConfigArgv, type SshClientOptions, type SshLocation } from './ssh-argv';

/**
 * ssh exits 255 both when it could not run the command and when the remote command itself exited 255; the
 * difference is in ssh's own stderr lines. A transport failure becomes an AppError that says what happened
 * and what to do; anything unrecognised stays the command's result.
 */

export type SshFailureKind = 'key-unknown' | 'key-changed' | 'auth' | 'unreachable' | 'lost' | 'ssh';

const RULES: ReadonlyArray<[SshFailureKind, RegExp]> = [
  ['key-changed', /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for \S+ has changed/],
  ['key-unknown', /No \S+ host key is known for|Host key verification failed/],
  ['auth', /Permission denied \(|Too many authentication failures|no more authentication methods/i],
  [
    'unreachable',
    /Could not resolve hostname|Name or service not known|Connection refused|Connection timed out|Operation timed out|No route to host|Network is unreachable|kex_exchange_identification|banner exchange|Connection closed by \S+ port \d+/,
  ],
  [
    'lost',
    /closed by remote host|Broken pipe|Connection reset|client_loop|packet_write_wait|Timeout, server \S+ not responding/,
  ],
  [
    'ssh',
    /^ssh: |^(?:mux_client|muxclient|Control socket|ControlPath|ControlSocket)|Bad configuration option|command-line line \d+|Bad owner or permissions|^[^:\n]+ line \d+: /m,
  ],
];

/** What kind of transport failure an exit 255 was, or null: the remote command's own status. */
export function classifySshFailure(code: number, stderr: string): SshFailureKind | null {
  if (code !== 255) return null;
  for (const [kind, re] of RULES) if (re.test(stderr)) return kind;
  return null;
}

/** The lines of stderr that come from ssh itself (not from the remote command), for a message. */
function sshLines(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => RULES.some(([, re]) => re.test(l)) && !/^@+$/.test(l.trim()));
  return (
    lines.length > 0
      ? lines
      : stderr
          .split('\n')
          .filter((l) => l.trim() !== '')
          .slice(-1)
  )
    .join(' ')
    .trim()
    .replace(/\.$/, '')
    .slice(0, 300);
}

export interface SshTools extends SshClientOptions {
  home: string;
  env: NodeJS.ProcessEnv;
}

/** How the admin reaches the server in a terminal: `ssh -p 2222 admin@server`. */
function terminalCommand(loc: SshLocation): string {
  return `ssh${loc.port !== null ? ` -p ${loc.port}` : ''} ${loc.user !== null ? `${loc.user}@` : ''}${loc.host}`;
}

/**
 * The real host name and port behind the location (an alias is resolved by `ssh -G`), then the server's key
 * fingerprints as `ssh-keyscan -p PORT HOST | ssh-keygen -lf -` reports them. Null when they could not be
 * fetched (ProxyJump hosts cannot be scanned directly).
 */
export async function fetchHostKeyFingerprints(
  loc: SshLocation,
  tools: SshTools,
): Promise<{ host: string; port: number; fingerprints: string[] }> {
  let host = loc.host;
  let port = loc.port ?? 22;
  const g = await spawnCapture(tools.sshPath ?? 'ssh', sshConfigArgv(loc, tools.home, tools), {
    env: tools.env,
    timeoutMs: 10_000,
  });
  if (g.code === 0) {
    const text = g.stdout.toString('utf8');
    const h = /^hostname (\S+)$/m.exec(text)?.[1];
    const p = /^port (\d+)$/m.exec(text)?.[1];
    if (h !== undefined && (/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(h) || isIPv6(h))) host = h;
    if (p !== undefined) port = Number(p);
  }
  const scan = await spawnCapture(tools.sshKeyscanPath ?? 'ssh-keyscan', ['-T', '5', '-p', String(port), '--', host], {
    env: tools.env,
    timeoutMs: 15_000,
  });
  if (scan.code !== 0 || scan.stdout.length === 0) return { host, port, fingerprints: [] };
  const keygen = await spawnCapture(tools.sshKeygenPath ?? 'ssh-keygen', ['-l', '-f', '-'], {
    env: tools.env,
    stdin: scan.stdout,
    timeoutMs: 10_000,
  });
  // "256 SHA256:abc… [127.0.0.1]:2222 (ED25519)" → "SHA256:abc… (ED25519)"
  const fingerprints = keygen.stdout
    .toString('utf8')
    .split('\n')
    .map((l) => /(SHA256:[A-Za-z0-9+/=]+).*\((\w+)\)\s*$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1] ?? ''} (${m[2] ?? ''})`);
  return { host, port, fingerprints: [...new Set(fingerprints)] };
}

/**
 * The AppError for a transport failure, with the server's key fingerprint when the host key is the problem.
 */
export async function sshFailureError(
  kind: SshFailureKind,
  stderr: string,
  loc: SshLocation,
  tools: SshTools,
): Promise<AppError> {
  const label = locationLabel(loc);
  const detail = sshLines(stderr);
  switch (kind) {
    case 'key-unknown':
    case 'key-changed': {
      const fp = await fetchHostKeyFingerprints(loc, tools);
      const scanned = `ssh-keyscan -p ${fp.port} ${fp.host} >> ~/.ssh/known_hosts`;
      const shown =
        fp.fingerprints.length > 0
          ? `The server presents ${fp.fingerprints.join(', ')}.`
          : `Its key fingerprint could not be fetched (run ssh-keyscan -p ${fp.port} ${fp.host} | ssh-keygen -lf - to see it).`;
      const check =
        "Compare it with what the server's administrator reads on the server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub).";
      if (kind === 'key-unknown') {
        return new AppError(
          HostErrorCode.KeyUnknown,
          `${label} is not in your known_hosts, and the app never accepts a host key by itself. ${shown} ${check} If it matches, accept it once in a terminal with ${terminalCommand(loc)} (answer "yes"), or add it with ${scanned}; then try again.`,
        );
      }
      return new AppError(
        HostErrorCode.KeyChanged,
        `The host key of ${label} has CHANGED since you last connected: the server was reinstalled or re-keyed, or someone is intercepting the connection. Nothing was run. ${shown} ${check} Only if it matches, remove the old key with ssh-keygen -R ${fp.port === 22 ? fp.host : `"[${fp.host}]:${fp.port}"`} and connect once with ${terminalCommand(loc)}.`,
      );
    }
    case 'auth':
      return new AppError(
        HostErrorCode.AuthFailed,
        `${label} refused the login (${detail}). The app logs in with your ssh-agent and the IdentityFile of ~/.ssh/config, and never asks for a password: load your key with ssh-add (ssh-add -l lists the loaded ones) or set IdentityFile for this host, check that the user is right, then test with ${terminalCommand(loc)}.`,
      );
    case 'unreachable':
      return new AppError(
        HostErrorCode.Unreachable,
        `Could not reach ${label} (${detail}). Check the server name or ~/.ssh/config alias, the port, your network or VPN, and that the SSH server runs.`,
      );
    case 'lost':
      return new AppError(
        HostErrorCode.ConnectionLost,
        `The connection to ${label} was lost (${detail}); whether the last step finished is unknown. Check the server before trying again.`,
      );
    case 'ssh':
      return new AppError(
        HostErrorCode.SshFailed,
        `ssh could not run the command on ${label} (${detail}). Check ~/.ssh/config for this host, then test with ${terminalCommand(loc)}.`,
      );
  }
}
