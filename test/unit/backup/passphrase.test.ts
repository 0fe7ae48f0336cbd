import { afterAll, describe, expect, it } from 'vitest';
import { assertExportPassphrase, createPassphraseChecker } from '../../../electron/core/backup/passphrase';
import { generatePassphrase } from '../../../electron/core/secrets/passphrase-generator';

const checker = createPassphraseChecker();
afterAll(() => checker.close());

describe('export passphrase rules', () => {
  it('checks in a worker thread: the event loop keeps turning during the first check (dictionaries built there)', async () => {
    const fresh = createPassphraseChecker();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      expect(await fresh.check('violet tractor sings under seven moons')).toMatchObject({ ok: true });
    } finally {
      clearInterval(timer);
      await fresh.close();
    }
    // In the event loop, building the dictionaries and checking (~1 s) would let no timer run at all.
    expect(ticks).toBeGreaterThan(5);
  });

  it('answers the same question again from memory (UI check, then export), and any other question afresh', async () => {
    const asked: string[] = [];
    const engine = {
      check: (p: string) => (
        asked.push(p),
        Promise.resolve({
          score: p.length > 20 ? (4 as const) : (1 as const),
          guessesLog10: 0,
          warning: null,
          suggestions: [],
          famous: false,
        })
      ),
      close: () => Promise.resolve(),
    };
    const c = createPassphraseChecker(engine);
    const long = 'violet tractor sings under seven moons';
    expect(await c.check(long)).toMatchObject({ ok: true });
    expect(await c.check(long)).toMatchObject({ ok: true });
    expect(asked).toHaveLength(1);
    expect(await c.check(long, ['violet'])).toMatchObject({ ok: true }); // other user inputs: another question
    expect(await c.check('short but fifteen')).toMatchObject({ ok: false });
    expect(await c.check(long)).toMatchObject({ ok: true });
    expect(asked).toHaveLength(4);
  });

  it('accepts several unrelated words without composition rules', async () => {
    expect(await checker.check('violet tractor sings under seven moons')).toMatchObject({ ok: true });
  });

  it('refuses fewer than 15 characters even when random', async () => {
    const v = await checker.check('q8$Kz!w2@Lp9#');
    expect(v.ok).toBe(false);
    expect(v.problems.join(' ')).toMatch(/at least 15 characters/);
  });

  it('refuses a long but guessable passphrase (zxcvbn score below 3)', async () => {
    const v = await checker.check('passwordpassword123');
    expect(v.ok).toBe(false);
    expect(v.score).toBeLessThan(3);
  });

  it('counts characters after NFKC normalisation, in code points', async () => {
    expect((await checker.check('ﬁ'.repeat(8))).length).toBe(16);
  });

  it('refuses two different entries and never echoes them', async () => {
    const pass = 'violet tractor sings under seven moons';
    await expect(assertExportPassphrase(checker, pass, pass + '!')).rejects.toMatchObject({
      code: 'BACKUP_PASSPHRASE_MISMATCH',
    });
    const e: unknown = await assertExportPassphrase(checker, 'short one', 'short one').then(
      () => null,
      (x: unknown) => x,
    );
    expect((e as Error).message).not.toContain('short one');
    expect((e as { code: string }).code).toBe('BACKUP_WEAK_PASSPHRASE');
  });

  it('refuses famous passphrases however they are written, saying why', async () => {
    for (const famous of [
      'correct horse battery staple',
      'Correct-Horse-Battery-Staple',
      'correcthorsebatterystaple',
      'Correct Horse Battery',
    ]) {
      const v = await checker.check(famous);
      expect(v.ok, famous).toBe(false);
      expect(v.score, famous).toBeLessThanOrEqual(1);
      expect(v.problems.join(' ')).toMatch(/well-known passphrase/);
      expect(v.problems.join(' ')).not.toContain(famous);
    }
    await expect(
      assertExportPassphrase(checker, 'correct horse battery staple', 'correct horse battery staple'),
    ).rejects.toMatchObject({ code: 'BACKUP_WEAK_PASSPHRASE' });
  });

  it('accepts a generated passphrase of six EFF words', async () => {
    const pass = await generatePassphrase();
    const v = await checker.check(pass);
    expect(v).toMatchObject({ ok: true, score: 4 });
  });

  it('accepts NFKC-equivalent entries as the same', async () => {
    await expect(
      assertExportPassphrase(
        checker,
        'ｖｉｏｌｅｔ tractor sings under seven moons',
        'violet tractor sings under seven moons',
      ),
    ).resolves.toBeUndefined();
  });
});
