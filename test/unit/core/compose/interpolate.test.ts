import fc from 'fast-check';
import { interpolate } from '../../../../electron/core/compose/interpolate';

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
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('$')), (s) => interpolate(s, lookup).value === s));
  });
});
