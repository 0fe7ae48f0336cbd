import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createStrengthChecker } from '../../../../electron/core/secrets/strength';
import {
  DEFAULT_WORDS,
  effWordlist,
  generatePassphrase,
  passphraseBits,
  WORDLIST_SIZE,
} from '../../../../electron/core/secrets/passphrase-generator';

const strength = createStrengthChecker();
afterAll(() => strength.close());

describe('EFF passphrase generator', () => {
  it('uses the EFF large wordlist: 7,776 distinct words, abacus … zoom', async () => {
    const list = await effWordlist();
    expect(list).toHaveLength(WORDLIST_SIZE);
    expect(new Set(list).size).toBe(WORDLIST_SIZE);
    expect(list[0]).toBe('abacus');
    expect(list.at(-1)).toBe('zoom');
    // Words known from the EFF list (https://www.eff.org/dice), hyphenated ones without the hyphen.
    for (const w of ['abdomen', 'zealous', 'tshirt', 'dropdown', 'unpaved']) expect(list).toContain(w);
  });

  it('makes six words joined by "-", each from the list, ≈77.5 bits', async () => {
    const words = new Set(await effWordlist());
    const p = await generatePassphrase();
    const parts = p.split('-');
    expect(parts).toHaveLength(DEFAULT_WORDS);
    for (const w of parts) expect(words.has(w), w).toBe(true);
    expect(passphraseBits()).toBeCloseTo(77.5, 1);
  });

  it('1,000 passphrases are all distinct and every word is in the list', async () => {
    const words = new Set(await effWordlist());
    const seen = new Set<string>();
    const used = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const p = await generatePassphrase();
      seen.add(p);
      for (const w of p.split('-')) {
        expect(words.has(w)).toBe(true);
        used.add(w);
      }
    }
    expect(seen.size).toBe(1000);
    // 6,000 draws from 7,776 words touch ~4,000 distinct ones; a broken generator (a fixed index, a narrow
    // range) touches far fewer. The bound is ~60 standard deviations below the mean: it cannot flake.
    expect(used.size).toBeGreaterThan(3000);
  });

  it('draws every index with the injected uniform source, across the whole list', async () => {
    const asked: number[] = [];
    const picks = [0, 7775, 1, 2, 3, 4];
    let i = 0;
    const p = await generatePassphrase(6, (max) => (asked.push(max), picks[i++] ?? 0));
    expect(asked).toEqual(Array(6).fill(WORDLIST_SIZE));
    expect(p.split('-').slice(0, 2)).toEqual(['abacus', 'zoom']);
  });

  it('uses crypto.randomInt, which rejects instead of taking a modulo', () => {
    const src = readFileSync('electron/core/secrets/passphrase-generator.ts', 'utf8');
    expect(src).toMatch(/import \{ randomInt \} from 'node:crypto'/);
    expect(src).not.toMatch(/Math\.random|% list\.length/);
  });

  it('refuses fewer than six words', async () => {
    await expect(generatePassphrase(5)).rejects.toThrow(RangeError);
  });
});

describe('strength of famous and generated passphrases', () => {
  it.each([
    'correct horse battery staple',
    'Correct-Horse-Battery-Staple',
    'correcthorsebatterystaple',
    'CORRECT_HORSE_BATTERY_STAPLE',
    'correct horse battery',
    'Tr0ub4dor&3',
  ])('%s rates weak at most', async (p) => {
    const r = await strength.check(p);
    expect(r.score).toBeLessThanOrEqual(1);
    expect(r.warning).toMatch(/well-known passphrase|common|guess/i);
  });

  it('six generated EFF words rate strong (score 4), with or without separators', async () => {
    for (let i = 0; i < 3; i++) {
      const p = await generatePassphrase();
      expect((await strength.check(p)).score).toBe(4);
      expect((await strength.check(p.replaceAll('-', ' '))).score).toBe(4);
    }
  });

  it('a famous phrase inside a longer random one does not hide the rest', async () => {
    const p = `correct horse battery staple ${(await generatePassphrase()).replaceAll('-', ' ')}`;
    expect((await strength.check(p)).score).toBe(4);
  });
});
