/**
 * The `.env` document model. A document keeps the original text so that an edit can rewrite only the
 * spans it manages (ARCHITECTURE.md §4 `envfile/`). Values live here and in core only: nothing in this
 * model may be sent to the renderer or logged.
 */

export type QuoteStyle = 'none' | 'single' | 'double';

/** How a statement's key was separated from its value: `=`, compose's YAML-style `:`, or a bare `KEY` line. */
export type Separator = '=' | ':' | 'bare';

export interface EnvEntry {
  key: string;
  /** The value docker compose v2 hands on (quotes removed, escapes and `${…}` interpolation applied). */
  value: string;
  /** The value text as written, without the surrounding quotes, before escapes and interpolation. */
  rawValue: string;
  quote: QuoteStyle;
  separator: Separator;
  exported: boolean;
  /** 1-based line of the key, and of the value's last character (multi-line quoted values). */
  line: number;
  endLine: number;
  /** UTF-16 offsets into the document text: statement start (after indentation), key, value span (quotes included). */
  offsets: { statement: number; key: number; valueStart: number; valueEnd: number };
  /** Names referenced by `$NAME`/`${NAME…}` when compose interpolates this value (unquoted or double-quoted). */
  references: string[];
  /** Referenced names that were not set (compose substitutes an empty string and warns). */
  unsetReferences: string[];
  /** The value python-dotenv (`dotenv_values`, interpolation on) reads for this key; undefined = key absent there, null = key without value. */
  pythonValue: string | null | undefined;
}

export type EnvProblemCode =
  | 'ENV_TOO_LARGE'
  | 'ENV_NOT_UTF8'
  | 'ENV_BINARY'
  | 'ENV_UNTERMINATED_QUOTE'
  | 'ENV_INVALID_KEY'
  | 'ENV_INVALID_TEMPLATE'
  | 'ENV_REQUIRED_VARIABLE_UNSET'
  | 'ENV_BOM'
  | 'ENV_CRLF'
  | 'ENV_COMPOSE_ONLY_SYNTAX'
  | 'ENV_PYTHON_DIFFERS'
  | 'ENV_PYTHON_PARSE_ERROR'
  | 'ENV_INTERPOLATED'
  | 'ENV_UNSET_REFERENCE';

/**
 * Something the parser noticed. `fatal` problems make docker compose refuse the whole file; the parser
 * still recovers at the next line so that the rest can be checked. Messages never contain values.
 */
export interface EnvProblem {
  code: EnvProblemCode;
  fatal: boolean;
  line: number;
  key?: string;
  message: string;
}

export interface EnvDoc {
  /** The decoded text exactly as read (a leading BOM included). */
  text: string;
  bom: boolean;
  /** Line-ending style; new lines we add use the dominant one (`lf` when there is none). */
  eol: 'lf' | 'crlf' | 'mixed' | 'none';
  /** Every statement in file order, duplicates included. */
  entries: EnvEntry[];
  problems: EnvProblem[];
}

/** A change the editor applies. `set` replaces every occurrence of the key (or appends it); `unset` removes them. */
export type EnvChange = { op: 'set'; key: string; value: string } | { op: 'unset'; key: string };
