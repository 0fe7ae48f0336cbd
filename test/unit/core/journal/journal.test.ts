import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJournal, GENESIS, type JournalType } from '../../../../electron/core/journal/journal';
import { Redactor } from '../../../../electron/core/log/redact';
import { sha256 } from '../../../../electron/core/fs/atomic-write';

async function journalWith(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cs-journal-'));
  const file = join(dir, 'journal.jsonl');
  let t = Date.parse('2026-05-01T00:00:00Z');
  const redactor = new Redactor();
  const journal = createJournal({ file, clock: () => new Date((t += 1000)), redactor });
  for (let i = 1; i <= n; i++)
    await journal.append({ type: 'secret.copied', deploymentId: 'demo-one', subject: `VAR_${i}`, details: { n: i } });
  const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const write = (ls: string[]) => writeFileSync(file, ls.map((l) => l + '\n').join(''));
  return { dir, file, journal, lines, write, redactor };
}

describe('journal', () => {
  it('chains entries: seq from 1, prev = the hash of the entry before, genesis first', async () => {
    const { journal, file } = await journalWith(3);
    const entries = await journal.read();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]?.prev).toBe(GENESIS);
    expect(entries[1]?.prev).toBe(entries[0]?.hash);
    expect(await journal.verify()).toEqual({ ok: true, entries: 3, problems: [] });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('continues the chain from the end of a long journal: entries larger than the read window, a torn last line', async () => {
    const { journal, file } = await journalWith(150); // ~30 KiB: the last entry is found in the 16 KiB window
    const names = Array.from(
      { length: 200 },
      (_, i) => `VARIABLE_NUMBER_${String(i).padStart(3, '0')}_${'N'.repeat(60)}`,
    );
    await journal.append({ type: 'backup.restored', deploymentId: 'demo-one', details: { names } }); // one entry of ~17 KiB
    await journal.append({ type: 'backup.restored', deploymentId: 'demo-one', details: { names } });
    writeFileSync(file, readFileSync(file, 'utf8') + '{"seq":153,"at":"2026-05-01T00:0'); // a crash mid-write
    // The torn line is skipped, the window grows until it holds a whole entry, and the chain continues from entry 152.
    const next = await journal.append({ type: 'file.written', subject: '.env' });
    expect(next.seq).toBe(153);
    expect(next.prev).toBe((await journal.read()).at(-2)?.hash);
    const v = await journal.verify();
    expect(v.entries).toBe(153);
    expect(v.problems.map((p) => p.code)).toEqual(['MALFORMED']);
  });

  it('filters by deployment and limits to the newest', async () => {
    const { journal } = await journalWith(4);
    await journal.append({ type: 'file.written', deploymentId: 'other-one', subject: '.env' });
    expect((await journal.read({ deploymentId: 'demo-one', limit: 2 })).map((e) => e.seq)).toEqual([3, 4]);
  });

  it('detects an edited entry', async () => {
    const { journal, lines, write } = await journalWith(4);
    const ls = lines();
    ls[1] = ls[1]!.replace('VAR_2', 'VAR_X');
    write(ls);
    const v = await journal.verify();
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual(expect.objectContaining({ code: 'EDITED', line: 2 }));
  });

  it('detects an edited entry whose hash was recomputed (the chain breaks at the next one)', async () => {
    const { journal, lines, write } = await journalWith(4);
    const ls = lines();
    const e = JSON.parse(ls[1]!);
    e.subject = 'VAR_X';
    delete e.hash;
    e.hash = sha256(JSON.stringify(e));
    ls[1] = JSON.stringify(e);
    write(ls);
    const v = await journal.verify();
    expect(v.problems).toContainEqual(expect.objectContaining({ code: 'EDITED', line: 3 }));
  });

  it('detects a removed entry', async () => {
    const { journal, lines, write } = await journalWith(4);
    const ls = lines();
    ls.splice(1, 1);
    write(ls);
    expect((await journal.verify()).problems).toContainEqual(expect.objectContaining({ code: 'REMOVED', line: 2 }));
  });

  it('detects reordered entries', async () => {
    const { journal, lines, write } = await journalWith(4);
    const ls = lines();
    [ls[1], ls[2]] = [ls[2]!, ls[1]!];
    write(ls);
    const codes = (await journal.verify()).problems.map((p) => p.code);
    expect(codes).toContain('REORDERED');
  });

  it('detects entries removed from the end, and a missing head', async () => {
    const { journal, lines, write, file } = await journalWith(4);
    write(lines().slice(0, 2));
    expect((await journal.verify()).problems).toContainEqual(expect.objectContaining({ code: 'TRUNCATED' }));
    rmSync(`${file}.head`);
    expect((await journal.verify()).problems).toContainEqual(expect.objectContaining({ code: 'HEAD_MISSING' }));
  });

  it('detects garbage lines', async () => {
    const { journal, lines, write } = await journalWith(2);
    write([lines()[0]!, 'not json', lines()[1]!]);
    expect((await journal.verify()).problems).toContainEqual(expect.objectContaining({ code: 'MALFORMED', line: 2 }));
  });

  it('keeps appending on the chain after a reopen (another process)', async () => {
    const { file, journal } = await journalWith(2);
    const again = createJournal({ file });
    await again.append({ type: 'file.written', subject: '.env' });
    await journal.append({ type: 'file.written', subject: '.env' });
    expect(await journal.verify()).toMatchObject({ ok: true, entries: 4 });
  });

  it('refuses an entry that contains a known secret value, and writes nothing', async () => {
    const { journal, redactor, file } = await journalWith(1);
    redactor.register('CANARY-journal-value-123456');
    const before = readFileSync(file, 'utf8');
    await expect(
      journal.append({ type: 'secret.revealed', subject: 'X', details: { oops: 'CANARY-journal-value-123456' } }),
    ).rejects.toMatchObject({ code: 'JOURNAL_REFUSED_SECRET' });
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(JSON.stringify(await journal.read())).not.toContain('CANARY');
    // A first entry refused: not even an empty journal appears.
    const fresh = join(mkdtempSync(join(tmpdir(), 'cs-journal-')), 'journal.jsonl');
    await expect(
      createJournal({ file: fresh, redactor }).append({
        type: 'secret.revealed',
        subject: 'CANARY-journal-value-123456',
      }),
    ).rejects.toMatchObject({ code: 'JOURNAL_REFUSED_SECRET' });
    expect(existsSync(fresh)).toBe(false);
  });

  it('refuses malformed input', async () => {
    const { journal } = await journalWith(0);
    // A type outside the list does not compile; an untyped caller (JSON, JS) is still refused at run time.
    await expect(journal.append({ type: 'NotAType' as JournalType })).rejects.toMatchObject({
      code: 'JOURNAL_INVALID',
    });
  });

  it('exports a copy with its verification', async () => {
    const { journal, dir, file } = await journalWith(3);
    const target = join(dir, 'export.jsonl');
    expect(await journal.exportTo(target)).toMatchObject({ ok: true, entries: 3 });
    expect(readFileSync(target, 'utf8')).toBe(readFileSync(file, 'utf8'));
  });
});
