/**
 * Compose's `${…}` interpolation (compose-go `template/template.go`) as applied to unquoted and
 * double-quoted `.env` values: `$$` → `$`; `$NAME` and `${NAME}` with NAME = `[_A-Za-z][_A-Za-z0-9]*`;
 * `${NAME:-d}`, `${NAME-d}`, `${NAME:?e}`, `${NAME?e}`, `${NAME:+r}`, `${NAME+r}` (arguments are
 * interpolated too); an unset variable becomes empty (compose warns); `$` before anything else is kept;
 * `${` not followed by a valid `NAME…}` is an error that stops compose ("Invalid template").
 */

export type Lookup = (name: string) => string | undefined;

export interface InterpolationResult {
  value: string;
  references: string[];
  unset: string[];
  /** Set when compose would refuse the file. */
  error?: { kind: 'invalid-template' | 'required-unset'; name?: string; /** set when the template nests too deeply */ tooDeep?: true };
}

/**
 * How deeply `${A:-${B:-…}}` may nest (as compose/interpolate.ts): each level is a recursive call that
 * rescans its argument, so 100,000 levels exhausted the stack. Deeper is refused as an invalid template.
 */
export const MAX_TEMPLATE_DEPTH = 32;

const NAME_START = /[_A-Za-z]/;
const NAME_CHAR = /[_A-Za-z0-9]/;

function readName(s: string, i: number): number {
  if (i >= s.length || !NAME_START.test(s.charAt(i))) return i;
  let j = i + 1;
  while (j < s.length && NAME_CHAR.test(s.charAt(j))) j++;
  return j;
}

/** Index of the `}` closing a `${` whose body starts at `i`, counting nested `${…}`; -1 if none. */
function closingBrace(s: string, i: number): number {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s.charAt(j);
    if (c === '$' && s.charAt(j + 1) === '{') {
      depth++;
      j++;
    } else if (c === '}') {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}

/** Interpolates `input` the way compose does, looking names up with `lookup`. Never throws. */
export function interpolateCompose(input: string, lookup: Lookup): InterpolationResult {
  const references: string[] = [];
  const unset: string[] = [];
  const run = (s: string, depth: number): { value: string; error?: InterpolationResult['error'] } => {
    if (!s.includes('$')) return { value: s };
    if (depth > MAX_TEMPLATE_DEPTH) return { value: '', error: { kind: 'invalid-template', tooDeep: true } };
    let out = '';
    let i = 0;
    while (i < s.length) {
      const c = s.charAt(i);
      if (c !== '$') {
        out += c;
        i++;
        continue;
      }
      const next = s.charAt(i + 1);
      if (next === '$') {
        out += '$';
        i += 2;
        continue;
      }
      if (next === '{') {
        const nameEnd = readName(s, i + 2);
        const close = closingBrace(s, i + 2);
        if (nameEnd === i + 2 || close < 0) return { value: out, error: { kind: 'invalid-template' } };
        const name = s.slice(i + 2, nameEnd);
        references.push(name);
        const v = lookup(name);
        if (nameEnd === close) {
          if (v === undefined) unset.push(name);
          out += v ?? '';
          i = close + 1;
          continue;
        }
        const colon = s.charAt(nameEnd) === ':';
        const op = s.charAt(colon ? nameEnd + 1 : nameEnd);
        if (op !== '-' && op !== '?' && op !== '+') return { value: out, error: { kind: 'invalid-template' } };
        const arg = s.slice(nameEnd + (colon ? 2 : 1), close);
        const missing = colon ? v === undefined || v === '' : v === undefined;
        if (op === '-') {
          if (missing) {
            const r = run(arg, depth + 1);
            if (r.error) return r;
            out += r.value;
          } else out += v ?? '';
        } else if (op === '+') {
          if (!missing) {
            const r = run(arg, depth + 1);
            if (r.error) return r;
            out += r.value;
          }
        } else {
          if (missing) return { value: out, error: { kind: 'required-unset', name } };
          out += v ?? '';
        }
        i = close + 1;
        continue;
      }
      const nameEnd = readName(s, i + 1);
      if (nameEnd > i + 1) {
        const name = s.slice(i + 1, nameEnd);
        references.push(name);
        const v = lookup(name);
        if (v === undefined) unset.push(name);
        out += v ?? '';
        i = nameEnd;
        continue;
      }
      out += '$';
      i++;
    }
    return { value: out };
  };
  const r = run(input, 0);
  return { value: r.value, references, unset, ...(r.error ? { error: r.error } : {}) };
}
