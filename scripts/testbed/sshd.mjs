// An OpenSSH server on 127.0.0.1 for the live test bed: own host key, own authorized_keys, own client key
// and client config (for `ssh -F`), and sessions whose PATH starts with the bed's `docker` stand-in. The
// system sshd, /etc/ssh and root's ~/.ssh are never touched.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { alive, terminate } from './services.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function portOpen(port) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** Starts sshd; returns the paths the client needs. @throws Error when sshd does not listen within 10 s. */
export async function startSshd(state) {
  const dir = join(state.bed, 'ssh');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // sshd refuses to start without its privilege-separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  for (const k of ['host_ed25519', 'client_ed25519'])
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `crucible-testbed-${k}`, '-f', join(dir, k)]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_ed25519.pub')), { mode: 0o600 });
  const path = `${join(state.bed, 'bin')}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;
  const config = [
    `Port ${state.sshPort}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'AllowUsers root',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    // The bed lives under /tmp (sticky, world-writable): strict modes would refuse the key file there.
    'StrictModes no',
    'PermitUserEnvironment no',
    'PrintMotd no',
    // SetEnv is applied before the user's shell starts; the stand-in comes first on PATH.
    `SetEnv PATH=${path} CRUCIBLE_TESTBED_DIR=${state.bed}`,
    'Subsystem sftp internal-sftp',
    'MaxStartups 50',
    'MaxSessions 50',
  ];
  writeFileSync(join(dir, 'sshd_config'), config.join('\n') + '\n', { mode: 0o600 });
  const hostPub = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${state.sshPort} ${hostPub}\n`, { mode: 0o600 });
  const client = [
    'Host 127.0.0.1',
    `  Port ${state.sshPort}`,
    '  User root',
    `  IdentityFile ${join(dir, 'client_ed25519')}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  BatchMode yes',
    '  LogLevel ERROR',
  ];
  writeFileSync(join(dir, 'ssh_config'), client.join('\n') + '\n', { mode: 0o600 });
  const log = openSync(join(dir, 'sshd.log'), 'a');
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  child.unref();
  writeFileSync(join(dir, 'sshd.pid.bed'), String(child.pid));
  for (let t = 0; t < 10_000; t += 100) {
    if (await portOpen(state.sshPort)) return { sshConfigFile: join(dir, 'ssh_config') };
    if (!alive(child.pid)) break;
    await sleep(100);
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${state.sshPort}; see ${join(dir, 'sshd.log')}`);
}

export async function stopSshd(state) {
  let pid;
  try {
    pid = Number(readFileSync(join(state.bed, 'ssh', 'sshd.pid.bed'), 'utf8'));
  } catch {
    return;
  }
  // The listener leads its own process group (detached); per-connection children go with it.
  await terminate(pid, 5000, true);
}
