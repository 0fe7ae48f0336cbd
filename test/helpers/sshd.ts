import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { SshLocation } from '../../electron/core/host/ssh-argv';

/**
 * A real OpenSSH server on 127.0.0.1 for the host tests: its own host key, authorized_keys, config and pid
 * file in a temp folder (never the system sshd, /etc/ssh or ~/.ssh), plus a client key and client
 * ssh_config files (`-F`) whose known_hosts also live in the temp folder. Requires root (sshd's privilege
 * separation) and the openssh-server package (scripts/install-system-deps.sh).
 */
export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  dir: string;
  port: number;
  user: string;
  /** The client key the server accepts. */
  clientKey: string;
  /** `[127.0.0.1]:port ssh-ed25519 …`: the known_hosts line of the server's real key. */
  knownHostsLine: string;
  /** An ssh_config (for `-F`) with the given known_hosts content and identity (default: trusted, accepted key). */
  clientConfig(opts?: { knownHosts?: string; identity?: string; name?: string }): string;
  location(path: string): SshLocation;
  /** PIDs of sshd's per-connection processes (to cut a connection). */
  sessionPids(): number[];
  /** Established TCP connections from a client to this server (from /proc/net/tcp). */
  connections(): number;
  stop(): Promise<void>;
}

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'crucible-secrets-test', '-f', path]);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once sshd answers with its banner on the port (polling, bounded). */
async function waitForBanner(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d: Buffer) => {
        s.destroy();
        resolve(d.toString('latin1').startsWith('SSH-'));
      });
      s.once('error', () => resolve(false));
      s.setTimeout(2_000, () => (s.destroy(), resolve(false)));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not start on port ${port}: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-sshd-'));
  chmodSync(dir, 0o755);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const port = await freePort();
  const user = userInfo().username;
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'MaxSessions 50',
      'MaxStartups 50',
      'LogLevel ERROR',
      // What a stale login profile would export: the host must unset these for commands.
      'SetEnv POSTGRES_PASSWORD=stale-from-login ROUNDTABLE_STALE=1',
      '',
    ].join('\n'),
  );
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errText = '';
  child.stderr.on('data', (d: Buffer) => (errText = (errText + d.toString('utf8')).slice(-4000)));
  await waitForBanner(port, child, () => errText);

  const hostPub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const knownHostsLine = `[127.0.0.1]:${port} ${hostPub}`;
  let n = 0;
  return {
    dir,
    port,
    user,
    clientKey,
    knownHostsLine,
    clientConfig(opts = {}) {
      const name = opts.name ?? `client-${n++}`;
      const known = join(dir, `${name}.known_hosts`);
      writeFileSync(known, opts.knownHosts ?? `${knownHostsLine}\n`);
      const file = join(dir, `${name}.ssh_config`);
      writeFileSync(
        file,
        [
          'Host *',
          `  IdentityFile ${opts.identity ?? clientKey}`,
          '  IdentitiesOnly yes',
          '  IdentityAgent none',
          `  UserKnownHostsFile ${known}`,
          '  GlobalKnownHostsFile /dev/null',
          '  UpdateHostKeys no',
          '',
        ].join('\n'),
      );
      return file;
    },
    location(path) {
      return { kind: 'ssh', user, host: '127.0.0.1', port, path };
    },
    sessionPids() {
      return child.pid === undefined
        ? []
        : descendants(child.pid)
            .filter((p) => p.comm === 'sshd')
            .map((p) => p.pid);
    },
    connections() {
      // /proc/net/tcp: "sl local_address rem_address st …", addresses as hex IP:PORT, st 01 = ESTABLISHED.
      const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
      return readFileSync('/proc/net/tcp', 'utf8')
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => f[2]?.endsWith(`:${hexPort}`) === true && f[3] === '01').length;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push({ pid: Number(name), ppid, comm });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Every process below `pid`. */
export function descendants(pid: number): Proc[] {
  const all = processes();
  const found: Proc[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next = all.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

/** The command lines of every process, as `ps -ww` would show them (NULs as spaces). */
export function allCommandLines(): Array<{ pid: number; args: string }> {
  const out: Array<{ pid: number; args: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      out.push({ pid: Number(name), args: readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ') });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Polls the process table until a command line contains `needle` (bounded; no fixed sleeps). */
export async function waitForProcess(needle: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = allCommandLines().find((p) => p.args.includes(needle) && p.pid !== process.pid);
    if (hit) return hit.pid;
    if (Date.now() > deadline) throw new Error(`no process with "${needle}" appeared`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
