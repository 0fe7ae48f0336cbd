import { AppError } from '../../common/errors';

/**
 * Compose's variable interpolation (compose-go `template/template.go`), applied to one string:
 * - `$$` is a literal `$`;
 * - `$NAME` and `${NAME}` (NAME = `[_A-Za-z][_A-Za-z0-9]*`) are replaced by the variable, or by an empty
 *   string when it is not set (compose warns "variable is not set");
 * - `${NAME:-default}` / `${NAME-default}`: the default when unset or empty / only when unset;
 * - `${NAME:?message}` / `${NAME?message}`: compose refuses to start when unset or empty / unset;
 * - `${NAME:+alt}` / `${NAME+alt}`: `alt` when set and non-empty / when set;
 * - defaults and alternatives may themselves contain interpolations (`${A:-${B}}`);
 * - a `$` followed by anything else (a digit, a space, the end) is left as it is.
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
}

const NAME = /^[_A-Za-z][_A-Za-z0-9]*/;

/**
 * How deeply `${A:-${B:-…}}` may nest. Real files nest two or three levels; each level is a recursive call
 * that rescans its argument, so an unbounded depth lets a hostile file exhaust the stack (100,000 levels
 * crashed the CLI) or take quadratic time. Past it the value is refused with COMPOSE_BAD_INTERPOLATION.
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

/**
 * Interpolates one string as compose does.
 * @throws AppError COMPOSE_BAD_INTERPOLATION for an unterminated `${`, an invalid name inside `${...}` or a
 *   nesting deeper than {@link MAX_INTERPOLATION_DEPTH};
 *   the message quotes the variable name only, never a value.
 */
export function interpolate(input: string, lookup: Lookup): InterpolationResult {
  const referenced: string[] = [];
  const unset: string[] = [];
  const required: string[] = [];
  const bracedNames: string[] = [];
  const note = (list: string[], name: string) => {
    if (!list.includes(name)) list.push(name);
  };

  const run = (s: string, depth: number): string => {
    if (!s.includes('$')) return s;
    if (depth > MAX_INTERPOLATION_DEPTH) throw new AppError('COMPOSE_BAD_INTERPOLATION', `An interpolation nests \${…} more than ${String(MAX_INTERPOLATION_DEPTH)} levels deep. Simplify it; compose files need two or three levels at most.`);
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
        if (end < 0) throw new AppError('COMPOSE_BAD_INTERPOLATION', 'An interpolation `${` is never closed with `}`. Close it, or write `$$` for a literal dollar sign.');
        const body = s.slice(i + 2, end);
        out += braced(body, depth);
        i = end + 1;
        continue;
      }
      const m = NAME.exec(s.slice(i + 1));
      if (m) {
        const name = m[0];
        note(referenced, name);
        const v = lookup(name);
        if (v === undefined) note(unset, name);
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
    if (!m) throw new AppError('COMPOSE_BAD_INTERPOLATION', 'An interpolation `${...}` does not start with a valid variable name. Use `$$` for a literal dollar sign.');
    const name = m[0];
    note(referenced, name);
    note(bracedNames, name);
    const rest = body.slice(name.length);
    const v = lookup(name);
    if (rest === '') {
      if (v === undefined) note(unset, name);
      return v ?? '';
    }
    const op = /^(:?[-?+])/.exec(rest)?.[1];
    // A malformed `${…}` is as likely a piece of a literal value: name it only when it is a variable with a value.
    if (op === undefined) throw new AppError('COMPOSE_BAD_INTERPOLATION', `The interpolation of ${v !== undefined ? name : 'a variable'} uses an operator compose does not know. Use one of :- - :? ? :+ +, or $$ for a literal dollar sign.`);
    const arg = rest.slice(op.length);
    const emptyCounts = op.startsWith(':');
    const missing = v === undefined || (emptyCounts && v === '');
    switch (op.replace(':', '')) {
      case '-':
        return v === undefined || missing ? run(arg, depth + 1) : v;
      case '?':
        if (v === undefined || missing) {
          note(required, name);
          return '';
        }
        return v;
      default: // '+'
        return missing ? '' : run(arg, depth + 1);
    }
  };

  return { value: run(input, 0), referenced, unset, required, braced: bracedNames };
}

/** The variable names a string refers to, without resolving anything (never throws). */
export function referencedVariables(input: string): string[] {
  try {
    return interpolate(input, () => undefined).referenced;
  } catch {
    return [];
  }
}
