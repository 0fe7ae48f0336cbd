import { BCRYPT_MAX_PASSWORD_BYTES } from '../hashing/bcrypt';
import type { StrengthChecker } from '../secrets/strength';

/**
 * Rules for a login password the admin types (NIST SP 800-63B §3.1.1.2 / rev. 4 §3.1.1.2):
 * - at least 15 characters (single-factor memorized secret), counted as Unicode code points;
 * - at most 72 UTF-8 bytes: bcrypt reads no further and Crucible's bcrypt refuses longer input;
 * - not a known-compromised, dictionary or context-specific value (Crucible's own weak list, the
 *   product and host names, repetitive or sequential characters, and zxcvbn-ts's dictionaries);
 * - no composition rules (no "one digit, one symbol"), no hints.
 */
export const MIN_TYPED_PASSWORD_LENGTH = 15;
/** zxcvbn score below which a typed password is refused as guessable (its dictionaries are the blocklist). */
export const MIN_TYPED_PASSWORD_SCORE = 3;

export interface PasswordVerdict {
  ok: boolean;
  /** Each problem in plain words; never the password. */
  problems: string[];
  length: number;
  bytes: number;
  score: number | null;
}

/** Context words an attacker tries first: the product, the service and the host of the deployment. */
export function contextWords(publicUrl: string | null): string[] {
  const words = ['crucible', 'roundtable', 'community', 'admin', 'password', 'secret'];
  if (publicUrl) {
    try {
      for (const part of new URL(publicUrl).hostname.split('.')) if (part.length >= 4) words.push(part.toLowerCase());
    } catch {
      /* not a URL yet: nothing to add */
    }
  }
  return words;
}

/** True when, once the context words are taken out, fewer than 6 letters remain. */
function mostlyContext(lower: string, context: readonly string[]): boolean {
  const letters = lower.replace(/[^\p{L}]/gu, '');
  const rest = context.reduce((s, w) => s.split(w).join(''), letters);
  return rest.length < letters.length && rest.length < 6;
}

function isRepetitiveOrSequential(pw: string): boolean {
  const cps = Array.from(pw.toLowerCase()).map((c) => c.codePointAt(0) ?? 0);
  if (new Set(cps).size <= 3) return true;
  let up = 0;
  let down = 0;
  for (let i = 1; i < cps.length; i++) {
    const d = (cps[i] ?? 0) - (cps[i - 1] ?? 0);
    if (d === 1) up++;
    if (d === -1) down++;
  }
  return up >= cps.length - 2 || down >= cps.length - 2;
}

/**
 * Judges a typed login password. `checker` is the zxcvbn-ts strength checker of `core/secrets`.
 * Never throws; the caller refuses the step when `ok` is false. The zxcvbn part runs in a worker thread.
 */
export async function checkTypedPassword(
  password: string,
  checker: StrengthChecker | null,
  weakValues: readonly string[],
  context: string[] = contextWords(null),
): Promise<PasswordVerdict> {
  const length = Array.from(password).length;
  const bytes = Buffer.byteLength(password, 'utf8');
  const problems: string[] = [];
  if (length < MIN_TYPED_PASSWORD_LENGTH)
    problems.push(
      `Use at least ${MIN_TYPED_PASSWORD_LENGTH} characters (this one has ${length}). A few unrelated words are easy to type and hard to guess.`,
    );
  if (bytes > BCRYPT_MAX_PASSWORD_BYTES)
    problems.push(
      `The password is ${bytes} bytes long in UTF-8; bcrypt uses at most ${BCRYPT_MAX_PASSWORD_BYTES}. Make it shorter.`,
    );
  if (password.includes('\0') || /[\uD800-\uDFFF]/.test(password.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')))
    problems.push('The password contains a character that cannot be hashed (NUL or a broken Unicode sequence).');
  if (password !== password.trim())
    problems.push('The password starts or ends with a space, which is easy to lose when typing it in a browser.');
  const lower = password.toLowerCase();
  if (weakValues.includes(lower) || lower === 'admin')
    problems.push('This is one of the values Crucible itself refuses as weak.');
  else if (mostlyContext(lower, context)) {
    problems.push(
      'The password is mostly the name of the product, the service or the host; attackers try those first.',
    );
  }
  if (length > 0 && isRepetitiveOrSequential(password))
    problems.push('The password is a repetition or a sequence of characters.');
  let score: number | null = null;
  if (checker && length > 0) {
    const r = await checker.check(password, context);
    score = r.score;
    if (problems.length === 0 && r.score < MIN_TYPED_PASSWORD_SCORE) {
      problems.push(
        `${r.warning ?? 'This password is in a list of common passwords or follows a guessable pattern.'} Add unrelated words, or let the app generate one.`.replace(
          /\.\s*\./,
          '.',
        ),
      );
    }
  }
  return { ok: problems.length === 0, problems, length, bytes, score };
}
