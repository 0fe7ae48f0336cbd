import fc from 'fast-check';
import {
  interpolate,
  isLiteralValue,
  MAX_INTERPOLATION_DEPTH,
  referencedVariables,
  scanTemplate,
} from '../../../../electron/core/compose/interpolate';

const env: Record<string, string> = { A: 'alpha', EMPTY: '', B: 'beta' };
const lookup = (n: string) => env[n];

describe('compose interpolation', () => {
  it.each([
    ['$A and ${B}', 'alpha and beta'],
    ['$$A', '$A'],
    ['$$$A', '$alpha'],
    ['${MISSING:-dflt}', 'dflt'],
    ['${EMPTY:-dflt}', 'dflt'],
    ['${EMPTY-dflt}', ''],
    ['${MISSING-dflt}', 'dflt'],
    ['${A:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${MISSING:-${B}}', 'beta'],
    ['$1 and $ and a$', '$1 and $ and a$'],
    ['$2b$12$abc', '$2b$12'],
  ])('%s → %s', (input, out) => {
    expect(interpolate(input, lookup).value).toBe(out);
  });

  it('records unset and required variables', () => {
    const r = interpolate('${X} ${Y:?must be set} $A', lookup);
    expect(r.unset).toEqual(['X']);
    expect(r.required).toEqual(['Y']);
    expect(r.referenced).toEqual(['X', 'Y', 'A']);
  });

  it('refuses an unterminated ${ with a message that names no value', () => {
    expect(() => interpolate('x ${A', lookup)).toThrow(/never closed/);
  });

  it('does not interpolate substituted values again', () => {
    expect(interpolate('${P}', (n) => (n === 'P' ? '$A${B}' : undefined)).value).toBe('$A${B}');
  });

  it('text without $ comes back unchanged (property)', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('$')),
        (s) => interpolate(s, lookup).value === s,
      ),
    );
  });
});

// The scanning form is what the `.env` reader uses (envfile/compose-parser.ts): it never throws and says why compose
// would refuse the value, and counts every `$` reference (the .env messages say "2 "$" references").
describe('compose interpolation, scanning form', () => {
  it('counts repeated references and repeated unset references, in order', () => {
    const r = scanTemplate('$X$A${X}${B:-$X}$A', lookup);
    expect(r.value).toBe('alphabetaalpha'); // B is set: its default (and the $X in it) is not read
    expect(r.occurrences).toEqual(['X', 'A', 'X', 'B', 'A']);
    expect(r.unsetOccurrences).toEqual(['X', 'X']);
    expect(r.referenced).toEqual(['X', 'A', 'B']);
    expect(r.unset).toEqual(['X']);
    expect(r.error).toBeUndefined();
  });

  it.each([
    ['x ${A', false],
    ['${1A}', false],
    ['${A x}', false],
    ['${A:x}', false],
    ['${}', false],
    [`${'${A:-'.repeat(MAX_INTERPOLATION_DEPTH + 2)}x${'}'.repeat(MAX_INTERPOLATION_DEPTH + 2)}`, true],
  ])('%s is an invalid template (too deep: %s), never an exception', (input, tooDeep) => {
    const r = scanTemplate(input, () => undefined);
    expect(r.error).toMatchObject({ kind: 'invalid-template', tooDeep });
    expect(r.value).toBe(input);
    expect(() => interpolate(input, () => undefined)).toThrow(
      expect.objectContaining({ code: 'COMPOSE_BAD_INTERPOLATION' }) as Error,
    );
    expect(referencedVariables(input)).toEqual([]);
  });

  it('nesting up to the limit is read', () => {
    const depth = MAX_INTERPOLATION_DEPTH;
    const r = scanTemplate(`${'${A:-'.repeat(depth)}x${'}'.repeat(depth)}`, () => undefined);
    expect(r.value).toBe('x');
    expect(r.error).toBeUndefined();
  });

  it('a missing required variable is an error naming the first one; the scan lists them all', () => {
    const r = scanTemplate('${Y:?need} ${EMPTY?ok} ${Z:?need} $A', lookup);
    expect(r.error).toEqual({ kind: 'required-unset', name: 'Y' });
    expect(r.required).toEqual(['Y', 'Z']);
    expect(r.value).toBe('   alpha');
    expect(interpolate('${Y:?need} $A', lookup).value).toBe(' alpha');
  });

  it('an invalid template wins over a required variable, and interpolate still refuses it', () => {
    expect(scanTemplate('${Y:?need} ${', lookup).error).toMatchObject({ kind: 'invalid-template' });
    expect(() => interpolate('${Y:?need} ${', lookup)).toThrow(/never closed/);
  });

  it('names a variable in an error only when it has a value', () => {
    expect(scanTemplate('${A!x}', lookup).error).toMatchObject({
      message: expect.stringContaining('A uses') as string,
    });
    expect(scanTemplate('${Kq9f!x}', lookup).error).toMatchObject({
      message: expect.stringContaining('a variable uses') as string,
    });
  });

  it('never throws on any string (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('$', '{', '}', ':', '-', '?', '+', 'A', 'B', 'X', '1', ' ') }),
        (s) => typeof scanTemplate(s, lookup).value === 'string',
      ),
    );
  });
});

describe('literal values', () => {
  it.each([
    ['http://localhost:3000', true],
    ['a$$b and $$A', true],
    ['$1 costs $', true],
    ['${A}', false],
    ['x$A', false],
    ['$$$A', false],
    ['${A:-http://x}', false],
    ['${', false],
  ])('%s: %s', (value, literal) => {
    expect(isLiteralValue(value)).toBe(literal);
  });
});
