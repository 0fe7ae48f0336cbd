import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envValues, parseEnv, serializeEnv, unsafeValueReason } from '../../../electron/core/envfile';
import { parsePythonDotenv } from '../../../electron/core/envfile/python-dotenv';
import { pythonDotenvValues } from '../../helpers/python-peers';

/**
 * The writer's promise (env-quoting.md §4): every value it accepts reads back exactly through our compose
 * parser AND through Debian's python-dotenv (run as a subprocess, many values per call).
 */

// Values biased towards the characters that break parsers, plus arbitrary Unicode.
const tricky = fc.constantFrom(
  '$',
  '{',
  '}',
  '#',
  ' ',
  '\t',
  '"',
  '`',
  '=',
  ':',
  '$$',
  '$USER',
  '$1',
  'export ',
  '\u2028',
  '\u0085',
  '\ufeff',
  '\u00a0',
  'é',
  '€',
  '😀',
  '%',
  '@',
  '/',
  '[',
  ']',
  '\x7f',
);
const valueArb = fc
  .array(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ maxLength: 6 })), { maxLength: 8 })
  .map((parts) => parts.join(''))
  .filter((v) => unsafeValueReason(v) === null);

function fileOf(values: readonly string[]): string {
  return serializeEnv([{ comments: ['property test'], entries: values.map((v, i) => [`K${i}`, v] as const) }]);
}

/** Writes the values as K0, K1, … and reads every one back, unchanged, with both readers. */
function expectRoundTrip(values: readonly string[]): void {
  const text = fileOf(values);
  const ours = envValues(parseEnv(text));
  const [py] = pythonDotenvValues([text]);
  values.forEach((v, i) => {
    expect(ours.get(`K${i}`)).toBe(v);
    expect(py?.[`K${i}`]).toBe(v);
  });
}

describe('writer round trip through our parser and python-dotenv', { timeout: 120_000 }, () => {
  it('a large batch of sampled values (one python call)', () => {
    expectRoundTrip(fc.sample(valueArb, { numRuns: 3000, seed: 20261130 }));
  });

  it('property (fast-check, shrinking): files of up to 30 accepted values', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 1, maxLength: 30 }), (values) => {
        expectRoundTrip(values);
      }),
      { numRuns: 15 },
    );
  });
});

describe('our python-dotenv emulation matches the real python-dotenv', () => {
  const fixtures = readdirSync(new URL('../../fixtures/env/', import.meta.url))
    .filter((n) => n.endsWith('.env') && !n.includes('latin1') && !n.includes('binary'))
    .map((n) => readFileSync(new URL(`../../fixtures/env/${n}`, import.meta.url), 'utf8'));
  const BCRYPT = '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW';
  const handMade = [
    `H=${BCRYPT}\nS='${BCRYPT}'\nD="${BCRYPT}"\n`,
    'X=1\nA=\'${X}\'\nB="${X:-d}"\nC=${Y:-def}\nD=${X}\n',
    'A=x\t#y\nB=x #y\nC=x#y\nexport D=1\n  E = 2  \nF\nG=\n',
    'A=\'it\\\'s\'\nB="say\\"hi"\nC="a\\\\b\\n"\nD=\'a\\\\b\'\n',
    'K: v\nL=ok\n"Q"=1\nM=after\n',
    "'SQK'=v\nA=\"multi\nline\"\nB='multi\r\nline'\r\n",
    "A=abc\\\nB='abc\\'\nC=3\n",
  ];
  it('on the fixtures and hand-made edge cases (one python call)', () => {
    const texts = [...fixtures, ...handMade];
    const real = pythonDotenvValues(texts);
    texts.forEach((t, i) => {
      const emulated = Object.fromEntries(parsePythonDotenv(t).values);
      expect(emulated, `text #${i}`).toEqual(real[i]);
    });
  });

  it('property: random line soup reads the same (one python call per batch)', () => {
    const piece = fc.constantFrom(
      'A',
      'B',
      'export ',
      '=',
      ' ',
      '\t',
      '#',
      "'",
      '"',
      '\\',
      '$',
      '{',
      '}',
      ':',
      '\n',
      '\r\n',
      'x',
      '${A}',
      '${B:-d}',
      'é',
    );
    const soup = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
    const texts = fc.sample(soup, { numRuns: 1500, seed: 42 });
    const real = pythonDotenvValues(texts);
    texts.forEach((t, i) => {
      expect(Object.fromEntries(parsePythonDotenv(t).values), JSON.stringify(t)).toEqual(real[i]);
    });
  });
});
