import { execFileSync } from 'node:child_process';
import type * as ChildProcessModule from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { sha256 } from '../../../electron/core/fs/atomic-write';
import { controlPath, remoteCommand, sshOptionArgs } from '../../../electron/core/host/ssh-argv';
import { classifySshFailure } from '../../../electron/core/host/ssh-failure';
import { SshHost } from '../../../electron/core/host/ssh-host';
import { parseLocation } from '../../../electron/core/host/location';

// Spy on spawn, still running the real thing, to see every argv the SSH host produces.
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof ChildProcessModule>();
  return { ...real, spawn: vi.fn(real.spawn) };
});
const { spawn } = await import('node:child_process');
const spawnMock = vi.mocked(spawn);

/** A stand-in `ssh` that saves its stdin (to prove the content went there) and succeeds. */
function fakeSsh(): { bin: string; stdinFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cs-fakessh-'));
  const stdinFile = join(dir, 'stdin');
  const bin = join(dir, 'ssh');
  writeFileSync(bin, `#!/bin/sh\ncat > '${stdinFile}'\nexit 0\n`);
  chmodSync(bin, 0o755);
  return { bin, stdinFile };
}

const argvOf = (i: number): string[] => [spawnMock.mock.calls[i]![0], ...spawnMock.mock.calls[i]![1]];

beforeEach(() => {
  spawnMock.mockClear();
});

describe('the argv given to ssh', () => {
  it('forces batch mode and strict host keys first, shares one connection under <home>/ssh, and ends options with --', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cs-home-'));
    const { bin } = fakeSsh();
    const loc = parseLocation('ssh://admin@crucible.example.org:2222/srv/crucible', '/');
    const host = new SshHost(loc as Extract<typeof loc, { kind: 'ssh' }>, {
      home,
      env: {},
      ssh: { sshPath: bin, extraOptions: ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/tmp/kh'] },
    });
    await host.run(['docker', 'compose', 'ps']);
    const argv = argvOf(0);
    expect(argv[0]).toBe(bin);
    const opts = argv.flatMap((a, i) => (argv[i - 1] === '-o' ? [a] : []));
    expect(opts.slice(0, 3)).toEqual(['BatchMode=yes', 'StrictHostKeyChecking=yes', 'ControlMaster=auto']);
    expect(opts).toContain(`ControlPath=${home}/ssh/%C`);
    expect(opts.some((o) => /^ControlPersist=\d+$/.test(o))).toBe(true);
    // ssh keeps the first value of an option: the extra StrictHostKeyChecking=no comes after ours and loses.
    expect(opts.indexOf('StrictHostKeyChecking=no')).toBeGreaterThan(opts.indexOf('StrictHostKeyChecking=yes'));
    const dd = argv.indexOf('--');
    expect(argv.slice(dd - 4, dd + 2)).toEqual(['-p', '2222', '-l', 'admin', '--', 'crucible.example.org']);
    expect(argv).toHaveLength(dd + 3); // then one remote command string
    expect(statSync(join(home, 'ssh')).mode & 0o777).toBe(0o700);
  });

  it('sends a written file’s content and its hashes on stdin only: no argv holds them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cs-home-'));
    const { bin, stdinFile } = fakeSsh();
    const canary = 'CANARY-7f3e9b1c2d4a-secret-value';
    const content = `POSTGRES_PASSWORD=${canary}\n`;
    const previous = sha256('POSTGRES_PASSWORD=old\n');
    const host = new SshHost(
      { kind: 'ssh', user: null, host: 'box', port: null, path: '/srv/c' },
      { home, env: {}, ssh: { sshPath: bin } },
    );
    await host.writeFileAtomic('/srv/c/.env', content, {
      keepPreviousIn: '/var/lib/cs/previous',
      expectedSha256: previous,
    });
    expect(spawnMock.mock.calls.length).toBeGreaterThan(0);
    for (let i = 0; i < spawnMock.mock.calls.length; i++) {
      const all = argvOf(i).join('\n');
      expect(all).not.toContain(canary);
      expect(all).not.toContain(sha256(content));
      expect(all).not.toContain(previous);
    }
    expect(readFileSync(stdinFile, 'utf8')).toBe(`${previous}\n${sha256(content)}\n${content}`);
  });

  it('quotes each word so the remote POSIX shell splits the command back into the same argv', () => {
    const argv = ['printf', '[%s]', "it's", 'a b', '$HOME', '`id`', '"q"', '; rm -rf /', '\\', '', 'ü'];
    const out = execFileSync('sh', ['-c', remoteCommand(argv)], { encoding: 'utf8' });
    expect(out).toBe(
      argv
        .slice(2)
        .map((a) => `[${a}]`)
        .join(''),
    );
  });

  it('escapes % and quotes spaces in ControlPath, and falls back to a short name where %C would be too long', () => {
    const loc = { kind: 'ssh' as const, user: null, host: 'box', port: null, path: '/srv' };
    expect(controlPath('/home/a/Crucible 100%', loc)).toBe('"/home/a/Crucible 100%%/ssh/%C"');
    const long = '/Users/someone/Library/Application Support/Crucible Secrets';
    expect(controlPath(long, loc)).toMatch(new RegExp(`^"${long}/ssh/[0-9a-f]{16}"$`));
    expect(() => controlPath(`/${'y'.repeat(120)}`, loc)).toThrow(expect.objectContaining({ code: 'HOST_SSH_SETUP' }));
  });

  it('adds -F for a given ssh_config and refuses an extra option that is not Key=value', () => {
    const loc = { kind: 'ssh' as const, user: null, host: 'box', port: null, path: '/srv' };
    expect(sshOptionArgs(loc, '/h', { sshConfigFile: '/t/cfg' }).slice(0, 2)).toEqual(['-F', '/t/cfg']);
    expect(() => sshOptionArgs(loc, '/h', { extraOptions: ['-oProxyCommand=x'] })).toThrow(
      expect.objectContaining({ code: 'HOST_SSH_SETUP' }),
    );
  });
});

describe('classifySshFailure', () => {
  const table: Array<[string, number, string, string | null]> = [
    [
      'unknown host key',
      255,
      'No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n',
      'key-unknown',
    ],
    [
      'changed host key',
      255,
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nHost key verification failed.\n',
      'key-changed',
    ],
    ['refused key', 255, 'admin@10.0.0.5: Permission denied (publickey).\r\n', 'auth'],
    [
      'unknown name',
      255,
      'ssh: Could not resolve hostname crucible.invalid: Name or service not known\r\n',
      'unreachable',
    ],
    ['refused port', 255, 'ssh: connect to host 10.0.0.5 port 22: Connection refused\r\n', 'unreachable'],
    ['timeout', 255, 'ssh: connect to host 10.0.0.5 port 22: Connection timed out\r\n', 'unreachable'],
    ['dropped', 255, 'Connection to 10.0.0.5 closed by remote host.\r\n', 'lost'],
    ['bad config', 255, '/home/a/.ssh/config: line 3: Bad configuration option: foo\n', 'ssh'],
    ['remote command exiting 255', 255, 'my-script: gave up\n', null],
    [
      'a remote failure that mentions permission denied, but not exit 255',
      1,
      'cat: x: Permission denied (os error 13)\n',
      null,
    ],
  ];
  it.each(table)('%s', (_n, code, stderr, kind) => {
    expect(classifySshFailure(code, stderr)).toBe(kind);
  });
});
