import { describe, expect, it } from 'vitest';
import {
  deriveCrucibleFernetKey,
  fernetDecrypt,
  fernetEncrypt,
  fernetKeyFromBytes,
  legacyXorDecrypt,
  parseFernetKey,
} from '../../../electron/core/crypto/fernet';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';

// Vector from the Fernet spec, generate.json / verify.json (https://github.com/fernet/spec/tree/master),
// reproduced locally with cryptography 38.0.4 `Fernet._encrypt_from_parts(b"hello", 499162800, bytes(range(16)))`.
const SPEC = {
  key: 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=',
  token: 'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==',
  now: 499162800,
  iv: Buffer.from(Array.from({ length: 16 }, (_, i) => i)),
  src: 'hello',
};

describe('Fernet', () => {
  it('reproduces the spec vector byte for byte', () => {
    expect(fernetEncrypt(SPEC.key, SPEC.src, { nowSeconds: () => SPEC.now, iv: () => SPEC.iv })).toBe(SPEC.token);
  });

  it('decrypts the spec vector (no TTL enforced, like Crucible)', () => {
    expect(fernetDecrypt(SPEC.key, SPEC.token).toString()).toBe('hello');
  });

  it('keeps the = padding and starts with gAAAAA', () => {
    const key = fernetKeyFromBytes(randomBytes(32));
    const t = fernetEncrypt(key, 'sk-or-v1-abc');
    expect(t.startsWith('gAAAAA')).toBe(true);
    expect(t.length % 4).toBe(0);
    expect(t).toMatch(/^[A-Za-z0-9_-]+=*$/);
  });

  it('rejects an unpadded token, as Python does', () => {
    expect(() => fernetDecrypt(SPEC.key, SPEC.token.replace(/=+$/, ''))).toThrow(/FERNET|malformed/);
  });

  it('rejects every single-byte tampering', () => {
    const raw = Buffer.from(SPEC.token, 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const t = Buffer.from(raw);
      t[i] = (t[i] ?? 0) ^ 1;
      const s = t.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
      expect(() => fernetDecrypt(SPEC.key, s)).toThrow();
    }
  });

  it('rejects a token made with another key', () => {
    const other = fernetKeyFromBytes(randomBytes(32));
    expect(() => fernetDecrypt(other, SPEC.token)).toThrow(expect.objectContaining({ code: 'FERNET_INVALID_TOKEN' }));
  });

  it('refuses malformed keys', () => {
    expect(() => parseFernetKey('short')).toThrow(expect.objectContaining({ code: 'FERNET_BAD_KEY' }));
  });

  it('round-trips any plaintext (property)', () => {
    const key = fernetKeyFromBytes(randomBytes(32));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(Buffer.from(fernetDecrypt(key, fernetEncrypt(key, bytes))).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Crucible key derivation', () => {
  it('matches hashlib.pbkdf2_hmac("sha256", key, b"crucible_encryption_salt", 100000, 32)', async () => {
    // Computed with /usr/bin/python3: base64.urlsafe_b64encode(hashlib.pbkdf2_hmac(...)) for "default-dev-key-32-bytes-long!!".
    expect(await deriveCrucibleFernetKey('default-dev-key-32-bytes-long!!')).toBe(DEFAULT_DEV_FERNET_KEY);
  });

  it('does not trim: a trailing space is a different key', async () => {
    expect(await deriveCrucibleFernetKey('abc ')).not.toBe(await deriveCrucibleFernetKey('abc'));
  });
});

describe('legacy XOR decryption', () => {
  it('inverts the legacy format (key padded with "0" to 32 bytes, cycled)', () => {
    const key = 'short-key';
    const plain = 'sk-ant-api03-' + 'x'.repeat(40);
    const kb = Buffer.alloc(32, 0x30);
    Buffer.from(key).copy(kb);
    const enc = Buffer.from(Array.from(Buffer.from(plain), (b, i) => b ^ (kb[i % 32] ?? 0))).toString('base64');
    expect(legacyXorDecrypt(key, enc)).toBe(plain);
  });

  it('returns null for text that is not base64', () => {
    expect(legacyXorDecrypt('k', 'not base64!')).toBeNull();
  });
});

const DEFAULT_DEV_FERNET_KEY = 'Ww1JP_QEGHz44HbDEiAu44DBzHxlfJfOoWMY72MzpPw=';
