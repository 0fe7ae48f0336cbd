import { afterAll, describe, expect, it } from 'vitest';
import {
  ALPHABETS,
  createStrengthChecker,
  entropyBits,
  generatePassword,
  generateSecret,
  randomString,
  type RandomSource,
} from '../../../../electron/core/secrets';

/** A scripted source: hands out the given bytes in order, then fails the test. */
function scripted(bytes: number[]): RandomSource {
  let i = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) out[k] = bytes[i++ % bytes.length] ?? 0;
    return out;
  };
}

describe('randomString: rejection sampling', () => {
  it('rejects bytes at or above the largest multiple of the alphabet size (36 → 252)', () => {
    // 252..255 must be skipped; 0 → 'a', 35 → '9', 251 → 251 % 36 = 35 → '9'
    const s = randomString(ALPHABETS['lower-alnum'], 4, scripted([252, 253, 254, 255, 0, 35, 251, 36]));
    expect(s).toBe('a99a');
  });
  it('never rejects for a 64-symbol alphabet', () => {
    expect(randomString(ALPHABETS.urlsafe, 3, scripted([0, 63, 255]))).toBe('A--');
  });
  it('is close to uniform over many draws (chi-square, 36 symbols)', () => {
    const n = 36 * 2000;
    let s = '';
    while (s.length < n) s += randomString(ALPHABETS['lower-alnum'], 4000);
    const counts = new Map<string, number>();
    for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(36);
    const expected = n / 36;
    let chi = 0;
    for (const c of counts.values()) chi += (c - expected) ** 2 / expected;
    expect(chi).toBeLessThan(80); // df = 35; p ≈ 1e-5 at 80: a biased mapping (e.g. plain modulo) fails far beyond
  });
  it('refuses bad alphabets, lengths and short random reads', () => {
    expect(() => randomString('aa', 4)).toThrow(expect.objectContaining({ code: 'GEN_BAD_ALPHABET' }));
    expect(() => randomString('ab', 0)).toThrow(expect.objectContaining({ code: 'GEN_BAD_LENGTH' }));
    expect(() => randomString('ab', 4, () => new Uint8Array(1))).toThrow(
      expect.objectContaining({ code: 'GEN_RANDOM_FAILED' }),
    );
  });
});

describe('generateSecret', () => {
  it('draws from [A-Za-z0-9_-] with the asked length and its entropy recorded', () => {
    const s = generateSecret({ alphabet: 'urlsafe', length: 64 });
    expect(s.value).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(s.entropyBits).toBe(384);
  });
  it('with noLeadingDash never starts with "-" (it would look like an option on a command line)', () => {
    for (let i = 0; i < 200; i++)
      expect(generateSecret({ alphabet: 'urlsafe', length: 4, noLeadingDash: true }).value.startsWith('-')).toBe(false);
    expect(generateSecret({ alphabet: 'urlsafe', length: 43, noLeadingDash: true }).entropyBits).toBeCloseTo(
      Math.log2(63) + 42 * 6,
      6,
    );
  });
  it('lower-alnum for POSTGRES_USER: 12 characters, ~62 bits', () => {
    const s = generateSecret({ alphabet: 'lower-alnum', length: 12 });
    expect(s.value).toMatch(/^[a-z0-9]{12}$/);
    expect(s.entropyBits).toBeCloseTo(12 * Math.log2(36), 6);
  });
  it('is at least as strong as the service generators (token_urlsafe(n) = 8n bits)', () => {
    expect(generateSecret({ alphabet: 'urlsafe', length: 43 }).entropyBits).toBeGreaterThanOrEqual(256);
    expect(generateSecret({ alphabet: 'urlsafe', length: 64 }).entropyBits).toBeGreaterThanOrEqual(384);
    expect(generatePassword().entropyBits).toBeGreaterThanOrEqual(128);
    // Never a leading '-' (it would read as an option when pasted into a command): a source that always
    // draws index 62 of the url-safe alphabet ('-') still starts with another character.
    const dashFirst: RandomSource = (n) => Buffer.alloc(n, ALPHABETS.urlsafe.indexOf('-'));
    expect(generatePassword(22, dashFirst).value.startsWith('-')).toBe(false);
  });
  it('entropyBits is length × log2(alphabet)', () => {
    expect(entropyBits(64, 10)).toBe(60);
  });
  it('two draws differ', () => {
    expect(generateSecret({ alphabet: 'urlsafe', length: 43 }).value).not.toBe(
      generateSecret({ alphabet: 'urlsafe', length: 43 }).value,
    );
  });
});

describe('strength checker (zxcvbn-ts)', () => {
  const checker = createStrengthChecker();
  afterAll(() => checker.close());
  it('scores a dictionary password low and a long random one high, without echoing it', async () => {
    const weak = await checker.check('password123');
    expect(weak.score).toBeLessThanOrEqual(1);
    expect(JSON.stringify(weak)).not.toContain('password123');
    expect((await checker.check(generatePassword(22).value)).score).toBe(4);
  });
  it('counts UTF-8 bytes for the bcrypt limit', async () => {
    expect((await checker.check('é'.repeat(10))).bytes).toBe(20);
  });
  it('takes user inputs into account', async () => {
    expect((await checker.check('crucible-prod-2026', ['crucible', 'prod'])).guessesLog10).toBeLessThan(
      (await checker.check('crucible-prod-2026')).guessesLog10,
    );
  });
});
