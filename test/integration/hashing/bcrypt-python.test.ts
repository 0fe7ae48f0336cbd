import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../electron/core/hashing';
import { pythonBcryptCheck, pythonBcryptHash } from '../../helpers/python-peers';

// Debian's python3-bcrypt is the same library family Crucible's api uses to verify the login password.
// bcrypt at cost 12 is slow by design; on a loaded 2-core machine a batch takes tens of seconds.
describe('bcrypt interop with python3-bcrypt', { timeout: 180_000 }, () => {
  const passwords = [
    'correct horse battery staple',
    'Xr4tY7uI9oP2aS5dF8gH1j',
    'pässwörd€-ünïcödé',
    'a'.repeat(72),
    'quote\'and"dollar$2b$',
  ];

  it('hashes made by us verify with bcrypt.checkpw (and a wrong password does not)', async () => {
    const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));
    expect(pythonBcryptCheck(hashes.map((h, i) => [passwords[i]!, h] as const))).toEqual(passwords.map(() => true));
    expect(pythonBcryptCheck(hashes.map((h, i) => [`not-${passwords[i]!}`.slice(0, 72), h] as const))).toEqual(
      passwords.map(() => false),
    );
  });

  it('a hash made by Python verifies in ours', async () => {
    const hashes = pythonBcryptHash(passwords, 12);
    const ok = await Promise.all(hashes.map((h, i) => verifyPassword(passwords[i]!, h)));
    expect(ok).toEqual(passwords.map(() => true));
    expect(hashes.every((h) => h.startsWith('$2b$12$'))).toBe(true);
    expect(await verifyPassword('not it', hashes[0]!)).toBe(false);
  });
});
