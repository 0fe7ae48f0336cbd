import { AppError } from '../../common/errors';
import { createHmac, randomBytes } from 'node:crypto';
import { createZxcvbnEngine, type ZxcvbnEngine, type ZxcvbnVerdict } from '../secrets/zxcvbn-worker';
import { BackupErrorCode } from './errors';

/**
 * Passphrase rules for an export (NIST SP 800-63B §3.1.1.2 style): length and an estimate of guessability,
 * no composition rules. Compared after NFKC normalisation, the same form the KDF receives.
 */
export const MIN_PASSPHRASE_LENGTH = 15;
export const MIN_PASSPHRASE_SCORE = 3;
/** How long the checker remembers its last answer (createPassphraseChecker). */
const MEMO_MS = 5 * 60_000;

export interface PassphraseVerdict {
  ok: boolean;
  /** zxcvbn score 0..4. */
  score: number;
  length: number;
  /** Why it is refused and what to do; empty when ok. */
  problems: string[];
}

export interface PassphraseChecker {
  /** Runs zxcvbn in a worker thread (secrets/zxcvbn-worker.ts): the event loop is never blocked by it. */
  check(passphrase: string, userInputs?: string[]): Promise<PassphraseVerdict>;
  /** Stops the worker thread, if one was started. */
  close(): Promise<void>;
}

/**
 * Builds the checker; its worker thread starts (and loads the dictionaries) on the first check and is then
 * reused. Callers hold it, no module-level singleton. `engine` lets a caller share one worker.
 */
export function createPassphraseChecker(engine: ZxcvbnEngine = createZxcvbnEngine()): PassphraseChecker {
  // The last answer, under a keyed hash of its question (the key is random and lives only in this process,
  // so the hash cannot be used to test guesses of the passphrase elsewhere). The UI checks before it asks
  // where to save and the export checks again: the second answer must not compete with the KDF for the
  // CPU. Kept a few minutes only, so no trace of the passphrase outlives the export by long.
  const memoKey = randomBytes(32);
  let last: { question: string; result: ZxcvbnVerdict; at: number } | null = null;
  return {
    async check(passphrase, userInputs = []) {
      const normal = passphrase.normalize('NFKC');
      // Count code points, not UTF-16 units: an emoji is one character to the admin.
      const length = Array.from(normal).length;
      const question = createHmac('sha256', memoKey)
        .update(JSON.stringify([normal, userInputs]))
        .digest('base64');
      const result =
        last?.question === question && Date.now() - last.at < MEMO_MS
          ? last.result
          : await engine.check(normal, userInputs);
      last = { question, result, at: Date.now() };
      const problems: string[] = [];
      if (length < MIN_PASSPHRASE_LENGTH)
        problems.push(
          `Use at least ${MIN_PASSPHRASE_LENGTH} characters (this one has ${length}). Several unrelated words are easiest.`,
        );
      if (result.score < MIN_PASSPHRASE_SCORE) {
        problems.push(result.warning ?? 'This passphrase is too easy to guess. Add more unrelated words.');
      }
      return { ok: problems.length === 0, score: result.score, length, problems };
    },
    close: () => engine.close(),
  };
}

/**
 * Checks the two entries of an export passphrase.
 * @throws AppError BACKUP_PASSPHRASE_MISMATCH when they differ (after NFKC), BACKUP_WEAK_PASSPHRASE when the
 *   rules refuse it. Messages never contain the passphrase.
 */
export async function assertExportPassphrase(
  checker: PassphraseChecker,
  passphrase: string,
  confirmation: string,
  userInputs: string[] = [],
): Promise<void> {
  assertSameEntries(passphrase, confirmation);
  const v = await checker.check(passphrase, userInputs);
  if (!v.ok) throw new AppError(BackupErrorCode.WeakPassphrase, v.problems.join(' '));
}

/** @throws AppError BACKUP_PASSPHRASE_MISMATCH when the two entries differ after NFKC normalisation. */
export function assertSameEntries(passphrase: string, confirmation: string): void {
  if (passphrase.normalize('NFKC') !== confirmation.normalize('NFKC')) {
    throw new AppError(
      BackupErrorCode.PassphraseMismatch,
      'The two passphrase entries differ. Type the same passphrase twice.',
    );
  }
}
