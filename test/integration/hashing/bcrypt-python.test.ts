import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../electron/core/hashing';
import { pythonBcryptCheck, pythonBcryptHash } from '../../helpers/python-peers';

// Debian's python3-bcrypt is the same library family Crucible's api uses to verify the login password.
describe('bcrypt interop with python3-bcrypt', () => {
  const passwords = ['correct horse battery staple', 'Xr4tY7uI9oP2aS5dF8gH1j', 'pässwörd€-ünïcödé', 'a'.repeat(72), "quote'and\"dollar$2b$"];

  it('hashes made by us verify with bcrypt.checkpw (and a wrong password does not)', async () => {
    const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));
    expect(pythonBcryptCheck(hashes.map((h, i) => [passwords[i]!, h] as const))).toEqual(passwords.map(() => true));
    expect(pythonBcryptCheck(hashes.map((h, i) => [`not-${passwords[i]!}`.slice(0, 72), h] as const))).toEqual(passwords.map(() => false));
  });

  it('a hash made by Python verifies in ours', async () => {
    const hashes = pythonBcryptHash(passwords, 12);
    for (const [i, h] of hashes.entries()) {
      expect(h).toMatch(/^\$2b\$12\$/);
      expect(await verifyPassword(passwords[i]!, h)).toBe(true);
      expect(await verifyPassword('not it', h)).toBe(false);
    }
  });
});
