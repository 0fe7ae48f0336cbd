import { execFileSync } from 'node:child_process';
import {
  chownSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../../electron/core/fs/atomic-write';
import { detectCompose } from '../../../electron/core/host/compose';
import { SshHost } from '../../../electron/core/host/ssh-host';
import { allCommandLines, startSshd, waitForProcess, type TestSshd } from '../../helpers/sshd';

/**
 * The SSH host against a real OpenSSH server on 127.0.0.1 (test/helpers/sshd.ts), through the real `ssh`
 * client with a test ssh_config (-F): multiplexing, remote file operations, and the transport failures an
 * admin meets (unknown or changed host key, refused key, nothing listening).
 */

let sshd: TestSshd;
let work: string;
const hosts: SshHost[] = [];
// No agent: only the key named in the test config may log in.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'SSH_AUTH_SOCK'));

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd.stop();
});

function open(opts: { knownHosts?: string; identity?: string; home?: string; profileNames?: string[] } = {}): {
  host: SshHost;
  home: string;
} {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'cs-host-home-'));
  const cfg = sshd.clientConfig({ knownHosts: opts.knownHosts, identity: opts.identity });
  const host = new SshHost(sshd.location(work), {
    home,
    env,
    profileNames: opts.profileNames ?? [],
    ssh: { sshConfigFile: cfg },
  });
  hosts.push(host);
  return { host, home };
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'cs-host-remote-'));
});
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
  rmSync(work, { recursive: true, force: true });
});

/** ssh-keygen -lf of the server's public key: "SHA256:…". */
function serverFingerprint(): string {
  const out = execFileSync('ssh-keygen', ['-l', '-f', join(sshd.dir, 'host_ed25519.pub')], { encoding: 'utf8' });
  return /SHA256:\S+/.exec(out)![0];
}

describe('run', () => {
  it('returns the exit status and both streams of a command that fails, without throwing', async () => {
    const { host } = open();
    const r = await host.run(['sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(r).toEqual({ code: 7, stdout: 'out\n', stderr: 'err\n' });
  });

  it('passes stdin to the command and runs it in the deployment folder by default', async () => {
    const { host } = open();
    const r = await host.run(['sh', '-c', 'pwd; cat'], { stdin: 'from stdin' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${work}\nfrom stdin`);
  });

  it('keeps arguments with quotes, spaces and $ intact through the remote shell', async () => {
    const { host } = open();
    const tricky = ["it's", 'a b', '$HOME', '`id`', '"q"', '-n', ''];
    const r = await host.run(['printf', '[%s]', ...tricky]);
    expect(r.stdout).toBe(tricky.map((t) => `[${t}]`).join(''));
  });

  it('reports a command that does not exist on the server as 127', async () => {
    const { host } = open();
    const r = await host.run(['no-such-command-cs']);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/not found/);
  });

  it('returns a remote exit status of 255 as the command’s result, not as a transport error', async () => {
    const { host } = open();
    await expect(host.run(['sh', '-c', 'echo failed >&2; exit 255'])).resolves.toMatchObject({
      code: 255,
      stderr: 'failed\n',
    });
  });

  it('sets the variables asked for and unsets the profile’s and ROUNDTABLE_* ones the server exports', async () => {
    // sshd_config SetEnv exports POSTGRES_PASSWORD and ROUNDTABLE_STALE into every session, as a stale login profile would.
    const { host } = open({ profileNames: ['POSTGRES_PASSWORD'] });
    const r = await host.run(
      ['sh', '-c', 'echo "[${POSTGRES_PASSWORD-unset}] [${ROUNDTABLE_STALE-unset}] [$COMPOSE_PROJECT_NAME]"'],
      { env: { COMPOSE_PROJECT_NAME: 'crucible x' } },
    );
    expect(r.stdout).toBe('[unset] [unset] [crucible x]\n');
    const plain = open();
    expect((await plain.host.run(['sh', '-c', 'echo "${POSTGRES_PASSWORD-unset}"'])).stdout).toBe('stale-from-login\n');
  });

  it('stops a command that runs past its timeout with status 124', async () => {
    const { host } = open();
    const r = await host.run(['sleep', '30'], { timeoutMs: 1_500 });
    expect(r).toMatchObject({ code: 124, timedOut: true });
  });
});

describe('stdout into a local file', () => {
  it('streams a large output whole into a 0600 file here, and leaves no file when the command fails', async () => {
    const { host } = open();
    const out = join(mkdtempSync(join(tmpdir(), 'cs-host-dump-')), 'dump.sql');
    // 400 KiB: far past the 64 KiB kept of ordinary output.
    const r = await host.run(['sh', '-c', 'head -c 409600 /dev/zero | tr "\\0" x; printf END'], { stdoutFile: out });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text.length).toBe(409603);
    expect(text.endsWith('xEND')).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const failed = join(mkdtempSync(join(tmpdir(), 'cs-host-dump-')), 'failed.sql');
    const f = await host.run(['sh', '-c', 'printf partial; exit 3'], { stdoutFile: failed });
    expect(f.code).toBe(3);
    expect(readdirSync(join(failed, '..'))).toEqual([]);
  });
});

describe('files', () => {
  it('reads a regular file and refuses links, FIFOs, folders, missing and over-cap files', async () => {
    const { host } = open();
    writeFileSync(join(work, '.env'), 'A=1\n');
    symlinkSync(join(work, '.env'), join(work, 'link'));
    execFileSync('mkfifo', [join(work, 'fifo')]);
    writeFileSync(join(work, 'big'), Buffer.alloc(2048, 'x'));
    expect((await host.readFile('.env')).toString()).toBe('A=1\n');
    await expect(host.readFile('link')).rejects.toMatchObject({ code: 'HOST_NOT_A_FILE' });
    await expect(host.readFile('fifo')).rejects.toMatchObject({ code: 'HOST_NOT_A_FILE' });
    await expect(host.readFile(work)).rejects.toMatchObject({ code: 'HOST_NOT_A_FILE' });
    await expect(host.readFile('missing')).rejects.toMatchObject({ code: 'HOST_FILE_NOT_FOUND' });
    await expect(host.readFile('big', { maxBytes: 1024 })).rejects.toMatchObject({
      code: 'HOST_FILE_TOO_LARGE',
      message: expect.stringContaining('1 KiB'),
    });
    expect((await host.readFile('big', { maxBytes: 2048 })).length).toBe(2048);
  });

  it('reads bytes that are not UTF-8 unchanged', async () => {
    const { host } = open();
    const bytes = Buffer.from([0, 255, 10, 13, 128, 39, 34]);
    writeFileSync(join(work, 'bin'), bytes);
    expect(Buffer.compare(await host.readFile('bin'), bytes)).toBe(0);
  });

  it('stats files, folders and links without following them, and answers null for a missing path', async () => {
    const { host } = open();
    writeFileSync(join(work, 'f'), 'abc', { mode: 0o640 });
    symlinkSync('f', join(work, 'l'));
    const local = statSync(join(work, 'f'));
    expect(await host.stat(join(work, 'f'))).toEqual({
      kind: 'file',
      size: 3,
      mode: 0o640,
      uid: local.uid,
      gid: local.gid,
      mtimeMs: Math.floor(local.mtimeMs),
    });
    expect(await host.stat(join(work, 'l'))).toMatchObject({ kind: 'symlink' });
    expect(await host.stat(work)).toMatchObject({ kind: 'dir' });
    expect(await host.stat(join(work, 'nope'))).toBeNull();
  });

  it('lists a folder’s names, including odd ones, and refuses a missing folder or a file', async () => {
    const { host } = open();
    for (const n of ['.env', 'docker-compose.yml', 'with space', 'new\nline']) writeFileSync(join(work, n), '');
    expect(await host.list(work)).toEqual(['.env', 'docker-compose.yml', 'new\nline', 'with space'].sort());
    await expect(host.list(join(work, 'nope'))).rejects.toMatchObject({ code: 'HOST_FILE_NOT_FOUND' });
    await expect(host.list(join(work, '.env'))).rejects.toMatchObject({ code: 'HOST_NOT_A_FOLDER' });
  });
});

describe('writeFileAtomic', () => {
  it('writes a new file with mode 0600 by default', async () => {
    const { host } = open();
    expect(await host.writeFileAtomic('.env', 'A=1\n', { expectedSha256: null })).toEqual({ previousKeptAs: null });
    expect(readFileSync(join(work, '.env'), 'utf8')).toBe('A=1\n');
    expect(statSync(join(work, '.env')).mode & 0o777).toBe(0o600);
  });

  it('keeps the previous version in the given folder (0700, copy 0600) and keeps the owner of the file', async () => {
    const { host } = open();
    const target = join(work, '.env');
    writeFileSync(target, 'OLD=1\n', { mode: 0o644 });
    chownSync(target, 4321, 4322);
    const keep = join(work, 'kept', 'deep');
    const { previousKeptAs } = await host.writeFileAtomic('.env', 'NEW=1\n', {
      keepPreviousIn: keep,
      expectedSha256: sha256('OLD=1\n'),
    });
    expect(previousKeptAs).toMatch(new RegExp(`^${keep}/\\.env\\.\\d{4}-\\d\\d-\\d\\dT\\d{9}Z$`));
    expect(readFileSync(previousKeptAs!, 'utf8')).toBe('OLD=1\n');
    expect(statSync(previousKeptAs!).mode & 0o777).toBe(0o600);
    expect(statSync(keep).mode & 0o777).toBe(0o700);
    expect(statSync(join(work, 'kept')).mode & 0o777).toBe(0o700);
    const st = statSync(target);
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([4321, 4322, 0o600]);
    expect(readFileSync(target, 'utf8')).toBe('NEW=1\n');
    // No temp file left beside it.
    expect(readdirSync(work).sort()).toEqual(['.env', 'kept']);
  });

  it('applies the mode asked for', async () => {
    const { host } = open();
    await host.writeFileAtomic('compose.override.yml', 'services: {}\n', { mode: 0o640 });
    expect(statSync(join(work, 'compose.override.yml')).mode & 0o777).toBe(0o640);
  });

  it('refuses (HOST_FILE_CHANGED) when the file is not the one the caller read, and writes nothing', async () => {
    const { host } = open();
    writeFileSync(join(work, '.env'), 'CHANGED=1\n');
    await expect(
      host.writeFileAtomic('.env', 'NEW=1\n', {
        expectedSha256: sha256('OLD=1\n'),
        keepPreviousIn: join(work, 'kept'),
      }),
    ).rejects.toMatchObject({ code: 'HOST_FILE_CHANGED' });
    await expect(host.writeFileAtomic('.env', 'NEW=1\n', { expectedSha256: null })).rejects.toMatchObject({
      code: 'HOST_FILE_CHANGED',
    });
    expect(readFileSync(join(work, '.env'), 'utf8')).toBe('CHANGED=1\n');
    expect(readdirSync(work)).toEqual(['.env']);
  });

  it('refuses to write through a symbolic link', async () => {
    const { host } = open();
    writeFileSync(join(work, 'real'), 'A=1\n');
    symlinkSync('real', join(work, '.env'));
    await expect(host.writeFileAtomic('.env', 'B=2\n')).rejects.toMatchObject({ code: 'HOST_NOT_A_FILE' });
    expect(readFileSync(join(work, 'real'), 'utf8')).toBe('A=1\n');
  });
});

describe('a write cut off mid-stream', () => {
  it('leaves the old file intact and no temp file when the connection dies, and no argv ever holds the content', async () => {
    const { host } = open();
    const target = join(work, '.env');
    writeFileSync(target, 'OLD=1\n');
    const canary = `CANARY_${sha256(String(Date.now())).slice(0, 24)}`;
    const data = Buffer.concat([
      Buffer.from(`SECRET=${canary}\n`),
      Buffer.alloc(32 * 1024 * 1024, 'x'),
      Buffer.from(`\nSECRET2=${canary}\n`),
    ]);
    const write = host.writeFileAtomic(target, data).then(
      () => null,
      (e: unknown) => e,
    );
    // Freeze the remote dd that receives the content, so the transfer is surely mid-stream.
    const dd = await waitForProcess(`of=${work}/.crucible-secrets-tmp.`);
    process.kill(dd, 'SIGSTOP');
    try {
      // Every process's argv (local ssh, the shared master, the remote shell and dd): no secret.
      expect(allCommandLines().filter((p) => p.args.includes(canary))).toEqual([]);
      const temps = readdirSync(work).filter((n) => n.startsWith('.crucible-secrets-tmp.'));
      expect(temps).toHaveLength(1);
      for (const pid of sshd.sessionPids()) process.kill(pid, 'SIGKILL');
    } finally {
      process.kill(dd, 'SIGCONT');
    }
    const err = await write;
    expect(err).toMatchObject({ code: 'HOST_CONNECTION_LOST' });
    expect(readFileSync(target, 'utf8')).toBe('OLD=1\n');
    await until(() => readdirSync(work).every((n) => !n.startsWith('.crucible-secrets-tmp.')));
    expect(readdirSync(work)).toEqual(['.env']);
  });
});

/** Polls `cond` (bounded), for effects that happen in another process after ours returned. */
async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the shared connection', () => {
  it('serves every run over one master whose socket lives in <home>/ssh (0700), and close() ends it', async () => {
    const { host, home } = open();
    expect(sshd.connections()).toBe(0);
    expect((await host.run(['true'])).code).toBe(0);
    expect((await host.run(['true'])).code).toBe(0);
    await host.stat(work);
    const dir = join(home, 'ssh');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const sockets = readdirSync(dir);
    expect(sockets).toHaveLength(1);
    expect(lstatSync(join(dir, sockets[0]!)).isSocket()).toBe(true);
    // One TCP connection for three operations.
    expect(sshd.connections()).toBe(1);
    await host.close();
    expect(readdirSync(dir)).toEqual([]);
    await until(() => sshd.connections() === 0);
    await host.close(); // twice is fine
  });
});

describe('transport failures in words', () => {
  it('refuses an unknown host key with HOST_KEY_UNKNOWN, the server’s fingerprint and how to accept it', async () => {
    const { host } = open({ knownHosts: '' });
    const e = await host.run(['true']).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'HOST_KEY_UNKNOWN' });
    const msg = (e as Error).message;
    expect(msg).toContain(serverFingerprint());
    expect(msg).toContain(`ssh -p ${sshd.port} ${sshd.user}@127.0.0.1`);
    expect(msg).toContain(`ssh-keyscan -p ${sshd.port} 127.0.0.1 >> ~/.ssh/known_hosts`);
  });

  it('refuses a changed host key with HOST_KEY_CHANGED and the key the server now presents', async () => {
    const other = join(mkdtempSync(join(tmpdir(), 'cs-otherkey-')), 'k');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const pub = readFileSync(`${other}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const { host } = open({ knownHosts: `[127.0.0.1]:${sshd.port} ${pub}\n` });
    const e = await host.readFile('.env').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'HOST_KEY_CHANGED' });
    expect((e as Error).message).toContain(serverFingerprint());
    expect((e as Error).message).toContain(`ssh-keygen -R "[127.0.0.1]:${sshd.port}"`);
  });

  it('reports a key the server refuses as HOST_AUTH_FAILED, pointing at ssh-agent and IdentityFile', async () => {
    const wrong = join(mkdtempSync(join(tmpdir(), 'cs-wrongkey-')), 'k');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrong]);
    const { host } = open({ identity: wrong });
    const e = await host.run(['true']).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: 'HOST_AUTH_FAILED',
      message: expect.stringMatching(/ssh-add.*IdentityFile|IdentityFile.*ssh-add/),
    });
  });

  it('reports a port where nothing listens as HOST_UNREACHABLE', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cs-host-home-'));
    const cfg = sshd.clientConfig();
    const host = new SshHost(
      { kind: 'ssh', user: null, host: '127.0.0.1', port: 1, path: '/srv' },
      { home, env, ssh: { sshConfigFile: cfg } },
    );
    hosts.push(host);
    await expect(host.run(['true'])).rejects.toMatchObject({ code: 'HOST_UNREACHABLE' });
  });
});

describe('Docker Compose detection over SSH', () => {
  it('finds the server’s docker 28 CLI and Compose v1, and says the plugin and the daemon are missing', async () => {
    const { host } = open();
    const status = await detectCompose(host);
    expect(status.docker).toEqual({ present: true, version: '28.2.2' });
    expect(status.composeV2.present).toBe(false);
    expect(status.daemon).toBe('down');
    const kinds = status.problems.map((p) => p.kind);
    expect(kinds).toContain('compose-plugin-missing');
    expect(kinds).toContain('daemon-down');
    // Debian's Compose v1 (scripts/install-system-deps.sh) is on the server's PATH: named, not driven.
    expect(status.dockerComposeProgram.generation).toBe('v1');
    expect(kinds).toContain('compose-v1-only');
  });
});
