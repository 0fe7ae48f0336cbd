import { AppError } from '../../common/errors';
import type { Lookup } from '../compose/interpolate';
import { LineIndex, parseComposeStatements } from './compose-parser';
import { parsePythonDotenv } from './python-dotenv';
import type { EnvDoc, EnvProblem } from './types';

/** The largest `.env` we read (characters). Crucible's is ~1 KB; anything near this is not a `.env`. */
export const MAX_ENV_CHARS = 2 * 1024 * 1024;
/** At most this many problems are listed; a garbage file would otherwise produce one per line. */
const MAX_PROBLEMS = 200;

export interface ParseOptions {
  /** The shell environment compose and python-dotenv would see (default: none). Values are never reported. */
  lookup?: Lookup;
  /** Skip the python-dotenv comparison (faster; used where only compose's reading matters). */
  skipPythonComparison?: boolean;
}

function detectEol(text: string): EnvDoc['eol'] {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  if (crlf === 0 && lf === 0) return 'none';
  if (crlf === 0) return 'lf';
  if (lf === 0) return 'crlf';
  return 'mixed';
}

/**
 * "2 \"$\" references": how a message counts the `$` references compose found in a value. A name compose
 * cuts out of a value is a piece of that value (`ab$Kq9f…` "refers to" `Kq9f…`; an unquoted bcrypt hash "refers
 * to" its salt), so messages count references and name only those of {@link namedPart}.
 */
function referenceCount(names: readonly string[]): string {
  return names.length === 1 ? '1 "$" reference' : `${names.length} "$" references`;
}

/**
 * " (POSTGRES_USER)": the referenced names that are keys defined in the same file (genuine references such as
 * `${POSTGRES_USER}`), or '' when there are none. Any other name is a fragment of the value and never shown.
 */
function namedPart(names: readonly string[], fileKeys: ReadonlySet<string>): string {
  const named = [...new Set(names.filter((n) => fileKeys.has(n)))];
  if (named.length === 0) return '';
  const others = names.filter((n) => !fileKeys.has(n)).length;
  return ` (${named.join(', ')}${others > 0 ? ` and ${others} other${others === 1 ? '' : 's'}` : ''})`;
}

/** A document refused for its size: no entries, one fatal problem saying why (the reader and the parser). */
export function tooLargeDoc(text: string, bom: boolean, message: string): EnvDoc {
  return { text, bom, eol: 'none', entries: [], problems: [{ code: 'ENV_TOO_LARGE', fatal: true, line: 1, message }] };
}

/**
 * Parses `.env` text the way docker compose v2 does and reports, per key, where python-dotenv would read it
 * differently. Never throws on content: malformed input yields problems with line numbers (fatal ones are
 * those compose would refuse the file for).
 */
export function parseEnv(text: string, options: ParseOptions = {}): EnvDoc {
  const bom = text.charCodeAt(0) === 0xfeff;
  const problems: EnvProblem[] = [];
  if (text.length > MAX_ENV_CHARS)
    return tooLargeDoc(
      text,
      bom,
      `The file is larger than ${MAX_ENV_CHARS / (1024 * 1024)} MiB; it is not a .env file the app will read.`,
    );
  const lines = new LineIndex(text);
  const eol = detectEol(text);
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const line = lines.lineOf(nul);
    return {
      text,
      bom,
      eol,
      entries: [],
      problems: [
        {
          code: 'ENV_BINARY',
          fatal: true,
          line,
          message: `Line ${line} contains a NUL byte: this looks like binary data, not a .env file.`,
        },
      ],
    };
  }
  if (bom)
    problems.push({
      code: 'ENV_BOM',
      fatal: false,
      line: 1,
      message:
        'The file starts with a UTF-8 byte-order mark (as Windows PowerShell 5 writes it). Compose ignores it, but python-dotenv reads it as part of the first key.',
    });
  if (eol === 'crlf' || eol === 'mixed')
    problems.push({
      code: 'ENV_CRLF',
      fatal: false,
      line: 1,
      message: `The file uses ${eol === 'crlf' ? 'Windows (CRLF)' : 'mixed'} line endings. Simple lines read the same, but carriage returns inside quoted multi-line values differ between compose and python-dotenv.`,
    });

  const lookup = options.lookup ?? (() => undefined);
  const parsed = parseComposeStatements(text, bom ? 1 : 0, lines, lookup);
  problems.push(...parsed.problems);
  const entries = parsed.entries;

  const fileKeys = new Set(entries.map((e) => e.key));
  for (const e of entries) {
    if (e.unsetReferences.length > 0 && e.separator !== 'bare') {
      const r = referenceCount(e.unsetReferences);
      const n = e.unsetReferences.length;
      problems.push({
        code: 'ENV_UNSET_REFERENCE',
        fatal: false,
        line: e.line,
        key: e.key,
        message: `Line ${e.line}: compose reads ${r} in the ${e.quote === 'double' ? 'double-quoted' : 'unquoted'} value of ${e.key} as ${n === 1 ? 'a variable that is' : 'variables that are'} not set${namedPart(e.unsetReferences, fileKeys)}, and substitutes an empty string. Single-quote the value.`,
      });
    } else if (e.references.length > 0) {
      problems.push({
        code: 'ENV_INTERPOLATED',
        fatal: false,
        line: e.line,
        key: e.key,
        message: `Line ${e.line}: compose substitutes ${referenceCount(e.references)}${namedPart(e.references, fileKeys)} into the value of ${e.key}.`,
      });
    }
  }

  if (!options.skipPythonComparison) {
    const py = parsePythonDotenv(text, lookup, true);
    const composeFinal = new Map<string, { value: string; line: number }>();
    for (const e of entries)
      if (e.separator !== 'bare' || lookup(e.key) !== undefined)
        composeFinal.set(e.key, { value: e.value, line: e.line });
    for (const e of entries) e.pythonValue = py.values.get(e.key);
    for (const [key, c] of composeFinal) {
      const pv = py.values.get(key);
      if (pv === undefined)
        problems.push({
          code: 'ENV_PYTHON_DIFFERS',
          fatal: false,
          line: c.line,
          key,
          message: `Line ${c.line}: python-dotenv (used by the dev api) does not see ${key} at all.`,
        });
      else if (pv !== c.value)
        problems.push({
          code: 'ENV_PYTHON_DIFFERS',
          fatal: false,
          line: c.line,
          key,
          message: `Line ${c.line}: python-dotenv (used by the dev api) reads a different value for ${key} than docker compose.`,
        });
    }
    for (const b of py.bindings) {
      if (!composeFinal.has(b.key) && !entries.some((e) => e.key === b.key)) {
        problems.push({
          code: 'ENV_PYTHON_DIFFERS',
          fatal: false,
          line: b.line,
          message: `Line ${b.line}: python-dotenv reads a variable here that docker compose does not.`,
        });
      }
    }
    for (const line of py.errorLines)
      problems.push({
        code: 'ENV_PYTHON_PARSE_ERROR',
        fatal: false,
        line,
        message: `Line ${line}: python-dotenv cannot parse this statement and skips it.`,
      });
  }

  problems.sort((a, b) => a.line - b.line);
  if (problems.length > MAX_PROBLEMS) {
    const more = problems.length - MAX_PROBLEMS;
    problems.length = MAX_PROBLEMS;
    problems.push({
      code: 'ENV_BINARY',
      fatal: true,
      line: problems[MAX_PROBLEMS - 1]?.line ?? 1,
      message: `…and ${more} more problems. This does not look like a .env file.`,
    });
  }
  return { text, bom, eol, entries, problems };
}

/** The fatal problems of a document (those compose refuses the file for, or that make it unreadable). */
export function fatalProblems(doc: EnvDoc): EnvProblem[] {
  return doc.problems.filter((p) => p.fatal);
}

/**
 * Parses and refuses a document compose would not read.
 * @throws AppError ENV_PARSE_ERROR naming the first fatal problem and its line.
 */
export function parseEnvStrict(text: string, options: ParseOptions = {}): EnvDoc {
  const doc = parseEnv(text, options);
  const first = fatalProblems(doc)[0];
  if (first) throw new AppError('ENV_PARSE_ERROR', first.message);
  return doc;
}

/**
 * The values compose would hand on, last duplicate winning (bare `KEY` lines without an environment value are
 * left out, as compose does).
 */
export function envValues(doc: EnvDoc): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of doc.entries)
    if (e.separator !== 'bare' || e.value !== '' || e.unsetReferences.length === 0) out.set(e.key, e.value);
  return out;
}
