import { describe, expect, it } from 'vitest';
import {
  ARGON2ID_DEFAULTS,
  assertArgon2idParams,
  deriveKeyArgon2id,
  hashArgon2id,
  verifyArgon2id,
} from '../../../../electron/core/hashing';

const FAST = { memoryCost: 19456, timeCost: 2, parallelism: 1, hashLength: 32 };
const salt = Buffer.alloc(16, 7);

describe('argon2id helper', () => {
  it('derives a deterministic raw key of the asked length', async () => {
    const a = await deriveKeyArgon2id('passphrase', salt, FAST);
    const b = await deriveKeyArgon2id('passphrase', salt, FAST);
    expect(a.length).toBe(32);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(await deriveKeyArgon2id('passphrase!', salt, FAST))).toBe(false);
  });

  it('matches libargon2 (vector computed with Debian python3-argon2, same parameters)', async () => {
    // Computed with /usr/bin/python3: argon2.low_level.hash_secret_raw(b"password", b"somesalt" * 2, time_cost=2,
    // memory_cost=19456, parallelism=1, hash_len=32, type=Type.ID).hex()
    const key = await deriveKeyArgon2id('password', Buffer.from('somesaltsomesalt'), FAST);
    expect(key.toString('hex')).toBe('2b5dc4054886ec957ef59c73b661c54dd6fb274590b278f657c6d96aac8fa6d1');
  });

  it('refuses parameters out of bounds, naming the parameter', () => {
    expect(() => assertArgon2idParams({ ...ARGON2ID_DEFAULTS, memoryCost: 1024 })).toThrow(
      /memoryCost must be an integer from 19456/,
    );
    expect(() => assertArgon2idParams({ ...ARGON2ID_DEFAULTS, timeCost: 1 })).toThrow(/timeCost/);
    expect(() => assertArgon2idParams({ ...ARGON2ID_DEFAULTS, parallelism: 0 })).toThrow(/parallelism/);
    expect(() => assertArgon2idParams({ ...ARGON2ID_DEFAULTS, hashLength: 8 })).toThrow(/hashLength/);
    expect(() => assertArgon2idParams({ ...ARGON2ID_DEFAULTS, memoryCost: 2 ** 30 })).toThrow(/memoryCost/);
  });

  it('refuses a short salt', async () => {
    await expect(deriveKeyArgon2id('p', Buffer.alloc(8), FAST)).rejects.toMatchObject({ code: 'KDF_BAD_PARAMS' });
  });

  it('hashes in canonical m,t,p form and verifies; a tampered header is refused before any work', async () => {
    const h = await hashArgon2id('passphrase', FAST);
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyArgon2id(h, 'passphrase')).toBe(true);
    expect(await verifyArgon2id(h, 'other')).toBe(false);
    await expect(verifyArgon2id(h.replace('m=19456', 'm=99999999'), 'passphrase')).rejects.toMatchObject({
      code: 'KDF_BAD_PARAMS',
    });
  });
});
