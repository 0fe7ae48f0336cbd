import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  KEEP_PER_FILE,
  keepPreviousVersion,
  listPreviousVersions,
  previousVersionsFolder,
  readPreviousVersion,
} from '../../../electron/core/fs/previous-versions';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function home(): string {
  const d = mkdtempSync(join(tmpdir(), 'cs-previous-'));
  dirs.push(d);
  return d;
}

describe('previous versions under the app home', () => {
  it('keeps a copy 0600 in a 0700 folder per deployment, named by the file and the time', async () => {
    const h = home();
    const dir = previousVersionsFolder(h, 'crucible-a1b2c3');
    expect(dir).toBe(join(h, 'previous', 'crucible-a1b2c3'));
    const at = new Date('2026-12-06T10:15:00.123Z');
    const path = await keepPreviousVersion(dir, '.env', "A='CANARY-previous'\n", () => at);
    expect(path).toBe(join(dir, '.env.20261206T101500123Z'));
    expect(readFileSync(path, 'utf8')).toBe("A='CANARY-previous'\n");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(await listPreviousVersions(dir)).toEqual([
      { id: '.env.20261206T101500123Z', of: '.env', takenAt: at.toISOString(), size: 20 },
    ]);
  });

  it('never overwrites a copy made in the same millisecond, lists newest first, and keeps the newest 20 per file', async () => {
    const h = home();
    const dir = previousVersionsFolder(h, 'd1');
    let t = Date.parse('2026-01-01T00:00:00.000Z');
    const same = new Date(t);
    const a = await keepPreviousVersion(dir, '.env', 'one', () => same);
    const b = await keepPreviousVersion(dir, '.env', 'two', () => same);
    expect(a).not.toBe(b);
    expect(readFileSync(a, 'utf8')).toBe('one');
    expect(readFileSync(b, 'utf8')).toBe('two');
    for (let i = 0; i < KEEP_PER_FILE + 5; i++) {
      t += 60_000;
      const now = new Date(t);
      await keepPreviousVersion(dir, '.env', `v${String(i)}`, () => now);
    }
    await keepPreviousVersion(dir, 'docker-compose.yml', 'services: {}\n', () => new Date(t));
    const list = await listPreviousVersions(dir);
    const envs = list.filter((v) => v.of === '.env');
    expect(envs).toHaveLength(KEEP_PER_FILE);
    expect(readFileSync(join(dir, envs[0]?.id ?? ''), 'utf8')).toBe(`v${String(KEEP_PER_FILE + 4)}`);
    expect(envs.map((v) => v.takenAt)).toEqual([...envs.map((v) => v.takenAt)].sort().reverse());
    // The other file is not pruned by the first one's count.
    expect(list.filter((v) => v.of === 'docker-compose.yml')).toHaveLength(1);
  });

  it('reads a kept version by id, and refuses an id that is not one (no path tricks)', async () => {
    const h = home();
    const dir = previousVersionsFolder(h, 'd1');
    const path = await keepPreviousVersion(dir, '.env', 'kept\n');
    const id = path.split('/').pop() ?? '';
    expect((await readPreviousVersion(dir, id)).bytes.toString()).toBe('kept\n');
    writeFileSync(join(h, 'outside'), 'no');
    for (const bad of ['../../outside', '.env', 'nope.20261206T101500123Z'])
      await expect(readPreviousVersion(dir, bad)).rejects.toMatchObject({ code: 'PREVIOUS_NOT_FOUND' });
    expect(await listPreviousVersions(join(h, 'previous', 'none'))).toEqual([]);
    expect(readdirSync(dir)).toEqual([id]);
  });

  it('a folder that cannot be made is refused before anything is written', async () => {
    const h = home();
    writeFileSync(join(h, 'previous'), 'a file in the way');
    await expect(keepPreviousVersion(previousVersionsFolder(h, 'd1'), '.env', 'x')).rejects.toMatchObject({
      code: 'PREVIOUS_KEEP_FAILED',
    });
  });
});
