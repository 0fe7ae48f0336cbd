import { copyFileSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvFile, writeEnvFile } from '../../../../electron/core/envfile';
import { realFs, sha256, type FsOps } from '../../../../electron/core/fs/atomic-write';

const fixturePath = (name: string) => new URL(`../../../fixtures/env/${name}`, import.meta.url).pathname;
const dir = () => mkdtempSync(join(tmpdir(), 'cs-envfile-'));
/** The app home's previous-versions folder stand-in: never the deployment folder. */
const keep = () => join(mkdtempSync(join(tmpdir(), 'cs-envfile-home-')), 'previous', 'd1');

function copyFixture(name: string): string {
  const d = dir();
  const f = join(d, '.env');
  copyFileSync(fixturePath(name), f);
  return f;
}

describe('readEnvFile / writeEnvFile', () => {
  it('reads with the SHA-256 of the bytes', async () => {
    const f = copyFixture('odd-quoting.env');
    const r = await readEnvFile(f);
    expect(r.sha256).toBe(sha256(readFileSync(f)));
    expect(r.doc.entries.map((e) => e.key)).toContain('ROUNDTABLE_JWT_SECRET');
  });

  it('writes only the managed line, mode 0600, keeps a backup of the previous version', async () => {
    const f = copyFixture('odd-quoting.env');
    const original = readFileSync(f, 'utf8');
    const { sha256: seen } = await readEnvFile(f);
    const r = await writeEnvFile(f, [{ op: 'set', key: 'REDIS_PASSWORD', value: 'newRedisPassword_0123456789' }], {
      expectedSha256: seen,
      keepPreviousIn: keep(),
    });
    const now = readFileSync(f, 'utf8');
    expect(now).toBe(
      original.replace(
        "REDIS_PASSWORD='single quoted # not a comment'",
        "REDIS_PASSWORD='newRedisPassword_0123456789'",
      ),
    );
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readFileSync(r.backupPath!, 'utf8')).toBe(original);
    expect(statSync(r.backupPath!).mode & 0o777).toBe(0o600);
    // Kept under the app home, never beside the file where git could pick it up.
    expect(readdirSync(join(f, '..'))).toEqual(['.env']);
    expect(r.sha256).toBe(sha256(now));
  });

  it('refuses a file that changed on disk since it was read; nothing written', async () => {
    const f = copyFixture('odd-quoting.env');
    const { sha256: seen } = await readEnvFile(f);
    writeFileSync(f, 'SOMEONE=else\n');
    await expect(
      writeEnvFile(f, [{ op: 'set', key: 'A', value: 'x' }], { expectedSha256: seen, keepPreviousIn: keep() }),
    ).rejects.toMatchObject({ code: 'FS_CHANGED_ON_DISK' });
    expect(readFileSync(f, 'utf8')).toBe('SOMEONE=else\n');
    expect(readdirSync(join(f, '..'))).toEqual(['.env']);
  });

  it('creates a new file only with expectedSha256 null', async () => {
    const f = join(dir(), '.env');
    await writeEnvFile(f, [{ op: 'set', key: 'A', value: 'x' }], { expectedSha256: null, keepPreviousIn: keep() });
    expect(readFileSync(f, 'utf8')).toBe("A='x'\n");
    await expect(
      writeEnvFile(f, [{ op: 'set', key: 'A', value: 'y' }], { expectedSha256: null, keepPreviousIn: keep() }),
    ).rejects.toMatchObject({ code: 'FS_CHANGED_ON_DISK' });
  });

  for (const broken of [
    'broken-unterminated-quote.env',
    'broken-invalid-key.env',
    'broken-binary.env',
    'broken-latin1.env',
  ]) {
    it(`refuses to edit ${broken} with a line number; the file is untouched`, async () => {
      const f = copyFixture(broken);
      const before = readFileSync(f);
      const { sha256: seen } = await readEnvFile(f);
      await expect(
        writeEnvFile(f, [{ op: 'set', key: 'A', value: 'x' }], { expectedSha256: seen, keepPreviousIn: keep() }),
      ).rejects.toMatchObject({ code: 'ENV_PARSE_ERROR', message: expect.stringMatching(/Line \d+/) });
      expect(readFileSync(f).equals(before)).toBe(true);
      expect(readdirSync(join(f, '..'))).toEqual(['.env']);
    });
  }

  it('a 10 MB file is read as a too-large document, and never edited', async () => {
    const f = join(dir(), '.env');
    writeFileSync(f, Buffer.alloc(10 * 1024 * 1024, 'A=1\n'));
    const { doc, sha256: seen } = await readEnvFile(f);
    expect(doc.problems[0]?.code).toBe('ENV_TOO_LARGE');
    await expect(
      writeEnvFile(f, [{ op: 'set', key: 'A', value: 'x' }], { expectedSha256: seen, keepPreviousIn: keep() }),
    ).rejects.toMatchObject({ code: 'ENV_PARSE_ERROR' });
  });

  it('edits a CRLF file keeping its line endings', async () => {
    const f = copyFixture('broken-crlf.env');
    const { sha256: seen } = await readEnvFile(f);
    await writeEnvFile(f, [{ op: 'set', key: 'REDIS_PASSWORD', value: 'x' }], {
      expectedSha256: seen,
      keepPreviousIn: keep(),
    });
    expect(readFileSync(f, 'utf8')).toBe(
      'ROUNDTABLE_JWT_SECRET=abcdefghijklmnopqrstuvwxyz0123456789\r\nREDIS_PASSWORD=\'x\'\r\nMULTI="a\r\nb"\r\n',
    );
  });

  it('reports a missing file clearly', async () => {
    await expect(readEnvFile(join(dir(), 'nope.env'))).rejects.toMatchObject({ code: 'ENV_FILE_NOT_FOUND' });
  });

  // Fault injection through the .env writer: each step of the atomic write fails in turn.
  const fail = (code: string) => Promise.reject(Object.assign(new Error('injected'), { code }));
  type Open = (...x: unknown[]) => Promise<Awaited<ReturnType<FsOps['open']>>>;
  const onTemp = (o: FsOps, patch: (fh: Awaited<ReturnType<FsOps['open']>>) => void): FsOps => ({
    ...o,
    open: (async (p: string, ...a: unknown[]) => {
      const fh = await (o.open as Open)(p, ...a);
      if (p.includes('.tmp-')) patch(fh);
      return fh;
    }) as FsOps['open'],
  });
  const steps: Array<[string, (o: FsOps) => FsOps]> = [
    [
      'open temp',
      (o) => ({
        ...o,
        open: ((p: string, ...a: unknown[]) =>
          p.includes('.tmp-') ? fail('ENOSPC') : (o.open as Open)(p, ...a)) as FsOps['open'],
      }),
    ],
    ['write', (o) => onTemp(o, (fh) => (fh.writeFile = () => fail('EIO')))],
    ['fsync', (o) => onTemp(o, (fh) => (fh.sync = () => fail('EIO')))],
    ['chmod', (o) => ({ ...o, chmod: () => fail('EPERM') })],
    ['rename', (o) => ({ ...o, rename: () => fail('EXDEV') })],
  ];
  it('a previous version that cannot be kept stops the write: the .env is untouched', async () => {
    const f = copyFixture('odd-quoting.env');
    const before = readFileSync(f);
    const { sha256: seen } = await readEnvFile(f);
    const blocked = join(dir(), 'a-file');
    writeFileSync(blocked, 'not a folder');
    await expect(
      writeEnvFile(f, [{ op: 'set', key: 'REDIS_PASSWORD', value: 'x' }], {
        expectedSha256: seen,
        keepPreviousIn: join(blocked, 'previous'),
      }),
    ).rejects.toMatchObject({ code: 'PREVIOUS_KEEP_FAILED' });
    expect(readFileSync(f).equals(before)).toBe(true);
    expect(readdirSync(join(f, '..'))).toEqual(['.env']);
  });

  for (const [name, inject] of steps) {
    it(`a failure at "${name}" leaves the original .env intact and no temp file`, async () => {
      const f = copyFixture('odd-quoting.env');
      const before = readFileSync(f);
      const { sha256: seen } = await readEnvFile(f);
      await expect(
        writeEnvFile(f, [{ op: 'set', key: 'REDIS_PASSWORD', value: 'x' }], {
          expectedSha256: seen,
          keepPreviousIn: keep(),
          fs: inject(realFs),
        }),
      ).rejects.toMatchObject({ code: 'FS_WRITE_FAILED' });
      expect(readFileSync(f).equals(before)).toBe(true);
      expect(readdirSync(join(f, '..'))).toEqual(['.env']);
    });
  }
});
