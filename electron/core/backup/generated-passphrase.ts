import { AppError } from '../../common/errors';
import type { GeneratedPassphrase } from '../../common/ipc/backup.ipc';
import { DEFAULT_WORDS, generatePassphrase, passphraseBits } from '../secrets/passphrase-generator';

/** How long main keeps a generated passphrase for the Copy button: long enough to store it, no longer. */
export const GENERATED_KEEP_MS = 15 * 60_000;

export interface GeneratedPassphrases {
  /** A new passphrase for the admin who clicked "Generate"; replaces the previous one. Nothing is logged. */
  generate(): Promise<GeneratedPassphrase>;
  /**
   * The passphrase generated last, for main to put on the clipboard (the renderer never touches it).
   * @throws AppError BACKUP_NOTHING_TO_COPY when none was generated in the last 15 minutes
   */
  forCopy(): string;
  /** Drops the kept passphrase (after an export used it). */
  forget(): void;
}

/** One per window: main keeps only the last generated passphrase, and only for GENERATED_KEEP_MS. */
export function createGeneratedPassphrases(
  deps: { clock?: () => number; generate?: () => Promise<string> } = {},
): GeneratedPassphrases {
  const clock = deps.clock ?? Date.now;
  const make = deps.generate ?? (() => generatePassphrase(DEFAULT_WORDS));
  let kept: { value: string; at: number } | null = null;
  return {
    async generate() {
      const passphrase = await make();
      kept = { value: passphrase, at: clock() };
      return { passphrase, words: DEFAULT_WORDS, bits: passphraseBits(DEFAULT_WORDS) };
    },
    forCopy() {
      if (kept === null || clock() - kept.at > GENERATED_KEEP_MS) {
        kept = null;
        throw new AppError(
          'BACKUP_NOTHING_TO_COPY',
          'There is no generated passphrase to copy any more (it is kept 15 minutes). Generate a new one, or copy it from where you stored it.',
        );
      }
      return kept.value;
    },
    forget() {
      kept = null;
    },
  };
}
