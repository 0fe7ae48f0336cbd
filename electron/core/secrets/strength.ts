import { createZxcvbnEngine, type ZxcvbnEngine } from './zxcvbn-worker';

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
   * (deployment name, host name, user name). Runs in a worker thread, off the event loop.
   */
  check(password: string, userInputs?: string[]): Promise<StrengthReport>;
  /** Stops the worker thread, if one was started. */
  close(): Promise<void>;
}

/**
 * Builds a zxcvbn-ts checker with the common and English dictionaries, run in a worker thread
 * (zxcvbn-worker.ts) started on the first check: the dictionaries take ~1 s to build and a check ~100 ms,
 * which must not stall the main process. Make one per service and reuse it.
 */
export function createStrengthChecker(engine: ZxcvbnEngine = createZxcvbnEngine()): StrengthChecker {
  return {
    async check(password, userInputs = []) {
      // zxcvbn is slow on very long input and adds nothing past ~100 characters.
      const r = await engine.check(password.slice(0, 100), userInputs);
      return {
        score: r.score,
        guessesLog10: r.guessesLog10,
        estimatedBits: r.guessesLog10 * Math.log2(10),
        bytes: Buffer.byteLength(password, 'utf8'),
        warning: r.warning,
        suggestions: r.suggestions,
      };
    },
    close: () => engine.close(),
  };
}
