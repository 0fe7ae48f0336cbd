import { randomInt } from 'node:crypto';
import { AppError } from '../../common/errors';

/**
 * Passphrases of words drawn uniformly from the EFF large wordlist (7,776 words, 12.9 bits each; EFF, CC BY
 * 3.0, see docs/licences.md). The list is the copy @zxcvbn-ts/language-common already ships as its
 * "diceware-common" dictionary: the same 7,776 words with the four hyphenated ones written without the hyphen
 * ("t-shirt" → "tshirt") and "yo-yo" replaced by "cheetah", so a '-' separator never splits a word and every
 * word is distinct. Using that copy adds nothing to the bundle and means the strength checker knows every
 * word it may be given: its estimate of a generated passphrase is honest, not inflated. Loaded on first use
 * (the package holds all of zxcvbn's dictionaries: ~20 ms to load, not to be paid at start-up).
 */
export const WORDLIST_SIZE = 7776;
/** Six words: log2(7776^6) ≈ 77.5 bits, beyond any offline guessing against the backup's Argon2id KDF. */
export const DEFAULT_WORDS = 6;
export const MIN_WORDS = 6;
export const MAX_WORDS = 12;

/** Picks an integer in [0, max) uniformly: node's crypto.randomInt (CSPRNG, rejection sampling, no modulo bias). */
export type RandomIndex = (max: number) => number;

const defaultRandom: RandomIndex = (max) => randomInt(max);

let checked: readonly string[] | null = null;

/**
 * The wordlist, loaded and checked once: 7,776 distinct words of lower-case letters. A dependency update that
 * changed it would otherwise silently weaken every passphrase generated afterwards.
 * @throws AppError SECRETS_WORDLIST_INVALID when the shipped list is not the expected one
 */
export async function effWordlist(): Promise<readonly string[]> {
  if (checked !== null) return checked;
  const { dictionary } = await import('@zxcvbn-ts/language-common');
  const words = dictionary['diceware-common'] as unknown;
  const ok =
    Array.isArray(words) &&
    words.length === WORDLIST_SIZE &&
    words.every((w) => typeof w === 'string' && /^[a-z]{3,9}$/.test(w)) &&
    new Set(words).size === WORDLIST_SIZE;
  if (!ok) {
    throw new AppError(
      'SECRETS_WORDLIST_INVALID',
      'The passphrase word list shipped with the app is not the expected EFF list of 7,776 words. Reinstall the app; meanwhile choose six unrelated words yourself.',
    );
  }
  checked = words as string[];
  return checked;
}

/**
 * A new passphrase of `words` EFF words joined by '-'. The value is returned to the caller only: nothing is
 * logged or journalled here.
 * @throws AppError SECRETS_WORDLIST_INVALID (effWordlist); RangeError when `words` is outside 6..12
 */
export async function generatePassphrase(
  words: number = DEFAULT_WORDS,
  random: RandomIndex = defaultRandom,
): Promise<string> {
  if (!Number.isInteger(words) || words < MIN_WORDS || words > MAX_WORDS)
    throw new RangeError(`words must be an integer from ${MIN_WORDS} to ${MAX_WORDS}`);
  const list = await effWordlist();
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const w = list[random(list.length)];
    if (w === undefined) throw new RangeError('the random index is outside the word list');
    out.push(w);
  }
  return out.join('-');
}

/** The estimated strength of a generated passphrase, in bits (what the UI and the CLI state). */
export function passphraseBits(words: number = DEFAULT_WORDS): number {
  return Math.floor(words * Math.log2(WORDLIST_SIZE) * 10) / 10;
}
