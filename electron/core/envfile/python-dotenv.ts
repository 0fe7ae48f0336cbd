import type { Lookup } from '../compose/interpolate';

/**
 * An emulation of python-dotenv's reader (`parser.py` + `variables.py`, as `dotenv_values(path)` uses it:
 * the file opened as UTF-8 text with universal newlines, interpolation on). It exists only to report
 * where the Python side of Crucible (the dev api's `load_dotenv`) would read a value differently from
 * compose. Regexes are the originals with Python's `\s` spelled out (it differs from JavaScript's).
 */

/** Python's `str.isspace()` characters (`\s` in a str pattern). JavaScript's `\s` differs: it has U+FEFF and lacks U+001C–U+001F, U+0085. */
const WS = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const HWS = '\\t\\x0b\\x0c\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const re = (src: string) => new RegExp(src, 'uy');
const multilineWhitespace = re(`[${WS}]*`);
const whitespace = re(`[${HWS}]*`);
const exportRe = re(`(?:export[${HWS}]+)?`);
const singleQuotedKey = re(`'([^']+)'`);
const unquotedKey = re(`([^=#${WS}]+)`);
const equalSign = re(`(=[${HWS}]*)`);
const singleQuotedValue = re(`'((?:\\\\'|[^'])*)'`);
const doubleQuotedValue = re(`"((?:\\\\"|[^"])*)"`);
const unquotedValue = re(`([^\\r\\n]*)`);
const comment = re(`(?:[${HWS}]*#[^\\r\\n]*)?`);
const endOfLine = re(`[${HWS}]*(?:\\r\\n|\\n|\\r|$)`);
const restOfLine = re(`[^\\r\\n]*(?:\\r|\\n|\\r\\n)?`);
const inlineComment = new RegExp(`[${WS}]+#[^\\n]*`, 'u');
const trailingWs = new RegExp(`[${WS}]+$`, 'u');

const DOUBLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

class ParseError extends Error {}

class Reader {
  pos = 0;
  line = 1;
  constructor(readonly s: string) {}
  hasNext(): boolean {
    return this.pos < this.s.length;
  }
  peek(): string {
    return this.s.charAt(this.pos);
  }
  read(regex: RegExp): string[] {
    regex.lastIndex = this.pos;
    const m = regex.exec(this.s);
    if (!m) throw new ParseError();
    const text = m[0];
    this.pos += text.length;
    if (text.length > 0 && (text.includes('\n') || text.includes('\r')))
      this.line += (text.match(/\r\n|\n|\r/g) ?? []).length;
    return m.length > 1 ? m.slice(1).map((g: string | undefined) => g ?? '') : [];
  }
}

export interface PythonBinding {
  key: string;
  /** null for a bare `KEY` line. */
  value: string | null;
  line: number;
}

export interface PythonParseResult {
  bindings: PythonBinding[];
  /** Lines python-dotenv skips with "could not parse statement starting at line N". */
  errorLines: number[];
  /** The final mapping `dotenv_values` returns (after interpolation; last duplicate wins). */
  values: Map<string, string | null>;
}

function parseValue(r: Reader): string {
  const c = r.peek();
  if (c === "'") {
    const [v = ''] = r.read(singleQuotedValue);
    return v.replace(/\\[\\']/g, (m) => m.charAt(1));
  }
  if (c === '"') {
    const [v = ''] = r.read(doubleQuotedValue);
    return v.replace(/\\[\\'"abfnrtv]/g, (m) => DOUBLE_ESCAPES[m.charAt(1)] ?? m);
  }
  if (c === '' || c === '\n' || c === '\r') return '';
  const [part = ''] = r.read(unquotedValue);
  return part.replace(inlineComment, '').replace(trailingWs, '');
}

/**
 * Reads `text` as `dotenv_values(path)` would.
 * @param asFile apply Python's universal-newline translation first (true for files, false for streams).
 */
export function parsePythonDotenv(text: string, lookup: Lookup = () => undefined, asFile = true): PythonParseResult {
  const s = asFile ? text.replace(/\r\n?/g, '\n') : text;
  const r = new Reader(s);
  const bindings: PythonBinding[] = [];
  const errorLines: number[] = [];
  while (r.hasNext()) {
    let stmtLine = r.line;
    try {
      r.read(multilineWhitespace);
      if (!r.hasNext()) break;
      stmtLine = r.line;
      r.read(exportRe);
      let key: string | null;
      if (r.peek() === '#') key = null;
      else if (r.peek() === "'") [key = ''] = r.read(singleQuotedKey);
      else [key = ''] = r.read(unquotedKey);
      const keyLine = r.line;
      r.read(whitespace);
      let value: string | null = null;
      if (r.peek() === '=') {
        r.read(equalSign);
        value = parseValue(r);
      }
      r.read(comment);
      r.read(endOfLine);
      if (key !== null) bindings.push({ key, value, line: keyLine });
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      errorLines.push(stmtLine);
      // Like parser.py: skip the rest of the line from where the failing regex stopped (not from the
      // statement start), so a quoted key or value that spans lines swallows them.
      const before = r.pos;
      r.read(restOfLine);
      if (r.pos === before && !r.hasNext()) break;
    }
  }
  const values = new Map<string, string | null>();
  for (const b of bindings) {
    if (b.value === null) {
      values.set(b.key, null);
      continue;
    }
    // dotenv_values uses override=True: the file's earlier values win over the environment.
    const v = expandPosixVariables(b.value, (name, def) => {
      const found = values.has(name) ? values.get(name) : lookup(name);
      if (found === undefined) return def ?? '';
      return found ?? '';
    });
    values.set(b.key, v);
  }
  return { bindings, errorLines, values };
}

/**
 * `value.replace(/\$\{([^}:]*)(?::-([^}]*))?\}/g, …)`, python-dotenv's `_posix_variable`, in linear time.
 * The regex backtracks over the whole rest of the value at every `${` that has no `}` after it: 100,000
 * unclosed `${A:-` took 97 s (issue 19). A match can only end at the first `}` after its `${`, and its
 * name at the first `:` before that, so both are found by a forward scan whose positions only grow.
 * Exported for the property test that compares it with the regex.
 */
export function expandPosixVariables(
  value: string,
  replace: (name: string, def: string | undefined) => string,
): string {
  let out = '';
  let last = 0;
  let close = -2; // index of the first '}' at or after the current body start; -1: none left; -2: not looked up
  let colon = -2; // same for ':'
  let i = value.indexOf('${');
  while (i >= 0) {
    const body = i + 2;
    if (close !== -1 && close < body) close = value.indexOf('}', body);
    if (close === -1) break; // no '}' anywhere after: no later '${' can match either
    if (colon !== -1 && colon < body) colon = value.indexOf(':', body);
    const nameEnd = colon !== -1 && colon < close ? colon : close;
    if (nameEnd === colon && value.charAt(colon + 1) !== '-') {
      i = value.indexOf('${', i + 1);
      continue;
    }
    out +=
      value.slice(last, i) +
      replace(value.slice(body, nameEnd), nameEnd === close ? undefined : value.slice(colon + 2, close));
    last = close + 1;
    i = value.indexOf('${', last);
  }
  return last === 0 ? value : out + value.slice(last);
}
