import { AppError } from '../../common/errors';
import { fatalProblems, parseEnv } from './parse';
import type { EnvChange, EnvDoc } from './types';

/**
 * The `.env` editor. It rewrites only the statements of the keys it is asked to change and keeps every other
 * character of the file (comments, blank lines, order, unknown keys, `export` prefixes, line endings, a BOM).
 * Managed values are always written single-quoted (env-quoting.md §4): literal for compose and for
 * python-dotenv, provided the value contains no `'`, `\`, `${`, CR, LF or NUL, which we refuse.
 */

/** Keys we write: portable shell names, read identically by compose and python-dotenv. */
export const WRITABLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why `value` cannot be written safely single-quoted, naming the character, or null when it can.
 * Never returns the value itself.
 */
export function unsafeValueReason(value: string): string | null {
  if (value.includes("'")) return "a single quote (') — it would end the quoted value";
  if (value.includes('\\')) return 'a backslash (\\) — compose keeps it while python-dotenv may decode it';
  if (value.includes('${')) return 'the sequence "${" — python-dotenv interpolates it even inside single quotes';
  if (value.includes('\r')) return 'a carriage return (CR) — it does not survive line-ending translation';
  if (value.includes('\n')) return 'a newline (LF) — multi-line values are not read the same way everywhere';
  if (value.includes('\0')) return 'a NUL character';
  // eslint-disable-next-line no-control-regex
  const ctrl = /[\x01-\x08\x0b-\x1f\x7f]/.exec(value);
  if (ctrl) return `a control character (${describeChar(ctrl[0])})`;
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value))
    return 'an invalid Unicode sequence (a lone surrogate)';
  return null;
}

/**
 * @throws AppError ENV_INVALID_KEY when `key` is not `[A-Za-z_][A-Za-z0-9_]*`.
 */
export function assertWritableKey(key: string): void {
  if (WRITABLE_KEY.test(key)) return;
  // A "name" with "=" or a space in it is likely KEY=value pasted whole: never echo it, it may hold the value.
  const shown = key.length <= 80 && /^[\x21-\x7e]+$/.test(key) && !key.includes('=') ? `"${key}"` : 'The name given';
  throw new AppError(
    'ENV_INVALID_KEY',
    `${shown} is not a variable name the app writes: use letters, digits and _ and do not start with a digit.`,
  );
}

/**
 * @throws AppError ENV_UNSAFE_VALUE naming the offending character (never the value).
 */
export function assertWritableValue(key: string, value: string): void {
  const reason = unsafeValueReason(value);
  if (reason)
    throw new AppError(
      'ENV_UNSAFE_VALUE',
      `The value for ${key} contains ${reason}. It cannot be written safely to .env; choose a value without it.`,
    );
}

/**
 * One managed statement: `KEY='value'`.
 * @throws AppError ENV_INVALID_KEY / ENV_UNSAFE_VALUE.
 */
export function formatEnvLine(key: string, value: string): string {
  assertWritableKey(key);
  assertWritableValue(key, value);
  return `${key}='${value}'`;
}

export interface ApplyResult {
  text: string;
  /** Keys whose existing statements were rewritten, appended, or removed. */
  updated: string[];
  added: string[];
  removed: string[];
}

/** The statements of each key, in file order. */
function entriesByKey(doc: EnvDoc): Map<string, EnvDoc['entries']> {
  const out = new Map<string, EnvDoc['entries']>();
  for (const e of doc.entries) {
    const list = out.get(e.key);
    if (list) list.push(e);
    else out.set(e.key, [e]);
  }
  return out;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndWithNewline(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/**
 * Applies changes to `.env` text. Everything is validated before anything is changed, and the result is
 * parsed again and compared (with compose's and python-dotenv's reading) before it is returned.
 * @throws AppError ENV_PARSE_ERROR (the text has a fatal problem, with its line), ENV_INVALID_KEY,
 *   ENV_UNSAFE_VALUE, ENV_CONFLICTING_CHANGES (one key changed twice), ENV_VERIFY_FAILED (internal check).
 */
export function applyEnvChanges(
  text: string,
  changes: readonly EnvChange[],
  doc: EnvDoc = parseEnv(text),
): ApplyResult {
  const fatal = fatalProblems(doc)[0];
  if (fatal) throw new AppError('ENV_PARSE_ERROR', `${fatal.message} Fix the file first; nothing was changed.`);
  const seen = new Set<string>();
  for (const c of changes) {
    assertWritableKey(c.key);
    if (c.op === 'set') assertWritableValue(c.key, c.value);
    if (seen.has(c.key)) throw new AppError('ENV_CONFLICTING_CHANGES', `${c.key} is changed twice in one edit.`);
    seen.add(c.key);
  }

  // Linear in the size of the file plus the number of changes: a restore sets a thousand keys at once.
  const byKey = entriesByKey(doc);
  const edits: Array<{ start: number; end: number; insert: string }> = [];
  const appended: string[] = [];
  const result: ApplyResult = { text, updated: [], added: [], removed: [] };
  for (const c of changes) {
    const entries = byKey.get(c.key) ?? [];
    if (c.op === 'set') {
      if (entries.length === 0) {
        appended.push(formatEnvLine(c.key, c.value));
        result.added.push(c.key);
        continue;
      }
      // Duplicates: rewrite every occurrence so that whichever one a reader keeps is right.
      for (const e of entries)
        edits.push({ start: e.offsets.key, end: e.offsets.valueEnd, insert: formatEnvLine(c.key, c.value) });
      result.updated.push(c.key);
    } else if (entries.length > 0) {
      for (const e of entries) {
        const ls = lineStart(text, e.offsets.statement);
        const onlyIndent = text.slice(ls, e.offsets.statement).trim() === '';
        const rest = text.slice(e.offsets.valueEnd, lineEndWithNewline(text, e.offsets.valueEnd));
        const restIsNoise = /^[ \t]*(#.*)?\r?\n?$/.test(rest);
        if (onlyIndent && restIsNoise)
          edits.push({ start: ls, end: lineEndWithNewline(text, e.offsets.valueEnd), insert: '' });
        else edits.push({ start: e.offsets.statement, end: e.offsets.valueEnd, insert: '' });
      }
      result.removed.push(c.key);
    }
  }

  // One pass over the text: the kept pieces and the inserts, joined once (edits never overlap).
  edits.sort((a, b) => a.start - b.start);
  const pieces: string[] = [];
  let at = 0;
  for (const ed of edits) {
    pieces.push(text.slice(at, ed.start), ed.insert);
    at = ed.end;
  }
  pieces.push(text.slice(at));
  let out = pieces.join('');
  if (appended.length > 0) {
    const eol = doc.eol === 'crlf' ? '\r\n' : '\n';
    const body = doc.bom ? out.slice(1) : out;
    if (body.length > 0 && !out.endsWith('\n')) out += eol;
    out += appended.map((l) => l + eol).join('');
  }
  result.text = out;
  verify(out, changes);
  return result;
}

/** Re-reads the result with both readers; any mismatch is a bug, so nothing is written. */
function verify(text: string, changes: readonly EnvChange[]): void {
  const doc = parseEnv(text);
  const bad = (key: string) =>
    new AppError(
      'ENV_VERIFY_FAILED',
      `After the edit, ${key} would not read back as intended. Nothing was written; please report this.`,
    );
  if (fatalProblems(doc).length > 0) throw bad(changes[0]?.key ?? 'the file');
  const byKey = entriesByKey(doc);
  for (const c of changes) {
    const entries = byKey.get(c.key) ?? [];
    if (c.op === 'unset') {
      if (entries.length > 0) throw bad(c.key);
      continue;
    }
    if (entries.length === 0) throw bad(c.key);
    for (const e of entries) {
      // python-dotenv reads a BOM as part of the first key: a pre-existing problem the check-env reports.
      const pythonBlind = doc.bom && e.offsets.statement === 1;
      if (e.value !== c.value || (!pythonBlind && e.pythonValue !== c.value)) throw bad(c.key);
    }
  }
}

/**
 * A new `.env` text from sections of managed values, each section preceded by `#` comment lines.
 * @throws AppError ENV_INVALID_KEY / ENV_UNSAFE_VALUE.
 */
export function serializeEnv(
  sections: ReadonlyArray<{ comments?: readonly string[]; entries: ReadonlyArray<readonly [string, string]> }>,
): string {
  const blocks = sections.map((s) => {
    const lines = (s.comments ?? []).map((c) => (c === '' ? '#' : `# ${c.replace(/[\r\n]+/g, ' ')}`));
    for (const [k, v] of s.entries) lines.push(formatEnvLine(k, v));
    return lines.join('\n');
  });
  const text = blocks.join('\n\n') + '\n';
  verify(
    text,
    sections.flatMap((s) => s.entries.map(([key, value]) => ({ op: 'set' as const, key, value }))),
  );
  return text;
}
