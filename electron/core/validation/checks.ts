import { isBcryptHash } from '../hashing/bcrypt';
import { weakSecretReason } from '../secrets/weak-secret';
import type { Check } from '../stack/profile';

/**
 * The value checks a stack profile's rules name (profile.ts `Check`), each written to match the service's
 * own parsing where the service has one: pydantic v2's bool and int parsing of strings (measured against
 * pydantic 2.10 / pydantic-core 2.27, the versions Crucible's Settings() runs on in the live test bed) and
 * `config.py::parse_cors_origins`. Evidence strings name shapes and lengths, never values.
 */

/** pydantic-core's `str → bool`: these strings, any case, and nothing else (no surrounding spaces). */
const PYDANTIC_BOOL = new Set(['0', 'off', 'f', 'false', 'n', 'no', '1', 'on', 't', 'true', 'y', 'yes']);

/** Rust's `str::trim` (Unicode White_Space), which pydantic-core applies before parsing an int. */
const RUST_WS = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/** pydantic-core's `str → int`: a sign, ASCII digits with single `_` between them, an optional `.000` tail. */
const PYDANTIC_INT = new RegExp(`^${RUST_WS}*([+-]?\\d(?:_?\\d)*)(?:\\.0+)?${RUST_WS}*$`);

/** True when pydantic v2 parses `value` as a bool. */
export function isPydanticBool(value: string): boolean {
  return PYDANTIC_BOOL.has(value.toLowerCase());
}

/** The integer pydantic v2 parses `value` as, or null when it refuses (`int_parsing`). */
export function pydanticInt(value: string): bigint | null {
  const m = PYDANTIC_INT.exec(value);
  return m?.[1] !== undefined ? BigInt(m[1].replace(/_/g, '')) : null;
}

const LOOPBACK = /^(localhost|.*\.localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i;

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/** Python's `str()` of a JSON value, for the items `parse_cors_origins` keeps (falsy ones are dropped). */
function pyStr(x: unknown): string | null {
  if (x === null || x === false || x === 0 || x === '' || (Array.isArray(x) && x.length === 0)) return null;
  if (typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 0) return null;
  if (typeof x === 'string') return x;
  if (x === true) return 'True';
  return JSON.stringify(x);
}

/** Python's `s.strip(chars)`: every leading and trailing character in `chars`. */
function stripChars(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s.charAt(a))) a++;
  while (b > a && chars.includes(s.charAt(b - 1))) b--;
  return s.slice(a, b);
}

/** `config.py::parse_cors_origins` (facts §9.2), including its localhost default for blank input. */
export function parseCorsOrigins(raw: string): string[] {
  const s = raw.trim();
  if (s === '') return ['http://localhost:3000'];
  try {
    const parsed: unknown = JSON.parse(s);
    if (Array.isArray(parsed))
      return parsed
        .map(pyStr)
        .filter((x): x is string => x !== null)
        .map((x) => x.trim());
  } catch {
    /* not JSON: fall through */
  }
  const inner = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1).trim() : s;
  const withScheme = (o: string) => (o.startsWith('http://') || o.startsWith('https://') ? o : `https://${o}`);
  const one = (o: string) => stripChars(stripChars(o.trim(), '"'), "'");
  if (inner.includes(',')) {
    const list = inner
      .split(',')
      .map(one)
      .filter((o) => o !== '')
      .map(withScheme);
    return list.length > 0 ? list : ['http://localhost:3000'];
  }
  const single = one(inner);
  return single !== '' ? [withScheme(single)] : ['http://localhost:3000'];
}

/** A `*` anywhere, or the `null` origin (which `parse_cors_origins` turns into `https://null`). */
function isWildcardOrNull(origin: string): boolean {
  return origin.includes('*') || /^(https?:\/\/)?null\/?$/i.test(origin.trim());
}

/** True when `value` fails `check`. Only called with a present value (required: possibly empty). */
export function fails(check: Check, value: string): { failed: boolean; evidence?: string } {
  switch (check.type) {
    case 'required':
      return { failed: check.blankIsMissing ? value.trim() === '' : value === '' };
    case 'minLength': {
      const n = Array.from(value).length; // Python's len() counts code points
      return { failed: n < check.min, evidence: `length ${n}, at least ${check.min} required` };
    }
    case 'denyList':
      return {
        failed: check.values.includes(check.caseInsensitive ? value.toLowerCase() : value),
        evidence: "matches the service's list of weak/default values",
      };
    case 'notEqual':
      return {
        failed: check.caseSensitive ? value === check.value : value.toLowerCase() === check.value.toLowerCase(),
      };
    case 'bcryptHash':
      return { failed: !isBcryptHash(value), evidence: 'not a 60-character $2a$/$2b$/$2y$ hash' };
    case 'plainMaxBytes': {
      const bytes = Buffer.byteLength(value, 'utf8');
      return { failed: !isBcryptHash(value) && bytes > check.max, evidence: `${bytes} bytes` };
    }
    case 'charset': {
      const bad = new RegExp(`[^${check.charClass}]`, 'u').test(value);
      return { failed: bad, evidence: `allowed: ${check.description}` };
    }
    case 'url': {
      if (check.serviceLocalhostPrefix && value.startsWith('http://localhost'))
        return { failed: true, evidence: 'starts with http://localhost' };
      if (check.httpsOnly && !value.startsWith('https://')) return { failed: true, evidence: 'not https://' };
      if (check.noLoopback) {
        const host = hostOf(value);
        if (host === null || LOOPBACK.test(host))
          return { failed: true, evidence: host === null ? 'not a URL' : 'loopback host' };
      }
      return { failed: false };
    }
    case 'urlHttpNonLocal':
      return {
        failed: value.startsWith('http://') && !value.startsWith('http://localhost'),
        evidence: 'http:// to a non-localhost host',
      };
    case 'origins': {
      const list = parseCorsOrigins(value);
      if (check.noWildcard) {
        const wild = list.filter(isWildcardOrNull).length;
        if (wild > 0) return { failed: true, evidence: `${wild} of ${list.length} origins are a wildcard or null` };
      }
      if (check.notEmpty && list.length === 0) return { failed: true, evidence: 'no origins' };
      if (
        check.notExactly &&
        list.length === check.notExactly.length &&
        list.every((o, i) => o === check.notExactly?.[i])
      )
        return { failed: true, evidence: `exactly ${JSON.stringify(check.notExactly)}` };
      const insecure = list.filter(
        (o) =>
          (check.httpsOnly && !o.startsWith('https://')) ||
          (check.noLoopback && LOOPBACK.test(hostOf(o) ?? 'localhost')),
      );
      return {
        failed: insecure.length > 0,
        evidence: `${insecure.length} of ${list.length} origins are http:// or loopback`,
      };
    }
    case 'oneOf':
      return {
        failed: !(check.caseSensitive ? check.values.includes(value) : check.values.includes(value.toLowerCase())),
      };
    case 'boolean':
      return { failed: !isPydanticBool(value), evidence: 'not a boolean pydantic accepts' };
    case 'integer': {
      const n = pydanticInt(value);
      // Bounds are advice on a parseable number; an unparseable one is the unbounded rule's finding.
      if (check.min !== undefined || check.max !== undefined) {
        return {
          failed:
            n !== null &&
            ((check.min !== undefined && n < BigInt(check.min)) || (check.max !== undefined && n > BigInt(check.max))),
          evidence: 'out of range',
        };
      }
      return { failed: n === null, evidence: 'not an integer pydantic accepts' };
    }
    case 'lowEntropy': {
      // A bcrypt hash is the login password's safe form; its strength cannot be judged from the hash.
      const reason = isBcryptHash(value) ? null : weakSecretReason(value);
      return { failed: reason !== null, evidence: reason ?? undefined };
    }
    case 'noEffect':
      return { failed: true };
    case 'discouraged':
      return { failed: value !== '' };
  }
}
