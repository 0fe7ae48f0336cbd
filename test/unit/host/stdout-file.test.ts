import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalHost } from '../../../electron/core/host/local-host';

describe('a command whose stdout goes into a file (a database dump, an export)', () => {
  const host = new LocalHost({ kind: 'local', path: tmpdir() }, { env: process.env });

  it('receives every byte (past the 64 KiB kept of ordinary output), 0600, only on success', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cs-stdout-')), 'dump.sql');
    const r = await host.run(['sh', '-c', 'head -c 1048576 /dev/zero | tr "\\0" y; printf END'], { stdoutFile: out });
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.length).toBe(1048579);
    expect(text.endsWith('yEND')).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(dirname(out))).toEqual(['dump.sql']);
  });

  it('leaves no file, and no half-written one, when the command fails', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cs-stdout-')), 'dump.sql');
    const r = await host.run(['sh', '-c', 'printf half; exit 2'], { stdoutFile: out });
    expect(r.code).toBe(2);
    expect(readdirSync(dirname(out))).toEqual([]);
  });

  it('fails in words (74) when the file cannot be created, and runs nothing into it', async () => {
    const r = await host.run(['sh', '-c', 'printf x'], { stdoutFile: '/nonexistent-folder/dump.sql' });
    expect(r.code).toBe(74);
    expect(r.stderr).toContain('could not write the output file');
  });
});
