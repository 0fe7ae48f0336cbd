import { describe, expect, it } from 'vitest';
import {
  assertHashablePassword,
  bcryptCost,
  hashPassword,
  isBcryptHash,
  verifyPassword,
} from '../../../../electron/core/hashing';

describe('bcrypt for the login password', { timeout: 120_000 }, () => {
  it('writes $2b$ at cost 12 by default, 60 characters, and verifies', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^\$2b\$12\$[./A-Za-z0-9]{53}$/);
    expect(isBcryptHash(h)).toBe(true);
    expect(bcryptCost(h)).toBe(12);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('wrong', h)).toBe(false);
  });

  it('never goes below cost 12 (nor above 16)', async () => {
    await expect(hashPassword('password-long-enough', 10)).rejects.toMatchObject({ code: 'HASH_BAD_COST' });
    await expect(hashPassword('password-long-enough', 17)).rejects.toMatchObject({ code: 'HASH_BAD_COST' });
    expect(bcryptCost(await hashPassword('password-long-enough', 13))).toBe(13);
  });

  it('refuses a password over 72 UTF-8 bytes with a clear message, counting bytes not characters', async () => {
    await expect(hashPassword('a'.repeat(73))).rejects.toMatchObject({
      code: 'HASH_PASSWORD_TOO_LONG',
      message: expect.stringMatching(/73 bytes.*at most 72/),
    });
    await expect(hashPassword('é'.repeat(37))).rejects.toMatchObject({ code: 'HASH_PASSWORD_TOO_LONG' }); // 74 bytes, 37 chars
    expect(() => assertHashablePassword('a'.repeat(72))).not.toThrow();
  });

  it('refuses empty, NUL and lone-surrogate passwords', () => {
    expect(() => assertHashablePassword('')).toThrow(expect.objectContaining({ code: 'HASH_EMPTY_PASSWORD' }));
    expect(() => assertHashablePassword('abc\0def')).toThrow(
      expect.objectContaining({ code: 'HASH_INVALID_PASSWORD' }),
    );
    expect(() => assertHashablePassword('abc\ud800')).toThrow(
      expect.objectContaining({ code: 'HASH_INVALID_PASSWORD' }),
    );
  });

  it('detects hashes exactly like Crucible: $2a$/$2b$/$2y$ prefix and length 60', () => {
    const body = '$12$' + 'a'.repeat(53);
    expect(isBcryptHash('$2a' + body)).toBe(true);
    expect(isBcryptHash('$2y' + body)).toBe(true);
    expect(isBcryptHash('$2x' + body)).toBe(false);
    expect(isBcryptHash('$2b' + body + 'x')).toBe(false);
    expect(isBcryptHash('$2b$12$short')).toBe(false);
  });

  it('verifies $2y$ hashes (the PHP prefix Crucible also accepts)', async () => {
    const h = await hashPassword('password-long-enough');
    expect(await verifyPassword('password-long-enough', '$2y$' + h.slice(4))).toBe(true);
  });

  it('does not block the event loop while hashing', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await Promise.all([hashPassword('password-long-enough-1'), hashPassword('password-long-enough-2')]);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3); // a synchronous hash of ~200 ms would allow none
  });

  it('error messages never contain the password', async () => {
    const canary = 'CANARY-bcrypt-' + 'x'.repeat(80);
    const err = await hashPassword(canary).catch((e: unknown) => e);
    expect((err as Error).message).not.toContain('CANARY');
  });
});
