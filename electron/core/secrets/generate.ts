import { randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors';
import type { AlphabetName } from '../stack/profile';

/**
 * CSPRNG-only generation with unbiased alphabets (ARCHITECTURE.md §4 `secrets/`). Every draw comes from
 * an injectable {@link RandomSource} (node:crypto by default) and is mapped onto the alphabet by rejection
 * sampling, so each character is exactly uniform whatever the alphabet size.
 */

/** Returns `size` cryptographically random bytes. Inject a deterministic one in tests only. */
export type RandomSource = (size: number) => Uint8Array;

export const cryptoRandom: RandomSource = (size) => randomBytes(size);

/** The alphabets of the stack profile: `urlsafe` is Python's token_urlsafe alphabet, `lower-alnum` is `[a-z0-9]`. */
export const ALPHABETS: Readonly<Record<AlphabetName, string>> = {
  urlsafe: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
  'lower-alnum': 'abcdefghijklmnopqrstuvwxyz0123456789',
};

/** Bits of entropy of `length` independent uniform draws from an alphabet of `alphabetSize` symbols. */
export function entropyBits(alphabetSize: number, length: number): number {
  return length * Math.log2(alphabetSize);
}

/**
 * `length` characters drawn uniformly from `alphabet` (2..256 distinct characters).
 * Bytes ≥ the largest multiple of the alphabet size below 256 are rejected, which removes modulo bias.
 * @throws AppError GEN_BAD_ALPHABET for an alphabet with duplicates or outside 2..256 symbols;
 *   GEN_BAD_LENGTH for a length outside 1..4096; GEN_RANDOM_FAILED when the source returns short reads.
 */
export function randomString(alphabet: string, length: number, random: RandomSource = cryptoRandom): string {
  const symbols = Array.from(alphabet); // code points: Python's secrets.choice works on them too
  if (symbols.length < 2 || symbols.length > 256 || new Set(symbols).size !== symbols.length) {
    throw new AppError('GEN_BAD_ALPHABET', 'The alphabet must have 2 to 256 distinct characters.');
  }
  if (!Number.isInteger(length) || length < 1 || length > 4096)
    throw new AppError('GEN_BAD_LENGTH', 'The length must be an integer from 1 to 4096.');
  const n = symbols.length;
  const limit = 256 - (256 % n); // accept bytes < limit: each symbol then has exactly limit/n preimages
  let out = '';
  let produced = 0;
  while (produced < length) {
    // Ask for a little more than needed so that rejections rarely cost a second call.
    const want = Math.ceil(((length - produced) * 256) / limit) + 8;
    const buf = random(want);
    if (buf.length !== want)
      throw new AppError('GEN_RANDOM_FAILED', 'The random source returned fewer bytes than asked.');
    for (const b of buf) {
      if (b >= limit) continue;
      out += symbols[b % n] ?? '';
      if (++produced === length) break;
    }
  }
  return out;
}

export interface GeneratedSecret {
  value: string;
  alphabet: AlphabetName;
  length: number;
  /** Entropy of the generation process in bits (not an estimate of the value). */
  entropyBits: number;
}

export interface GenerateOptions {
  alphabet: AlphabetName;
  length: number;
  /**
   * Draw the first character from the alphabet without `-`, so the value is never mistaken for an option
   * when passed on a command line (`redis-server --requirepass …`, facts §8.6). Costs 0.02 bits. Default false.
   */
  noLeadingDash?: boolean;
  random?: RandomSource;
}

/**
 * A random secret from one of the profile's alphabets, with its entropy recorded.
 * @throws AppError GEN_BAD_LENGTH / GEN_RANDOM_FAILED (see {@link randomString}).
 */
export function generateSecret(options: GenerateOptions): GeneratedSecret {
  const alphabet = ALPHABETS[options.alphabet];
  const random = options.random ?? cryptoRandom;
  const noDash = (options.noLeadingDash ?? false) && alphabet.includes('-');
  if (!noDash) {
    return {
      value: randomString(alphabet, options.length, random),
      alphabet: options.alphabet,
      length: options.length,
      entropyBits: entropyBits(alphabet.length, options.length),
    };
  }
  const firstAlphabet = alphabet.replace('-', '');
  const value =
    randomString(firstAlphabet, 1, random) +
    (options.length > 1 ? randomString(alphabet, options.length - 1, random) : '');
  return {
    value,
    alphabet: options.alphabet,
    length: options.length,
    entropyBits: entropyBits(firstAlphabet.length, 1) + entropyBits(alphabet.length, options.length - 1),
  };
}

/**
 * A login password like the service's own generator makes (token_urlsafe(16) → 22 characters), or longer.
 * Never starting with `-`: an admin pastes it into command lines and prompts, where it would read as an option.
 */
export function generatePassword(length = 22, random: RandomSource = cryptoRandom): GeneratedSecret {
  return generateSecret({ alphabet: 'urlsafe', length, random, noLeadingDash: true });
}
