import { mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBackups, realFs, sha256, writeFileAtomic, type FsOps } from '../../../electron/core/fs/atomic-write';

const dir = () => mkdtempSync(join(tmpdir(), 'cs-atomic-'));

describe('writeFileAtomic', () => {
  it('creates a 0600 file', async () => {
    const d = dir();
    await writeFileAtomic(join(d, '.env'), 'A=1\n');
    expect(readFileSync(join(d, '.env'), 'utf8')).toBe('A=1\n');
    expect(statSync(join(d, '.env')).mode & 0o777).toBe(0o600);
  });

  it('keeps the previous version as a timestamped 0600 backup', async () => {
    const d = dir();
    const f = join(d, '.env');
    writeFileSync(f, 'OLD=1\n', { mode: 0o644 });
    const r = await writeFileAtomic(f, 'NEW=1\n');
    expect(readFileSync(f, 'utf8')).toBe('NEW=1\n');
    expect(r.backupPath).toBeTruthy();
    expect(readFileSync(r.backupPath!, 'utf8')).toBe('OLD=1\n');
    expect(statSync(r.backupPath!).mode & 0o777).toBe(0o600);
  });

  it('keeps a bounded number of backups', async () => {
    const d = dir();
    const f = join(d, '.env');
    writeFileSync(f, '0');
    let t = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 1; i <= 8; i++)
      await writeFileAtomic(f, String(i), { maxBackups: 3, clock: () => new Date((t += 1000)) });
    const backups = await listBackups(f);
    expect(backups).toHaveLength(3);
    expect(readFileSync(backups[0]!, 'utf8')).toBe('7');
  });

  it('refuses to overwrite a file that changed since it was read', async () => {
    const d = dir();
    const f = join(d, '.env');
    writeFileSync(f, 'A=1\n');
    const seen = sha256('A=1\n');
    writeFileSync(f, 'A=2\n'); // someone else edits it
    await expect(writeFileAtomic(f, 'A=3\n', { expectedSha256: seen })).rejects.toMatchObject({
      code: 'FS_CHANGED_ON_DISK',
    });
    expect(readFileSync(f, 'utf8')).toBe('A=2\n');
    await expect(writeFileAtomic(join(d, 'new'), 'x', { expectedSha256: null })).resolves.toBeTruthy();
    await expect(writeFileAtomic(join(d, 'new'), 'y', { expectedSha256: null })).rejects.toMatchObject({
      code: 'FS_CHANGED_ON_DISK',
    });
  });

  it('refuses to write through a symlink', async () => {
    const d = dir();
    writeFileSync(join(d, 'real'), 'x');
    symlinkSync(join(d, 'real'), join(d, '.env'));
    await expect(writeFileAtomic(join(d, '.env'), 'y')).rejects.toMatchObject({ code: 'FS_SYMLINK_REFUSED' });
    expect(readFileSync(join(d, 'real'), 'utf8')).toBe('x');
  });

  it('fsyncs the folder after the rename unless told the older file is as good (syncFolder: false)', async () => {
    const d = dir();
    const opened: string[] = [];
    const spy: FsOps = {
      ...realFs,
      open: ((p: string, ...a: never[]) => (
        opened.push(p),
        (realFs.open as (...x: unknown[]) => unknown)(p, ...a)
      )) as FsOps['open'],
    };
    await writeFileAtomic(join(d, 'a'), '1', { fs: spy });
    expect(opened).toContain(d);
    opened.length = 0;
    await writeFileAtomic(join(d, 'b'), '1', { fs: spy, syncFolder: false });
    expect(opened).not.toContain(d);
    expect(readFileSync(join(d, 'b'), 'utf8')).toBe('1');
  });

  // Fault injection: each step fails in turn; the original must survive and no temp file may remain.
  const steps: Array<[string, (ops: FsOps) => FsOps]> = [
    [
      'open temp',
      (o) => ({
        ...o,
        open: ((p: string, ...a: never[]) =>
          p.includes('.tmp-')
            ? Promise.reject(Object.assign(new Error('x'), { code: 'ENOSPC' }))
            : (o.open as (...x: unknown[]) => unknown)(p, ...a)) as FsOps['open'],
      }),
    ],
    [
      'write',
      (o) => ({
        ...o,
        open: (async (p: string, ...a: never[]) => {
          const fh = await (o.open as (...x: unknown[]) => Promise<Awaited<ReturnType<FsOps['open']>>>)(p, ...a);
          if (p.includes('.tmp-')) fh.writeFile = () => Promise.reject(Object.assign(new Error('x'), { code: 'EIO' }));
          return fh;
        }) as FsOps['open'],
      }),
    ],
    [
      'fsync',
      (o) => ({
        ...o,
        open: (async (p: string, ...a: never[]) => {
          const fh = await (o.open as (...x: unknown[]) => Promise<Awaited<ReturnType<FsOps['open']>>>)(p, ...a);
          if (p.includes('.tmp-')) fh.sync = () => Promise.reject(Object.assign(new Error('x'), { code: 'EIO' }));
          return fh;
        }) as FsOps['open'],
      }),
    ],
    ['chmod', (o) => ({ ...o, chmod: () => Promise.reject(Object.assign(new Error('x'), { code: 'EPERM' })) })],
    [
      'backup copy',
      (o) => ({ ...o, copyFile: () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOSPC' })) }),
    ],
    ['rename', (o) => ({ ...o, rename: () => Promise.reject(Object.assign(new Error('x'), { code: 'EXDEV' })) })],
  ];
  for (const [name, inject] of steps) {
    it(`a failure at "${name}" leaves the original intact and no temp file`, async () => {
      const d = dir();
      const f = join(d, '.env');
      writeFileSync(f, 'ORIGINAL=1\n', { mode: 0o600 });
      await expect(writeFileAtomic(f, 'NEW=1\n', { fs: inject(realFs) })).rejects.toMatchObject({
        code: 'FS_WRITE_FAILED',
      });
      expect(readFileSync(f, 'utf8')).toBe('ORIGINAL=1\n');
      expect(readdirSync(d)).toEqual(['.env']);
    });
  }
});
