import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/** The verdict on a password or passphrase typed by the admin. Never contains the password itself. */
export interface StrengthReport {
  /** zxcvbn score 0 (too guessable) … 4 (very unguessable). */
  score: 0 | 1 | 2 | 3 | 4;
  /** log10 of the estimated number of guesses. */
  guessesLog10: number;
  /** Estimated bits ≈ log2(guesses). */
  estimatedBits: number;
  /** UTF-8 length, which bcrypt limits to 72 bytes. */
  bytes: number;
  warning: string | null;
  suggestions: string[];
}

export interface StrengthChecker {
  /**
   * Estimates how guessable `password` is. `userInputs` are words that make it weaker when present
   * (deployment name, host name, user name).
   */
  check(password: string, userInputs?: string[]): StrengthReport;
}

/**
 * Builds a zxcvbn-ts checker with the common and English dictionaries. Building loads the dictionaries
 * (tens of milliseconds); make one per service and reuse it.
 */
export function createStrengthChecker(): StrengthChecker {
  const zxcvbn = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return {
    check(password, userInputs = []) {
      // zxcvbn is slow on very long input and adds nothing past ~100 characters.
      const r = zxcvbn.check(password.slice(0, 100), userInputs);
      return {
        score: r.score,
        guessesLog10: r.guessesLog10,
        estimatedBits: r.guessesLog10 * Math.log2(10),
        bytes: Buffer.byteLength(password, 'utf8'),
        warning: r.feedback.warning,
        suggestions: r.feedback.suggestions,
      };
    },
  };
}
