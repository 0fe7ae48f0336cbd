import { execFileSync } from 'node:child_process';
import {
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../electron/core/fs/atomic-write';
import { LocalHost } from '../../../electron/core/host/local-host';

const folder = () => mkdtempSync(join(tmpdir(), 'cs-localhost-'));
const hostIn = (path: string, env: NodeJS.ProcessEnv = process.env, profileNames: string[] = []) =>
  new LocalHost({ kind: 'local', path }, { env, profileNames });

describe('LocalHost.run', () => {
  it('returns the exit status and both streams, in the deployment folder, with stdin', async () => {
    const d = folder();
    const r = await hostIn(d).run(['sh', '-c', 'pwd; cat; echo oops >&2; exit 3'], { stdin: 'in' });
    expect(r).toEqual({ code: 3, stdout: `${d}\nin`, stderr: 'oops\n' });
  });

  it('passes arguments as argv, never through a shell', async () => {
    const r = await hostIn(folder()).run(['printf', '[%s]', '$(id)', 'a;b', '`x`']);
    expect(r.stdout).toBe('[$(id)][a;b][`x`]');
  });

  it('drops the profile’s variables and every ROUNDTABLE_* from the environment, and adds the ones asked for', async () => {
    const env = { PATH: process.env.PATH, POSTGRES_PASSWORD: 'stale', ROUNDTABLE_X: '1', KEEP: 'yes' };
    const r = await hostIn(folder(), env, ['POSTGRES_PASSWORD']).run(
      ['sh', '-c', 'echo "${POSTGRES_PASSWORD-unset} ${ROUNDTABLE_X-unset} $KEEP $EXTRA"'],
      { env: { EXTRA: 'added' } },
    );
    expect(r.stdout).toBe('unset unset yes added\n');
  });

  it('reports a program that does not exist as 127 with the reason', async () => {
    const r = await hostIn(folder()).run(['no-such-program-cs', 'x']);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/could not start no-such-program-cs .*ENOENT/);
  });

  it('stops a command past its timeout: status 124 and timedOut', async () => {
    const r = await hostIn(folder()).run(['sleep', '20'], { timeoutMs: 300 });
    expect(r).toMatchObject({ code: 124, timedOut: true });
  });

  it('keeps only the last 64 KiB of each stream', async () => {
    const r = await hostIn(folder()).run(['sh', '-c', 'head -c 200000 /dev/zero | tr "\\0" a; printf END']);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(64 * 1024);
    expect(r.stdout.endsWith('aEND')).toBe(true);
  });
});

describe('LocalHost.readFile', () => {
  it('reads a regular file', async () => {
    const d = folder();
    writeFileSync(join(d, '.env'), 'A=1\n');
    expect((await hostIn(d).readFile(join(d, '.env'))).toString()).toBe('A=1\n');
  });

  it('refuses a symlink, a FIFO (without hanging), a folder and a missing file', async () => {
    const d = folder();
    writeFileSync(join(d, 'real'), 'A=1\n');
    symlinkSync(join(d, 'real'), join(d, 'link'));
    execFileSync('mkfifo', [join(d, 'fifo')]);
    const h = hostIn(d);
    await expect(h.readFile(join(d, 'link'))).rejects.toMatchObject({
      code: 'HOST_NOT_A_FILE',
      message: expect.stringContaining('symbolic link'),
    });
    await expect(h.readFile(join(d, 'fifo'))).rejects.toMatchObject({ code: 'HOST_NOT_A_FILE' });
    await expect(h.readFile(d)).rejects.toMatchObject({ code: 'HOST_NOT_A_FILE' });
    await expect(h.readFile(join(d, 'missing'))).rejects.toMatchObject({ code: 'HOST_FILE_NOT_FOUND' });
  });

  it('refuses a file over the cap and names the cap (1 MiB by default)', async () => {
    const d = folder();
    writeFileSync(join(d, 'big'), Buffer.alloc(1024 * 1024 + 1));
    writeFileSync(join(d, 'small'), Buffer.alloc(100));
    await expect(hostIn(d).readFile(join(d, 'big'))).rejects.toMatchObject({
      code: 'HOST_FILE_TOO_LARGE',
      message: expect.stringContaining('1 MiB'),
    });
    await expect(hostIn(d).readFile(join(d, 'small'), { maxBytes: 99 })).rejects.toMatchObject({
      code: 'HOST_FILE_TOO_LARGE',
      message: expect.stringContaining('99 bytes'),
    });
    expect((await hostIn(d).readFile(join(d, 'small'), { maxBytes: 100 })).length).toBe(100);
  });
});

describe('LocalHost.stat and list', () => {
  it('stats without following links and answers null for a missing path', async () => {
    const d = folder();
    writeFileSync(join(d, 'f'), 'abc', { mode: 0o640 });
    symlinkSync('f', join(d, 'l'));
    const h = hostIn(d);
    expect(await h.stat(join(d, 'f'))).toMatchObject({ kind: 'file', size: 3, mode: 0o640 });
    expect(await h.stat(join(d, 'l'))).toMatchObject({ kind: 'symlink' });
    expect(await h.stat(d)).toMatchObject({ kind: 'dir' });
    expect(await h.stat(join(d, 'nope'))).toBeNull();
  });

  it('lists names sorted and refuses a missing folder', async () => {
    const d = folder();
    for (const n of ['b', '.env', 'a']) writeFileSync(join(d, n), '');
    expect(await hostIn(d).list(d)).toEqual(['.env', 'a', 'b']);
    await expect(hostIn(d).list(join(d, 'nope'))).rejects.toMatchObject({ code: 'HOST_FILE_NOT_FOUND' });
  });
});

describe('LocalHost.writeFileAtomic', () => {
  it('writes 0600 by default and keeps no copy unless asked', async () => {
    const d = folder();
    expect(await hostIn(d).writeFileAtomic(join(d, '.env'), 'A=1\n')).toEqual({ previousKeptAs: null });
    expect(statSync(join(d, '.env')).mode & 0o777).toBe(0o600);
    expect(readdirSync(d)).toEqual(['.env']);
  });

  it('keeps the previous version in the given folder (created 0700, copy 0600), outside the deployment', async () => {
    const d = folder();
    const keep = join(folder(), 'previous', 'deployment-1');
    writeFileSync(join(d, '.env'), 'OLD=1\n', { mode: 0o644 });
    const { previousKeptAs } = await hostIn(d).writeFileAtomic(join(d, '.env'), 'NEW=1\n', { keepPreviousIn: keep });
    expect(previousKeptAs).toMatch(new RegExp(`^${keep}/\\.env\\.\\d{8}T\\d{9}Z$`));
    expect(readFileSync(previousKeptAs!, 'utf8')).toBe('OLD=1\n');
    expect(statSync(previousKeptAs!).mode & 0o777).toBe(0o600);
    expect(statSync(keep).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(d, '.env'), 'utf8')).toBe('NEW=1\n');
    expect(readdirSync(d)).toEqual(['.env']);
  });

  it('never overwrites an earlier kept copy made in the same millisecond', async () => {
    const d = folder();
    const keep = join(d, '..', `${d.split('/').pop()!}-keep`);
    const h = new LocalHost({ kind: 'local', path: d }, { clock: () => new Date('2026-12-06T00:00:00.000Z') });
    writeFileSync(join(d, '.env'), 'V=1\n');
    const a = await h.writeFileAtomic(join(d, '.env'), 'V=2\n', { keepPreviousIn: keep });
    const b = await h.writeFileAtomic(join(d, '.env'), 'V=3\n', { keepPreviousIn: keep });
    expect(a.previousKeptAs).not.toBe(b.previousKeptAs);
    expect([readFileSync(a.previousKeptAs!, 'utf8'), readFileSync(b.previousKeptAs!, 'utf8')]).toEqual([
      'V=1\n',
      'V=2\n',
    ]);
  });

  it('keeps the owner of the file it replaces', async () => {
    const d = folder();
    writeFileSync(join(d, '.env'), 'OLD=1\n');
    chownSync(join(d, '.env'), 4321, 4322);
    await hostIn(d).writeFileAtomic(join(d, '.env'), 'NEW=1\n');
    const st = statSync(join(d, '.env'));
    expect([st.uid, st.gid]).toEqual([4321, 4322]);
  });

  it('refuses (HOST_FILE_CHANGED) when the file changed since it was read, and keeps no copy', async () => {
    const d = folder();
    const keep = join(d, 'keep');
    writeFileSync(join(d, '.env'), 'CHANGED=1\n');
    await expect(
      hostIn(d).writeFileAtomic(join(d, '.env'), 'NEW=1\n', {
        expectedSha256: sha256('OLD=1\n'),
        keepPreviousIn: keep,
      }),
    ).rejects.toMatchObject({ code: 'HOST_FILE_CHANGED' });
    expect(readFileSync(join(d, '.env'), 'utf8')).toBe('CHANGED=1\n');
    mkdirSync(keep, { recursive: true });
    expect(readdirSync(keep)).toEqual([]);
  });

  it('refuses to write through a symlink', async () => {
    const d = folder();
    writeFileSync(join(d, 'real'), 'A=1\n');
    symlinkSync('real', join(d, '.env'));
    await expect(hostIn(d).writeFileAtomic(join(d, '.env'), 'B=2\n')).rejects.toMatchObject({
      code: 'HOST_NOT_A_FILE',
    });
    expect(readFileSync(join(d, 'real'), 'utf8')).toBe('A=1\n');
  });
});
