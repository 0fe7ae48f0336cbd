import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEnvWatcher } from '../../../../electron/core/inventory/env-watch';

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
};

describe('env watcher (real fs.watch)', () => {
  it('notices an atomic replace of .env (twice: the folder is watched, not the old inode), ignores other files, stops on unwatch', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cs-watch-'));
    writeFileSync(join(folder, '.env'), 'A=1\n');
    const seen: string[] = [];
    const w = createEnvWatcher({ onChange: (id) => seen.push(id), settleMs: 50 });
    expect(w.watch('d1', folder)).toBe(true);
    expect(w.watch('d1', folder)).toBe(true);
    const replace = (text: string) => {
      writeFileSync(join(folder, '.env.tmp'), text);
      renameSync(join(folder, '.env.tmp'), join(folder, '.env'));
    };
    replace('A=2\n');
    await until(() => seen.length >= 1);
    expect(seen).toEqual(['d1']);
    replace('A=3\n');
    await until(() => seen.length >= 2);
    expect(seen).toEqual(['d1', 'd1']);
    writeFileSync(join(folder, 'notes.txt'), 'x');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toHaveLength(2);
    w.unwatch('d1');
    replace('A=4\n');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toHaveLength(2);
    expect(w.watch('d2', join(folder, 'missing'))).toBe(false);
    w.close();
  });
});
