import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envValues, fatalProblems, parseEnv, parseEnvStrict } from '../../../../electron/core/envfile';
import { decodeEnvBytes } from '../../../../electron/core/envfile/read';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/env/${name}`, import.meta.url));
const USER_ALICE = (n: string) => (n === 'USER' ? 'alice' : undefined);
const BCRYPT = '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW';

type Style = 'unquoted' | 'single' | 'double' | 'double-escaped';
function encode(value: string, style: Style): string {
  switch (style) {
    case 'unquoted':
      return value;
    case 'single':
      return `'${value}'`;
    case 'double':
      return `"${value}"`;
    case 'double-escaped':
      return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n')}"`;
  }
}

/**
 * env-quoting.md §3, compose column: for each value and style, true when compose gives the value back exactly
 * (upper-case C), false when it changes it or fails (lower-case c). Lookup USER=alice as in the measurement.
 */
const MATRIX: Array<[string, string, [boolean, boolean, boolean, boolean]]> = [
  ['abc$USER', 'abc$USER', [false, true, false, true]],
  ['ab$1cd', 'ab$1cd', [true, true, true, true]],
  ['x${USER}y', 'x${USER}y', [false, true, false, true]],
  ['x${oops', 'x${oops', [false, true, false, true]],
  ['a$$b', 'a$$b', [false, true, false, true]],
  ['bcrypt', BCRYPT, [false, true, false, true]],
  ['p@ss word', 'p@ss word', [true, true, true, true]],
  ['has#hash', 'has#hash', [true, true, true, true]],
  ['has #hash', 'has #hash', [false, true, true, true]],
  ["it's", "it's", [true, false, true, true]],
  ['say"hi', 'say"hi', [true, true, false, true]],
  ['a\\b', 'a\\b', [true, true, false, true]],
  ['a\\\\b', 'a\\\\b', [true, true, false, true]],
  ['abc\\ (trailing backslash)', 'abc\\', [true, false, false, true]],
  ['newline inside', 'line1\nline2', [false, true, true, true]],
  ['leading/trailing spaces', '  padded  ', [false, true, true, true]],
  ['`cmd`', '`cmd`', [true, true, true, true]],
  ['pässwörd€', 'pässwörd€', [true, true, true, true]],
  ['[A-Za-z0-9_-] only', 'Ab9_-xYz0', [true, true, true, true]],
];
const STYLES: Style[] = ['unquoted', 'single', 'double', 'double-escaped'];

describe('parseEnv: env-quoting.md §3 golden matrix (compose column)', () => {
  for (const [label, value, expected] of MATRIX) {
    STYLES.forEach((style, i) => {
      const exact = expected[i];
      it(`${label} ${style}: ${exact ? 'read back exactly' : 'changed or refused'}`, () => {
        const doc = parseEnv(`K=${encode(value, style)}\nNEXT=1\n`, { lookup: USER_ALICE });
        const got = envValues(doc).get('K');
        const ok = fatalProblems(doc).length === 0 && got === value;
        expect(ok).toBe(exact);
      });
    });
  }

  it('compose substitutes $USER from the lookup (abc$USER → abcalice)', () => {
    expect(envValues(parseEnv('K=abc$USER\n', { lookup: USER_ALICE })).get('K')).toBe('abcalice');
  });
  it('compose drops the $R9h part of an unquoted bcrypt hash and warns that it is unset', () => {
    const doc = parseEnv(`H=${BCRYPT}\n`);
    expect(envValues(doc).get('H')).toBe('$2b$12/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW');
    expect(doc.problems.map((p) => p.code)).toContain('ENV_UNSET_REFERENCE');
  });
  it('x${oops is an Invalid template error with the line number', () => {
    const doc = parseEnv('A=1\nK=x${oops\n');
    expect(fatalProblems(doc)).toEqual([expect.objectContaining({ code: 'ENV_INVALID_TEMPLATE', line: 2 })]);
  });
  it('$$ is a literal $ and a $ before a digit is kept', () => {
    expect(envValues(parseEnv('K=a$$b\nL=ab$1cd\n')).get('K')).toBe('a$b');
    expect(envValues(parseEnv('L=ab$1cd\n')).get('L')).toBe('ab$1cd');
  });
  it('supports ${NAME:-default}, ${NAME-default}, ${NAME:+alt} and earlier entries as lookups', () => {
    const v = envValues(parseEnv('A=1\nE=\nB=${A:-x}${Z:-d}${E-e}${A:+y}${Z+n}\n'));
    expect(v.get('B')).toBe('1dy');
  });
  it('${NAME:?err} with NAME unset is fatal', () => {
    expect(fatalProblems(parseEnv('B=${Z:?need it}\n'))[0]?.code).toBe('ENV_REQUIRED_VARIABLE_UNSET');
  });
  it('${NAME:?err} names NAME only when it is a key of the file, and counts every unset $ reference', () => {
    expect(fatalProblems(parseEnv('Y=\nB=${Y:?need it}\n'))[0]?.message).toContain('requires Y');
    expect(fatalProblems(parseEnv('B=${Kq9f:?need it}\n'))[0]?.message).toContain('requires a variable');
    const unset = parseEnv('K=a$Xq$Xq\n').problems.find((p) => p.code === 'ENV_UNSET_REFERENCE');
    expect(unset?.message).toContain('2 "$" references');
    expect(unset?.message).not.toContain('Xq');
  });
  it('a ${ nested past the limit is an invalid template that says so', () => {
    const deep = `K=${'${A:-'.repeat(40)}x${'}'.repeat(40)}\n`;
    expect(fatalProblems(parseEnv(deep))).toEqual([
      expect.objectContaining({
        code: 'ENV_INVALID_TEMPLATE',
        message: expect.stringContaining('levels deep') as string,
      }),
    ]);
  });
  it('double quotes decode \\n \\t \\\\ \\" \\$ and octal \\0101', () => {
    expect(envValues(parseEnv('K="a\\nb\\tc\\\\d\\"e\\$f\\0101"\n')).get('K')).toBe('a\nb\tc\\d"e$fA');
  });
  it("single quotes keep backslashes except \\'", () => {
    expect(envValues(parseEnv("K='a\\\\b\\'c'\n")).get('K')).toBe("a\\\\b'c");
  });
  it('reads export prefixes, "KEY: value", spaces around = and trailing comments', () => {
    const doc = parseEnv('export A=1\nB: two\n  C =  three  # note\nD=x\t#y\n');
    expect(Object.fromEntries(envValues(doc))).toEqual({ A: '1', B: 'two', C: 'three', D: 'x\t#y' });
    expect(doc.entries[0]?.exported).toBe(true);
    expect(doc.problems.map((p) => p.code)).toContain('ENV_COMPOSE_ONLY_SYNTAX');
  });
  it('keeps multi-line quoted values and numbers lines after them correctly', () => {
    const doc = parseEnv('A="x\ny"\nB=2\n');
    expect(envValues(doc).get('A')).toBe('x\ny');
    expect(doc.entries[1]).toMatchObject({ key: 'B', line: 3 });
    expect(doc.entries[0]).toMatchObject({ line: 1, endLine: 2 });
  });
});

describe('parseEnv: where python-dotenv reads differently', () => {
  it('reports an unquoted bcrypt hash (python keeps it, compose eats $R9h)', () => {
    const doc = parseEnv(`H=${BCRYPT}\n`);
    expect(doc.entries[0]?.pythonValue).toBe(BCRYPT);
    expect(doc.problems).toContainEqual(expect.objectContaining({ code: 'ENV_PYTHON_DIFFERS', key: 'H', line: 1 }));
  });
  it("reports '${X}' (python interpolates inside single quotes)", () => {
    const doc = parseEnv("X=1\nK='${X}'\n");
    expect(envValues(doc).get('K')).toBe('${X}');
    expect(doc.entries[1]?.pythonValue).toBe('1');
  });
  it('reports tab-# comments (python cuts, compose keeps)', () => {
    const doc = parseEnv('K=x\t#y\n');
    expect(doc.entries[0]?.pythonValue).toBe('x');
    expect(doc.problems.map((p) => p.code)).toContain('ENV_PYTHON_DIFFERS');
  });
  it('reports "KEY: value" as unreadable for python', () => {
    expect(parseEnv('K: v\n').problems.map((p) => p.code)).toEqual(
      expect.arrayContaining(['ENV_PYTHON_DIFFERS', 'ENV_PYTHON_PARSE_ERROR']),
    );
  });
  it('is silent for a clean single-quoted file', () => {
    expect(parseEnv(`A='abc'\nH='${BCRYPT}'\n# c\n`).problems).toEqual([]);
  });
});

describe('parseEnv: bad input gives problems with line numbers, never a crash', () => {
  it('unterminated quote → fatal ENV_UNTERMINATED_QUOTE at line 2, the rest still read', () => {
    const doc = decodeEnvBytes(fixture('broken-unterminated-quote.env'));
    expect(fatalProblems(doc)[0]).toMatchObject({
      code: 'ENV_UNTERMINATED_QUOTE',
      line: 2,
      key: 'ROUNDTABLE_JWT_SECRET',
    });
    expect(envValues(doc).get('REDIS_PASSWORD')).toBe('x');
    expect(() => parseEnvStrict(doc.text)).toThrow(/Line 2/);
  });
  it('invalid key → fatal ENV_INVALID_KEY naming the line', () => {
    const doc = decodeEnvBytes(fixture('broken-invalid-key.env'));
    expect(fatalProblems(doc)[0]).toMatchObject({ code: 'ENV_INVALID_KEY', line: 2 });
  });
  it('an unexpected character in a key is named', () => {
    expect(fatalProblems(parseEnv('A=1\nB$=2\n'))[0]?.message).toMatch(/Line 2: unexpected character "\$"/);
  });
  it('binary data (NUL) → ENV_BINARY with its line', () => {
    const doc = decodeEnvBytes(fixture('broken-binary.env'));
    expect(fatalProblems(doc).map((p) => [p.code, p.line])).toContainEqual(['ENV_BINARY', 2]);
  });
  it('invalid UTF-8 → ENV_NOT_UTF8 with its line', () => {
    const doc = decodeEnvBytes(fixture('broken-latin1.env'));
    expect(fatalProblems(doc)[0]).toMatchObject({ code: 'ENV_NOT_UTF8', line: 2 });
  });
  it('BOM: compose reads the first key, python does not; reported', () => {
    const doc = decodeEnvBytes(fixture('broken-bom.env'));
    expect(doc.bom).toBe(true);
    expect(envValues(doc).get('ROUNDTABLE_JWT_SECRET')).toBe('abcdefghijklmnopqrstuvwxyz0123456789');
    expect(doc.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['ENV_BOM', 'ENV_PYTHON_DIFFERS']));
    expect(fatalProblems(doc)).toEqual([]);
  });
  it('CRLF: values read without \\r; the CR inside a quoted value differs from python', () => {
    const doc = decodeEnvBytes(fixture('broken-crlf.env'));
    expect(doc.eol).toBe('crlf');
    expect(envValues(doc).get('REDIS_PASSWORD')).toBe('abc');
    expect(envValues(doc).get('MULTI')).toBe('a\r\nb');
    expect(doc.entries.find((e) => e.key === 'MULTI')?.pythonValue).toBe('a\nb');
  });
  it('a 10 MB file → ENV_TOO_LARGE, no entries (refused before parsing)', () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 'A=1\n');
    const doc = decodeEnvBytes(big);
    expect(doc.entries).toEqual([]);
    expect(fatalProblems(doc)[0]?.code).toBe('ENV_TOO_LARGE');
  });
  it('a garbage file lists at most ~200 problems', () => {
    const doc = parseEnv('bad key\n'.repeat(5000));
    expect(doc.problems.length).toBeLessThanOrEqual(201);
  });
  it('problem messages never contain the value', () => {
    const canary = 'CANARY-parse-7f3a9b';
    const doc = parseEnv(`A="${canary}\nB=x ${canary}\tz\nC='${canary}\n`);
    for (const p of doc.problems) expect(p.message).not.toContain(canary);
  });
});
