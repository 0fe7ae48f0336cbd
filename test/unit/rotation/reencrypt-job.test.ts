import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runReencryptionJob } from '../../../electron/core/rotation/reencrypt-job';

/** The re-encryption job reads its export through the bounded reader: hostile files are refused at once. */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('runReencryptionJob input', () => {
  it('refuses a FIFO in the export file’s place instead of hanging, and writes no SQL', async () => {
    const d = mkdtempSync(join(tmpdir(), 'cs-reenc-job-'));
    dirs.push(d);
    const fifo = join(d, 'export.json');
    execFileSync('mkfifo', [fifo]);
    const sqlOut = join(d, 'out.sql');
    await expect(
      runReencryptionJob({ exportFile: fifo, sqlOut, oldKey: 'a'.repeat(44), newKey: 'b'.repeat(44) }),
    ).rejects.toMatchObject({ code: 'ROTATION_EXPORT_INVALID' });
    expect(existsSync(sqlOut)).toBe(false);
  }, 10_000);
});
