import { describe, expect, it } from 'vitest';
import { checkTypedPassword, contextWords } from '../../../../electron/core/setup/password-rules';
import { createStrengthChecker } from '../../../../electron/core/secrets/strength';

const checker = createStrengthChecker();

describe('typed login password rules (NIST SP 800-63B style)', () => {
  it('accepts a long passphrase without any composition rule', () => {
    const v = checkTypedPassword('copper lantern orbit meadow', checker);
    expect(v).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses fewer than 15 characters, counting code points', () => {
    expect(checkTypedPassword('Tr0ub4dor&3xyz', checker).problems[0]).toContain('at least 15');
    // 15 emoji are 15 characters (30 UTF-16 units) and 60 bytes: long enough, hashable
    expect(checkTypedPassword('🦊🐙🦉🐢🦋🐝🦀🐬🦜🐌🦔🐿🦦🦥🐊', null).problems).not.toContainEqual(expect.stringContaining('at least 15'));
  });

  it('refuses more than 72 UTF-8 bytes (bcrypt reads no further)', () => {
    const v = checkTypedPassword('ö'.repeat(37), null);
    expect(v.bytes).toBe(74);
    expect(v.problems.join(' ')).toContain('72');
  });

  it("refuses Crucible's own weak values and the product or host name", () => {
    expect(checkTypedPassword('change-me-in-production', checker).ok).toBe(false);
    expect(checkTypedPassword('crucible-crucible', checker, contextWords('https://crucible.example.org')).ok).toBe(false);
    expect(checkTypedPassword('examplehostname2024', checker, contextWords('https://examplehostname.org')).ok).toBe(false);
  });

  it('refuses repetitions, sequences and dictionary passwords', () => {
    expect(checkTypedPassword('aaaaaaaaaaaaaaaaaaa', checker).problems.join(' ')).toContain('repetition');
    expect(checkTypedPassword('abcdefghijklmnopq', checker).ok).toBe(false);
    expect(checkTypedPassword('passwordpassword1', checker).ok).toBe(false);
  });

  it('never puts the password into a problem message', () => {
    const pw = 'CANARY-secret-typed';
    const v = checkTypedPassword(` ${pw}`, checker);
    expect(JSON.stringify(v)).not.toContain(pw);
  });
});
