import { unsafeValueReason } from '../envfile/edit';
import type { EnvEntry } from '../envfile/types';
import { BCRYPT_MAX_PASSWORD_BYTES, isBcryptHash } from '../hashing/bcrypt';

/**
 * When the `.env` fixes (env-fixes.ts) are safe, shared by check-env (which offers them) and the fix engine
 * (which plans them), so that a finding never offers a fix the engine then refuses. Pure: no file access.
 */

/**
 * The text the admin wrote for a value that compose interpolates, when writing it single-quoted keeps it
 * byte-for-byte for compose and python-dotenv (docs/crucible.md, "Quoting and characters"); null when no such fix is
 * safe:
 * - already single-quoted, a bare `KEY`, or no `$` at all: nothing to do;
 * - a backslash or `$$`: the written text holds escapes, so which characters were meant is ambiguous;
 * - `${`, `'`, a newline or a control character: single quotes do not keep it (python-dotenv interpolates
 *   `${…}` even there), see envfile/edit.ts unsafeValueReason.
 */
export function singleQuoteLiteral(entry: EnvEntry): string | null {
  if (entry.quote === 'single' || entry.separator === 'bare') return null;
  const raw = entry.rawValue;
  if (!raw.includes('$') || raw.includes('\\') || raw.includes('$$')) return null;
  return unsafeValueReason(raw) === null ? raw : null;
}

/**
 * Whether the plain login password of this statement can be replaced by its bcrypt hash: compose and
 * python-dotenv read the same password, and bcrypt takes it whole (1..72 bytes, no NUL).
 */
export function hashableLoginPassword(entry: EnvEntry): boolean {
  const v = entry.value;
  if (v === '' || isBcryptHash(v) || entry.pythonValue !== v || v.includes('\0')) return false;
  return Buffer.byteLength(v, 'utf8') <= BCRYPT_MAX_PASSWORD_BYTES;
}
