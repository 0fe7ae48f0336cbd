import { afterAll, describe, expect, it } from 'vitest';
import { checkTypedPassword, contextWords } from '../../../../electron/core/setup/password-rules';
import { createStrengthChecker } from '../../../../electron/core/secrets/strength';
import { crucibleCeProfile } from '../../../../electron/core/stack/crucible-ce';

const WEAK = crucibleCeProfile.weakValues;

const checker = createStrengthChecker();
afterAll(() => checker.close());

describe('typed login password rules (NIST SP 800-63B style)', () => {
  it('accepts a long passphrase without any composition rule', async () => {
    const v = await checkTypedPassword('copper lantern orbit meadow', checker, WEAK);
    expect(v).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses fewer than 15 characters, counting code points', async () => {
    expect((await checkTypedPassword('Tr0ub4dor&3xyz', checker, WEAK)).problems[0]).toContain('at least 15');
    // 15 emoji are 15 characters (30 UTF-16 units) and 60 bytes: long enough, hashable
    expect((await checkTypedPassword('🦊🐙🦉🐢🦋🐝🦀🐬🦜🐌🦔🐿🦦🦥🐊', null, WEAK)).problems).not.toContainEqual(
      expect.stringContaining('at least 15'),
    );
  });

  it('refuses more than 72 UTF-8 bytes (bcrypt reads no further)', async () => {
    const v = await checkTypedPassword('ö'.repeat(37), null, WEAK);
    expect(v.bytes).toBe(74);
    expect(v.problems.join(' ')).toContain('72');
  });

  it("refuses Crucible's own weak values and the product or host name", async () => {
    expect((await checkTypedPassword('change-me-in-production', checker, WEAK)).ok).toBe(false);
    expect(
      (await checkTypedPassword('crucible-crucible', checker, WEAK, contextWords('https://crucible.example.org'))).ok,
    ).toBe(false);
    expect(
      (await checkTypedPassword('examplehostname2024', checker, WEAK, contextWords('https://examplehostname.org'))).ok,
    ).toBe(false);
  });

  it('refuses repetitions, sequences and dictionary passwords', async () => {
    expect((await checkTypedPassword('aaaaaaaaaaaaaaaaaaa', checker, WEAK)).problems.join(' ')).toContain('repetition');
    expect((await checkTypedPassword('abcdefghijklmnopq', checker, WEAK)).ok).toBe(false);
    expect((await checkTypedPassword('passwordpassword1', checker, WEAK)).ok).toBe(false);
  });

  it('never puts the password into a problem message', async () => {
    const pw = 'CANARY-secret-typed';
    const v = await checkTypedPassword(` ${pw}`, checker, WEAK);
    expect(JSON.stringify(v)).not.toContain(pw);
  });
});
