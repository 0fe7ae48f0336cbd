import { AppError } from '../../common/errors';

/**
 * Compose's variable interpolation (compose-go `template/template.go`), applied to one string. The one
 * implementation in the app: compose files (parse-file.ts) and `.env` values (envfile/compose-parser.ts) both
 * read `$` through it.
 * - `$$` is a literal `$`;
 * - `$NAME` and `${NAME}` (NAME = `[_A-Za-z][_A-Za-z0-9]*`) are replaced by the variable, or by an empty
 *   string when it is not set (compose warns "variable is not set");
 * - `${NAME:-default}` / `${NAME-default}`: the default when unset or empty / only when unset;
 * - `${NAME:?message}` / `${NAME?message}`: compose refuses to start when unset or empty / unset;
 * - `${NAME:+alt}` / `${NAME+alt}`: `alt` when set and non-empty / when set;
 * - defaults and alternatives may themselves contain interpolations (`${A:-${B}}`);
 * - a `$` followed by anything else (a digit, a space, the end) is left as it is;
 * - a `${` not followed by a valid `NAME…}` is an "Invalid template" that stops compose.
 * The substituted value is never interpolated again.
 */

export type Lookup = (name: string) => string | undefined;

export interface InterpolationResult {
  value: string;
  /** Every variable the string refers to, in order of appearance (each once). */
  referenced: string[];
  /** Variables referenced without a value and without a default: compose substitutes an empty string. */
  unset: string[];
  /** `${NAME:?msg}` whose variable is missing: compose refuses to run. */
  required: string[];
  /**
   * Variables referenced in the braced `${NAME…}` form. A bare `$name` may just as well be a piece of a literal
   * value (a hard-coded password `ab$Kq9f…`), so messages name only these (or names that have a value).
   */
  braced: string[];
  /** Every reference in order, repeats included (`$A$A` is two): messages count the `$` compose consumes. */
  occurrences: string[];
  /** The references substituted by an empty string because unset, repeats included. */
  unsetOccurrences: string[];
}

/** Why compose refuses a string. */
export type TemplateError =
  { kind: 'invalid-template'; tooDeep: boolean; message: string } | { kind: 'required-unset'; name: string };

export interface TemplateScan extends InterpolationResult {
  /**
   * Set when compose refuses the string: an invalid template (then `value` is the input as given, since compose
   * produces none), else the first required variable that is missing (the scan goes on, so that `required`
   * lists them all).
   */
  error?: TemplateError;
}

const NAME = /^[_A-Za-z][_A-Za-z0-9]*/;

/**
 * How deeply `${A:-${B:-…}}` may nest. Real files nest two or three levels; each level is a recursive call
 * that rescans its argument, so an unbounded depth lets a hostile file exhaust the stack (100,000 levels
 * crashed the CLI) or take quadratic time. Past it the value is refused as an invalid template.
 */
export const MAX_INTERPOLATION_DEPTH = 32;

/** Finds the `}` closing a `${` whose content starts at `from`, honouring nested `${...}`. */
function closingBrace(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Thrown inside the scan only, to leave every nesting level at once; scanTemplate turns it into `error`. */
class InvalidTemplate extends Error {
  constructor(
    message: string,
    readonly tooDeep = false,
  ) {
    super(message);
  }
}

/** Interpolates one string as compose does and reports what compose would say about it. Never throws. */
export function scanTemplate(input: string, lookup: Lookup): TemplateScan {
  const referenced: string[] = [];
  const unset: string[] = [];
  const required: string[] = [];
  const bracedNames: string[] = [];
  const occurrences: string[] = [];
  const unsetOccurrences: string[] = [];
  let requiredFirst: TemplateError | undefined;
  const note = (list: string[], name: string) => {
    if (!list.includes(name)) list.push(name);
  };
  const reference = (name: string, v: string | undefined, countsUnset: boolean) => {
    note(referenced, name);
    occurrences.push(name);
    if (countsUnset && v === undefined) {
      note(unset, name);
      unsetOccurrences.push(name);
    }
  };

  const run = (s: string, depth: number): string => {
    if (!s.includes('$')) return s;
    if (depth > MAX_INTERPOLATION_DEPTH)
      throw new InvalidTemplate(
        `An interpolation nests \${…} more than ${String(MAX_INTERPOLATION_DEPTH)} levels deep. Simplify it; compose files need two or three levels at most.`,
        true,
      );
    let out = '';
    let i = 0;
    while (i < s.length) {
      const c = s[i] ?? '';
      if (c !== '$') {
        out += c;
        i++;
        continue;
      }
      const next = s[i + 1];
      if (next === '$') {
        out += '$';
        i += 2;
        continue;
      }
      if (next === '{') {
        const end = closingBrace(s, i + 2);
        if (end < 0)
          throw new InvalidTemplate(
            'An interpolation `${` is never closed with `}`. Close it, or write `$$` for a literal dollar sign.',
          );
        out += braced(s.slice(i + 2, end), depth);
        i = end + 1;
        continue;
      }
      const m = NAME.exec(s.slice(i + 1));
      if (m) {
        const name = m[0];
        const v = lookup(name);
        reference(name, v, true);
        out += v ?? '';
        i += 1 + name.length;
        continue;
      }
      out += '$';
      i++;
    }
    return out;
  };

  const braced = (body: string, depth: number): string => {
    const m = NAME.exec(body);
    if (!m)
      throw new InvalidTemplate(
        'An interpolation `${...}` does not start with a valid variable name. Use `$$` for a literal dollar sign.',
      );
    const name = m[0];
    const rest = body.slice(name.length);
    const v = lookup(name);
    reference(name, v, rest === '');
    note(bracedNames, name);
    if (rest === '') return v ?? '';
    const op = /^(:?[-?+])/.exec(rest)?.[1];
    // A malformed `${…}` is as likely a piece of a literal value: name it only when it is a variable with a value.
    if (op === undefined)
      throw new InvalidTemplate(
        `The interpolation of ${v !== undefined ? name : 'a variable'} uses an operator compose does not know. Use one of :- - :? ? :+ +, or $$ for a literal dollar sign.`,
      );
    const arg = rest.slice(op.length);
    const missing = v === undefined || (op.startsWith(':') && v === '');
    switch (op.replace(':', '')) {
      case '-':
        return missing ? run(arg, depth + 1) : v;
      case '?':
        if (!missing) return v;
        note(required, name);
        requiredFirst ??= { kind: 'required-unset', name };
        return '';
      default: // '+'
        return missing ? '' : run(arg, depth + 1);
    }
  };

  const found = () => ({ referenced, unset, required, braced: bracedNames, occurrences, unsetOccurrences });
  try {
    const value = run(input, 0);
    return { value, ...found(), ...(requiredFirst ? { error: requiredFirst } : {}) };
  } catch (e) {
    if (!(e instanceof InvalidTemplate)) throw e;
    return { value: input, ...found(), error: { kind: 'invalid-template', tooDeep: e.tooDeep, message: e.message } };
  }
}

/**
 * Interpolates one string as compose does.
 * @throws AppError COMPOSE_BAD_INTERPOLATION for an unterminated `${`, an invalid name inside `${...}` or a
 *   nesting deeper than {@link MAX_INTERPOLATION_DEPTH} (a missing required variable is listed in `required`);
 *   the message quotes the variable name only, never a value.
 */
export function interpolate(input: string, lookup: Lookup): InterpolationResult {
  const { error, ...result } = scanTemplate(input, lookup);
  if (error?.kind === 'invalid-template') throw new AppError('COMPOSE_BAD_INTERPOLATION', error.message);
  return result;
}

/** The variable names a string refers to, without resolving anything; none for an invalid template (never throws). */
export function referencedVariables(input: string): string[] {
  const r = scanTemplate(input, () => undefined);
  return r.error?.kind === 'invalid-template' ? [] : r.referenced;
}

/**
 * Whether compose takes `value` as written: no `$` reference it would substitute (`$$` is a literal `$`). An
 * invalid template is not literal (compose refuses it rather than taking it as written).
 */
export function isLiteralValue(value: string): boolean {
  const r = scanTemplate(value, () => undefined);
  return r.referenced.length === 0 && r.error?.kind !== 'invalid-template';
}
