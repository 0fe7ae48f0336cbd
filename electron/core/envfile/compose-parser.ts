import { MAX_INTERPOLATION_DEPTH, scanTemplate, type Lookup, type TemplateScan } from '../compose/interpolate';
import type { EnvEntry, EnvProblem, QuoteStyle, Separator } from './types';

/**
 * A port of docker compose v2's `.env` reader (compose-go `dotenv/parser.go`), kept statement by statement
 * so that every entry knows its exact spans in the text. Differences from compose are deliberate and
 * limited to recovery: where compose stops at the first fatal error, we record it and continue at the next
 * line so that the rest of the file can still be checked.
 */

/** Go's `isSpace` in parser.go (no newline: a newline ends a bare key). */
const isGoSpace = (c: string) =>
  c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === ' ' || c === '\u0085' || c === '\u00a0';
/** Go's `unicode.IsSpace`. */
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const isUnicodeSpace = (c: string) => UNICODE_SPACE.test(c);
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

/** Maps offsets to 1-based line numbers. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  get count(): number {
    return this.starts.length;
  }
}

function trimRightUnicode(s: string): string {
  let end = s.length;
  while (end > 0 && isUnicodeSpace(s.charAt(end - 1))) end--;
  return s.slice(0, end);
}

/** compose-go `expandEscapes`: `\a \b \f \n \r \t \v \\ \"` and octal `\0NNN`; `\$` becomes `$$` (a literal `$` after interpolation). */
function expandEscapes(s: string): string {
  return s.replace(/\\(?:[abcfnrtv$"\\]|0[0-7]{0,3})/g, (m) => {
    const c = m.charAt(1);
    switch (c) {
      case '$':
        return '$$';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case '\\':
        return '\\';
      case '"':
        return '"';
      case '0': {
        // Go's UnquoteChar needs exactly three octal digits after the backslash (`\0123` → `\123`).
        const digits = m.slice(2);
        if (digits.length !== 3) return m;
        const code = parseInt(digits, 8);
        return code > 255 ? m : String.fromCharCode(code);
      }
      default:
        return m; // `\c`: not a Go escape, kept
    }
  });
}

export interface ComposeParseResult {
  entries: EnvEntry[];
  problems: EnvProblem[];
}

/**
 * Parses `text` from `start` (after a BOM) with compose semantics.
 * @param lookup the shell environment compose would consult before the file's own earlier entries.
 */
export function parseComposeStatements(
  text: string,
  start: number,
  lines: LineIndex,
  lookup: Lookup = () => undefined,
): ComposeParseResult {
  const entries: EnvEntry[] = [];
  const problems: EnvProblem[] = [];
  const values = new Map<string, string>();
  const requiredNames = new Map<number, string>();
  const resolve: Lookup = (name) => lookup(name) ?? values.get(name);
  const len = text.length;
  let pos = start;

  const nextLine = (from: number) => {
    const nl = text.indexOf('\n', from);
    return nl < 0 ? len : nl + 1;
  };

  while (pos < len) {
    // getStatementStart: skip whitespace (newlines included) and whole comment lines.
    while (pos < len && isUnicodeSpace(text.charAt(pos))) pos++;
    if (pos >= len) break;
    if (text.charAt(pos) === '#') {
      pos = nextLine(pos);
      continue;
    }
    const statement = pos;
    let p = pos;
    let exported = false;
    if (text.startsWith('export', p) && isGoSpace(text.charAt(p + 6))) {
      exported = true;
      p += 6;
      while (p < len && isGoSpace(text.charAt(p))) p++;
    }
    const keyStart = p;
    let sep: Separator | null = null;
    let bad: string | null = null;
    let i = p;
    for (; i < len;) {
      const code = text.charCodeAt(i);
      // Fast path for the ASCII key characters [A-Za-z0-9_.-[]].
      if (
        (code >= 97 && code <= 122) ||
        (code >= 65 && code <= 90) ||
        (code >= 48 && code <= 57) ||
        code === 95 ||
        code === 46 ||
        code === 45 ||
        code === 91 ||
        code === 93
      ) {
        i++;
        continue;
      }
      const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
      if (isGoSpace(ch) || (code > 127 && LETTER_OR_NUMBER.test(ch))) {
        i += ch.length;
        continue;
      }
      if (ch === '=' || ch === ':') sep = ch;
      else if (ch === '\n') sep = 'bare';
      else bad = ch;
      break;
    }
    const line = lines.lineOf(keyStart);
    if (bad !== null) {
      const shown = /^[\x20-\x7e]$/.test(bad)
        ? `"${bad}"`
        : `U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      problems.push({
        code: 'ENV_INVALID_KEY',
        fatal: true,
        line,
        message: `Line ${line}: unexpected character ${shown} in a variable name; docker compose refuses the file. Keys may use letters, digits, _ . - [ ].`,
      });
      pos = nextLine(i);
      continue;
    }
    // A bare key on the last line has no newline after it: compose reads it like `KEY` + newline.
    const keyEnd = i;
    const key = trimRightUnicode(text.slice(keyStart, keyEnd));
    if (key.includes(' ') || key === '') {
      problems.push({
        code: 'ENV_INVALID_KEY',
        fatal: true,
        line,
        message:
          key === ''
            ? `Line ${line}: a value without a variable name.`
            : `Line ${line}: a variable name cannot contain a space; docker compose refuses the file.`,
      });
      pos = nextLine(keyStart);
      continue;
    }
    if (sep === null || sep === 'bare') {
      const v = lookup(key);
      if (v !== undefined) values.set(key, v);
      entries.push({
        key,
        value: v ?? '',
        rawValue: '',
        quote: 'none',
        separator: 'bare',
        exported,
        line,
        endLine: line,
        offsets: { statement, key: keyStart, valueStart: keyEnd, valueEnd: keyEnd },
        references: [],
        unsetReferences: v === undefined ? [key] : [],
        pythonValue: undefined,
      });
      pos = keyEnd < len ? keyEnd + 1 : len;
      continue;
    }
    if (sep === ':')
      problems.push({
        code: 'ENV_COMPOSE_ONLY_SYNTAX',
        fatal: false,
        line,
        key,
        message: `Line ${line}: ${key} uses the YAML-style "KEY: value" form, which python-dotenv does not read.`,
      });
    let v = keyEnd + 1;
    while (v < len && isGoSpace(text.charAt(v))) v++;
    const q = text.charAt(v);
    let quote: QuoteStyle = 'none';
    let rawValue: string;
    let value: string;
    let valueEnd: number;
    let interpolated: TemplateScan | null = null;
    if (q === "'" || q === '"') {
      quote = q === "'" ? 'single' : 'double';
      let escape = false;
      let chars = '';
      let close = -1;
      // Fast path: no backslash before the closing quote means the value is the text between the quotes.
      const simpleClose = text.indexOf(q, v + 1);
      if (simpleClose >= 0) {
        const between = text.slice(v + 1, simpleClose);
        if (!between.includes('\\')) {
          close = simpleClose;
          chars = between;
        }
      }
      for (let j = v + 1; close < 0 && j < len; j++) {
        const c = text.charAt(j);
        if (c !== q) {
          if (!escape && c === '\\') {
            escape = true;
            continue;
          }
          if (escape) {
            escape = false;
            chars += '\\';
          }
          chars += c;
          continue;
        }
        if (escape) {
          escape = false;
          chars += c;
          continue;
        }
        close = j;
        break;
      }
      if (close < 0) {
        problems.push({
          code: 'ENV_UNTERMINATED_QUOTE',
          fatal: true,
          line,
          key,
          message: `Line ${line}: the ${quote}-quoted value of ${key} is never closed; docker compose refuses the file.`,
        });
        pos = nextLine(v);
        continue;
      }
      rawValue = text.slice(v + 1, close);
      valueEnd = close + 1;
      if (quote === 'double') {
        interpolated = scanTemplate(expandEscapes(chars), resolve);
        value = interpolated.value;
      } else value = chars;
      pos = valueEnd;
    } else {
      const eol = text.indexOf('\n', v);
      const lineEnd = eol < 0 ? len : eol;
      let seg = text.slice(v, lineEnd);
      const hash = seg.indexOf(' #');
      if (hash >= 0) seg = seg.slice(0, hash);
      rawValue = trimRightUnicode(seg);
      valueEnd = v + rawValue.length;
      interpolated = scanTemplate(rawValue, resolve);
      value = interpolated.value;
      pos = eol < 0 ? len : eol + 1;
    }
    const endLine = lines.lineOf(Math.max(v, valueEnd - 1));
    if (interpolated?.error) {
      const e = interpolated.error;
      problems.push(
        e.kind === 'invalid-template'
          ? e.tooDeep
            ? {
                code: 'ENV_INVALID_TEMPLATE',
                fatal: true,
                line,
                key,
                message: `Line ${line}: the value of ${key} nests "\${" more than ${String(MAX_INTERPOLATION_DEPTH)} levels deep, which the app does not follow. Simplify it, or single-quote the value if it is literal.`,
              }
            : {
                code: 'ENV_INVALID_TEMPLATE',
                fatal: true,
                line,
                key,
                message: `Line ${line}: the value of ${key} contains "\${" that is not a valid \${NAME} reference; docker compose stops with "Invalid template". Single-quote the value.`,
              }
          : {
              code: 'ENV_REQUIRED_VARIABLE_UNSET',
              fatal: true,
              line,
              key,
              message: requiredUnsetMessage(line, key, undefined),
            },
      );
      // The name is cut out of the value: it may be shown only if it is a key of this file, known after the loop.
      if (e.kind === 'required-unset') requiredNames.set(problems.length - 1, e.name);
    }
    values.set(key, value);
    entries.push({
      key,
      value,
      rawValue,
      quote,
      separator: sep,
      exported,
      line,
      endLine,
      offsets: { statement, key: keyStart, valueStart: v, valueEnd },
      references: interpolated?.occurrences ?? [],
      unsetReferences: interpolated?.unsetOccurrences ?? [],
      pythonValue: undefined,
    });
  }
  if (requiredNames.size > 0) {
    const keys = new Set(entries.map((e) => e.key));
    for (const [i, name] of requiredNames) {
      const p = problems[i];
      if (p?.key !== undefined && keys.has(name)) p.message = requiredUnsetMessage(p.line, p.key, name);
    }
  }
  return { entries, problems };
}

/** The ENV_REQUIRED_VARIABLE_UNSET message; `name` only when it is a key of the same file, never a value fragment. */
function requiredUnsetMessage(line: number, key: string, name: string | undefined): string {
  return `Line ${line}: the value of ${key} requires ${name ?? 'a variable'} (a \${NAME:?…} reference), which is not set; docker compose stops.`;
}
