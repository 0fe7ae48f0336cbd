import type * as FsPromises from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepPreviousVersion, listPreviousVersions } from '../../../electron/core/fs/previous-versions';

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  return { ...real, open: vi.fn(real.open) };
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a previous version that cannot be written whole', () => {
  it('leaves no part-written copy behind (none is listed) and fails with PREVIOUS_KEEP_FAILED', async () => {
    const h = mkdtempSync(join(tmpdir(), 'cs-previous-partial-'));
    dirs.push(h);
    const dir = join(h, 'previous', 'crucible-a1b2c3');
    const realOpen = (await vi.importActual<typeof FsPromises>('node:fs/promises')).open;
    vi.mocked(fsp.open).mockImplementationOnce(async (...args: Parameters<typeof fsp.open>) => {
      const fh = await realOpen(...args);
      // Half the bytes reach the disk, then the disk is full.
      return Object.assign(fh, {
        writeFile: async (data: string) => {
          await fh.write(data.slice(0, data.length / 2));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
      });
    });
    await expect(keepPreviousVersion(dir, '.env', "A='CANARY-previous'\n")).rejects.toMatchObject({
      code: 'PREVIOUS_KEEP_FAILED',
    });
    expect(readdirSync(dir)).toEqual([]);
    expect(await listPreviousVersions(dir)).toEqual([]);
  });
});
