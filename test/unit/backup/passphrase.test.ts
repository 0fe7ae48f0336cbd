import { describe, expect, it } from 'vitest';
import { assertExportPassphrase, createPassphraseChecker } from '../../../electron/core/backup/passphrase';

const checker = createPassphraseChecker();

describe('export passphrase rules', () => {
  it('accepts several unrelated words without composition rules', () => {
    expect(checker.check('violet tractor sings under seven moons')).toMatchObject({ ok: true });
  });

  it('refuses fewer than 15 characters even when random', () => {
    const v = checker.check('q8$Kz!w2@Lp9#');
    expect(v.ok).toBe(false);
    expect(v.problems.join(' ')).toMatch(/at least 15 characters/);
  });

  it('refuses a long but guessable passphrase (zxcvbn score below 3)', () => {
    const v = checker.check('passwordpassword123');
    expect(v.ok).toBe(false);
    expect(v.score).toBeLessThan(3);
  });

  it('counts characters after NFKC normalisation, in code points', () => {
    expect(checker.check('ﬁ'.repeat(8)).length).toBe(16);
  });

  it('refuses two different entries and never echoes them', () => {
    const pass = 'violet tractor sings under seven moons';
    expect(() => assertExportPassphrase(checker, pass, pass + '!')).toThrow(expect.objectContaining({ code: 'BACKUP_PASSPHRASE_MISMATCH' }));
    try {
      assertExportPassphrase(checker, 'short one', 'short one');
    } catch (e) {
      expect((e as Error).message).not.toContain('short one');
      expect((e as { code: string }).code).toBe('BACKUP_WEAK_PASSPHRASE');
    }
  });

  it('accepts NFKC-equivalent entries as the same', () => {
    expect(() => assertExportPassphrase(checker, 'ｖｉｏｌｅｔ tractor sings under seven moons', 'violet tractor sings under seven moons')).not.toThrow();
  });
});
