import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../electron/core/fs/atomic-write';
import { READ_SCRIPT, SCRIPT_NAME, ScriptExit, WRITE_SCRIPT } from '../../../electron/core/host/remote-scripts';

/** The server-side scripts run here with the local `sh` and coreutils, as sshd would run them. */
function sh(script: string, args: string[], input: string | Buffer = '') {
  const r = spawnSync('sh', ['-c', script, SCRIPT_NAME, ...args], { input });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}
const writeArgs = (path: string, size: number, keep = '') => [path, '600', keep, String(size), 'kept-name'];
/** Stdin as the SSH host sends it: expected hash of the current file, hash of the new content, content. */
const stdinFor = (content: string, sent = content, expect = '-') => `${expect}\n${sha256(content)}\n${sent}`;

describe('WRITE_SCRIPT', () => {
  it('leaves the old file and no temp file when stdin ends early (a connection lost mid-stream)', () => {
    const d = mkdtempSync(join(tmpdir(), 'cs-wscript-'));
    writeFileSync(join(d, '.env'), 'OLD=1\n');
    const full = 'NEW=1\n'.repeat(100);
    const r = sh(WRITE_SCRIPT, writeArgs(join(d, '.env'), full.length), stdinFor(full, full.slice(0, 250)));
    expect(r.code).toBe(ScriptExit.Incomplete);
    expect(readFileSync(join(d, '.env'), 'utf8')).toBe('OLD=1\n');
    expect(readdirSync(d)).toEqual(['.env']);
  });

  it('refuses content whose hash differs from the one announced, even at the right size', () => {
    const d = mkdtempSync(join(tmpdir(), 'cs-wscript-'));
    writeFileSync(join(d, '.env'), 'OLD=1\n');
    const r = sh(WRITE_SCRIPT, writeArgs(join(d, '.env'), 6), stdinFor('NEW=1\n', 'NEW=2\n'));
    expect(r.code).toBe(ScriptExit.Incomplete);
    expect(readFileSync(join(d, '.env'), 'utf8')).toBe('OLD=1\n');
  });

  it('refuses (changed) when the current file is not the one expected, and keeps it', () => {
    const d = mkdtempSync(join(tmpdir(), 'cs-wscript-'));
    writeFileSync(join(d, '.env'), 'CHANGED=1\n');
    const r = sh(WRITE_SCRIPT, writeArgs(join(d, '.env'), 4), stdinFor('A=1\n', 'A=1\n', sha256('OLD=1\n')));
    expect(r.code).toBe(ScriptExit.Changed);
    expect(readFileSync(join(d, '.env'), 'utf8')).toBe('CHANGED=1\n');
    expect(readdirSync(d)).toEqual(['.env']);
  });

  it('removes a temp file an earlier, interrupted write left behind', () => {
    const d = mkdtempSync(join(tmpdir(), 'cs-wscript-'));
    const stale = join(d, '.crucible-secrets-tmp.AbCdEfGhIj');
    writeFileSync(stale, 'half');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(stale, old, old);
    const r = sh(WRITE_SCRIPT, writeArgs(join(d, '.env'), 4), stdinFor('A=1\n'));
    expect(r.code).toBe(0);
    expect(readdirSync(d)).toEqual(['.env']);
  });

  it('prints where the previous version went', () => {
    const d = mkdtempSync(join(tmpdir(), 'cs-wscript-'));
    writeFileSync(join(d, '.env'), 'OLD=1\n');
    const r = sh(WRITE_SCRIPT, writeArgs(join(d, '.env'), 4, join(d, 'keep')), stdinFor('A=1\n'));
    expect(r).toMatchObject({ code: 0, stdout: join(d, 'keep', 'kept-name') });
    expect(readFileSync(r.stdout, 'utf8')).toBe('OLD=1\n');
  });
});

describe('READ_SCRIPT', () => {
  it('prints a file at the cap and refuses one byte more', () => {
    const d = mkdtempSync(join(tmpdir(), 'cs-rscript-'));
    writeFileSync(join(d, 'f'), 'x'.repeat(10));
    expect(sh(READ_SCRIPT, [join(d, 'f'), '10'])).toMatchObject({ code: 0, stdout: 'x'.repeat(10) });
    expect(sh(READ_SCRIPT, [join(d, 'f'), '9']).code).toBe(ScriptExit.TooLarge);
  });
});
