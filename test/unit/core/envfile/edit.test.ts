import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyEnvChanges,
  envValues,
  formatEnvLine,
  parseEnv,
  serializeEnv,
  unsafeValueReason,
} from '../../../../electron/core/envfile';

const odd = readFileSync(new URL('../../../fixtures/env/odd-quoting.env', import.meta.url), 'utf8');

function withoutLine(text: string, lineNo: number): string {
  const lines = text.split('\n');
  lines.splice(lineNo - 1, 1);
  return lines.join('\n');
}

describe('applyEnvChanges keeps every byte it does not manage', () => {
  it('the odd-quoting fixture survives an edit byte for byte except the managed line', () => {
    const before = parseEnv(odd);
    const entry = before.entries.find((e) => e.key === 'ROUNDTABLE_JWT_SECRET')!;
    const { text } = applyEnvChanges(odd, [
      { op: 'set', key: 'ROUNDTABLE_JWT_SECRET', value: 'N3w-Value_0123456789abcdefghijklmnopqrstuv' },
    ]);
    expect(withoutLine(text, entry.line)).toBe(withoutLine(odd, entry.line));
    expect(text.split('\n')[entry.line - 1]).toBe(
      "ROUNDTABLE_JWT_SECRET='N3w-Value_0123456789abcdefghijklmnopqrstuv' # managed line",
    );
    // every other value still reads the same
    const after = envValues(parseEnv(text));
    for (const [k, v] of envValues(before)) if (k !== 'ROUNDTABLE_JWT_SECRET') expect(after.get(k)).toBe(v);
  });

  it('keeps the export prefix and indentation and rewrites a multi-line value as one line', () => {
    const { text } = applyEnvChanges(odd, [
      { op: 'set', key: 'POSTGRES_USER', value: 'abcdefghijkl' },
      { op: 'set', key: 'MULTI', value: 'one line' },
    ]);
    expect(text).toContain("export POSTGRES_USER='abcdefghijkl'\n");
    expect(text).toContain("MULTI='one line'\n\tTABBED=");
  });

  it('appends a new key after a file without a final newline', () => {
    const { text, added } = applyEnvChanges(odd, [{ op: 'set', key: 'NEW_KEY', value: '$2b$12$abc' }]);
    expect(added).toEqual(['NEW_KEY']);
    expect(text).toBe(`${odd}\nNEW_KEY='$2b$12$abc'\n`);
  });

  it('unset removes the whole line, comments elsewhere untouched', () => {
    const { text, removed } = applyEnvChanges(odd, [{ op: 'unset', key: 'HASHY' }]);
    expect(removed).toEqual(['HASHY']);
    expect(text).toBe(odd.replace('HASHY=a#b\n', ''));
  });

  it('rewrites every duplicate so whichever one a reader keeps is right', () => {
    const { text } = applyEnvChanges('A=1\n# x\nA=2\n', [{ op: 'set', key: 'A', value: 'z' }]);
    expect(text).toBe("A='z'\n# x\nA='z'\n");
  });

  it('keeps CRLF line endings and a BOM, and appends with CRLF', () => {
    const src = '\ufeffA=1\r\nB=2\r\n';
    const { text } = applyEnvChanges(src, [
      { op: 'set', key: 'B', value: 'x' },
      { op: 'set', key: 'C', value: 'y' },
    ]);
    expect(text).toBe("\ufeffA=1\r\nB='x'\r\nC='y'\r\n");
  });

  it('turns a compose-only "KEY: value" line into KEY=\'value\'', () => {
    expect(applyEnvChanges('K: v\n', [{ op: 'set', key: 'K', value: 'w' }]).text).toBe("K='w'\n");
  });
});

describe('refuses what cannot be written safely, naming the character and nothing else', () => {
  const canary = 'CANARY-edit-5e1d';
  const cases: Array<[string, RegExp]> = [
    [`${canary}'x`, /single quote \('\)/],
    [`${canary}\\x`, /backslash \(\\\)/],
    [`${canary}\${X}`, /"\$\{"/],
    [`${canary}\rx`, /carriage return \(CR\)/],
    [`${canary}\nx`, /newline \(LF\)/],
    [`${canary}\0x`, /NUL/],
    [`${canary}\x1bx`, /control character \(U\+001B\)/],
    [`${canary}\ud800x`, /lone surrogate/],
  ];
  for (const [value, re] of cases) {
    it(re.source, () => {
      let err: unknown;
      try {
        applyEnvChanges('A=1\n', [{ op: 'set', key: 'A', value }]);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'ENV_UNSAFE_VALUE' });
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain(canary);
    });
  }
  it('refuses an invalid key', () => {
    expect(() => formatEnvLine('1BAD', 'x')).toThrow(expect.objectContaining({ code: 'ENV_INVALID_KEY' }));
    expect(() => formatEnvLine('A-B', 'x')).toThrow(expect.objectContaining({ code: 'ENV_INVALID_KEY' }));
  });
  it('refuses to edit a file compose cannot read, naming the line, and changes nothing', () => {
    expect(() => applyEnvChanges("A=1\nB='open\n", [{ op: 'set', key: 'A', value: 'x' }])).toThrow(/Line 2/);
  });
  it('validates every change before applying any', () => {
    expect(() =>
      applyEnvChanges('A=1\n', [
        { op: 'set', key: 'A', value: 'ok' },
        { op: 'set', key: 'B', value: "bad'" },
      ]),
    ).toThrow(expect.objectContaining({ code: 'ENV_UNSAFE_VALUE' }));
  });
  it('refuses the same key twice in one edit', () => {
    expect(() =>
      applyEnvChanges('', [
        { op: 'set', key: 'A', value: '1' },
        { op: 'unset', key: 'A' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'ENV_CONFLICTING_CHANGES' }));
  });
});

describe('serializeEnv', () => {
  it('writes comments and single-quoted values that read back', () => {
    const text = serializeEnv([
      {
        comments: ['Secrets', ''],
        entries: [
          ['A', '$2b$12$x'],
          ['B', 'p@ss word #1'],
        ],
      },
    ]);
    expect(text).toBe("# Secrets\n#\nA='$2b$12$x'\nB='p@ss word #1'\n");
    expect(Object.fromEntries(envValues(parseEnv(text)))).toEqual({ A: '$2b$12$x', B: 'p@ss word #1' });
  });
});

describe('property: an edit changes only the managed statement', () => {
  const safeValue = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((v) => unsafeValueReason(v) === null);
  const otherLine = fc.oneof(
    fc.constantFrom(
      '# a comment',
      '',
      '   ',
      'export OTHER=1',
      'X="dq \\"esc\\""',
      "Y='sq # not comment'",
      'Z=unquoted # comment',
      '\tW=tab',
    ),
    fc.tuple(fc.constantFrom('U', 'V', 'Q'), fc.stringMatching(/^[A-Za-z0-9_-]{0,12}$/)).map(([k, v]) => `${k}=${v}`),
  );
  it('holds for random surrounding lines and values', () => {
    fc.assert(
      fc.property(
        fc.array(otherLine, { maxLength: 8 }),
        fc.array(otherLine, { maxLength: 8 }),
        safeValue,
        safeValue,
        (pre, post, oldV, newV) => {
          const lines = [...pre, formatEnvLine('MANAGED', oldV), ...post];
          const text = lines.join('\n') + '\n';
          const out = applyEnvChanges(text, [{ op: 'set', key: 'MANAGED', value: newV }]).text;
          const outLines = out.split('\n');
          expect(outLines[pre.length]).toBe(formatEnvLine('MANAGED', newV));
          outLines.splice(pre.length, 1);
          const inLines = text.split('\n');
          inLines.splice(pre.length, 1);
          expect(outLines).toEqual(inLines);
          expect(envValues(parseEnv(out)).get('MANAGED')).toBe(newV);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('many changes in one edit (a restore of a thousand secrets)', () => {
  it('sets, replaces duplicates and unsets 1,000 keys in one pass, keeping every other byte', () => {
    const n = 1000;
    const lines: string[] = ['# header comment', 'KEEP_ME=untouched # trailing'];
    for (let i = 0; i < n; i++) lines.push(`S_${String(i)}=old${String(i)}`);
    lines.push('S_7=duplicate-of-seven', 'export GONE_1=x', 'GONE_2=y  # note', '# footer');
    const text = lines.join('\r\n') + '\r\n';
    const changes = [
      ...Array.from({ length: n }, (_, i) => ({
        op: 'set' as const,
        key: `S_${String(i)}`,
        value: `new-${String(i)}-value`,
      })),
      ...Array.from({ length: 200 }, (_, i) => ({
        op: 'set' as const,
        key: `ADDED_${String(i)}`,
        value: `added-${String(i)}`,
      })),
      { op: 'unset' as const, key: 'GONE_1' },
      { op: 'unset' as const, key: 'GONE_2' },
    ];
    const r = applyEnvChanges(text, changes);
    const values = envValues(parseEnv(r.text));
    for (let i = 0; i < n; i++) expect(values.get(`S_${String(i)}`)).toBe(`new-${String(i)}-value`);
    for (let i = 0; i < 200; i++) expect(values.get(`ADDED_${String(i)}`)).toBe(`added-${String(i)}`);
    expect(values.has('GONE_1') || values.has('GONE_2')).toBe(false);
    expect(r.text.startsWith('# header comment\r\nKEEP_ME=untouched # trailing\r\n')).toBe(true);
    expect(r.text).toContain("S_7='new-7-value'\r\n# footer\r\n");
    expect(r.text.match(/S_7=/g)?.length).toBe(2); // both statements rewritten, neither dropped
    expect(r.updated).toHaveLength(n);
    expect(r.added).toHaveLength(200);
    expect(r.removed).toEqual(['GONE_1', 'GONE_2']);
  });
});
