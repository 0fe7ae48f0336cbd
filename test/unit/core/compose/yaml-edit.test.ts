import {
  bindPortToLoopback,
  replaceEnvironmentValue,
  shortPortWithHostIp,
  unifiedDiff,
} from '../../../../electron/core/compose/yaml-edit';

const FILE = `# top comment
services:
  db:
    image: postgres:15-alpine
    ports:
      - "5432:5432"   # keep this comment
      - 5433
      - '[::]:5434:5432'
      - target: 5432
        published: 5435 # long
      - { target: 5432, published: 5436 }
      - target: 5432
        host_ip: 0.0.0.0
      - 6060:6060/udp
  api:
    environment:
      - ROUNDTABLE_CORS_ORIGINS=http://localhost:3000 # hard-coded
      - OTHER=1
  web:
    environment:
      ROUNDTABLE_CORS_ORIGINS: "http://localhost:3000"
      EMPTY:
`;

function lineOf(text: string, n: number): string {
  return text.split('\n')[n] ?? '';
}

describe('comment-preserving compose edits', () => {
  it.each([
    ['5432:5432', '127.0.0.1:5432:5432'],
    ['5432', '127.0.0.1::5432'],
    ['0.0.0.0:5432:5432', '127.0.0.1:5432:5432'],
    ['[::]:5432:5432', '127.0.0.1:5432:5432'],
    ['::1:5432:5432', '127.0.0.1:5432:5432'],
    ['6060:6060/udp', '127.0.0.1:6060:6060/udp'],
    ['[::1]:80:80/tcp', '127.0.0.1:80:80/tcp'],
    ['${HOST:-0.0.0.0}:8000:8000', '127.0.0.1:8000:8000'],
  ])('short %s → %s', (from, to) => {
    expect(shortPortWithHostIp(from, '127.0.0.1')).toBe(to);
  });

  it('refuses to rewrite an entry with an unterminated [IPv6] address', () => {
    expect(() => bindPortToLoopback('services:\n  db:\n    ports:\n      - "[::1:5432:5432"\n', 'db', 0)).toThrow(
      expect.objectContaining({ code: 'COMPOSE_EDIT_FAILED' }) as Error,
    );
  });

  it('binds a quoted short entry and keeps its comment and every other line', () => {
    const out = bindPortToLoopback(FILE, 'db', 0);
    expect(lineOf(out, 5)).toBe('      - "127.0.0.1:5432:5432"   # keep this comment');
    const a = FILE.split('\n');
    const b = out.split('\n');
    expect(b.length).toBe(a.length);
    expect(b.filter((l, i) => l !== a[i])).toHaveLength(1);
  });

  it('binds a bare number, a single-quoted IPv6 entry and a udp entry', () => {
    expect(lineOf(bindPortToLoopback(FILE, 'db', 1), 6)).toBe('      - "127.0.0.1::5433"');
    expect(lineOf(bindPortToLoopback(FILE, 'db', 2), 7)).toBe("      - '127.0.0.1:5434:5432'");
    expect(lineOf(bindPortToLoopback(FILE, 'db', 6), 13)).toBe('      - "127.0.0.1:6060:6060/udp"');
  });

  it('adds host_ip to a block long-syntax entry under its keys', () => {
    const out = bindPortToLoopback(FILE, 'db', 3);
    expect(out.split('\n').slice(8, 11)).toEqual([
      '      - target: 5432',
      '        published: 5435 # long',
      '        host_ip: "127.0.0.1"',
    ]);
  });

  it('adds host_ip to a flow mapping and replaces an existing host_ip', () => {
    expect(lineOf(bindPortToLoopback(FILE, 'db', 4), 10)).toBe(
      '      - { target: 5432, published: 5436, host_ip: "127.0.0.1" }',
    );
    expect(lineOf(bindPortToLoopback(FILE, 'db', 5), 12)).toBe('        host_ip: "127.0.0.1"');
  });

  it('refuses a service or entry that does not exist', () => {
    expect(() => bindPortToLoopback(FILE, 'nope', 0)).toThrow(
      expect.objectContaining({ code: 'COMPOSE_EDIT_NOT_FOUND' }),
    );
    expect(() => bindPortToLoopback(FILE, 'db', 42)).toThrow(
      expect.objectContaining({ code: 'COMPOSE_EDIT_NOT_FOUND' }),
    );
  });

  it('replaces a list environment value and keeps the trailing comment', () => {
    const out = replaceEnvironmentValue(
      FILE,
      'api',
      'ROUNDTABLE_CORS_ORIGINS',
      '${ROUNDTABLE_CORS_ORIGINS:-http://localhost:3000}',
    );
    expect(lineOf(out, 16)).toBe(
      '      - ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:-http://localhost:3000} # hard-coded',
    );
  });

  it('replaces a map value keeping its quotes, and fills an empty one', () => {
    expect(lineOf(replaceEnvironmentValue(FILE, 'web', 'ROUNDTABLE_CORS_ORIGINS', '${X}'), 20)).toBe(
      '      ROUNDTABLE_CORS_ORIGINS: "${X}"',
    );
    expect(lineOf(replaceEnvironmentValue(FILE, 'web', 'EMPTY', 'a: b'), 21)).toBe('      EMPTY: "a: b"');
  });

  it('quotes a value that would not read back as plain YAML', () => {
    const out = replaceEnvironmentValue(
      'services:\n  a:\n    environment:\n      K: v\n',
      'a',
      'K',
      'x # not a comment',
    );
    expect(out).toBe('services:\n  a:\n    environment:\n      K: "x # not a comment"\n');
  });

  it('refuses to edit invalid YAML', () => {
    expect(() => bindPortToLoopback('services:\n  a:\n   b: [\n', 'a', 0)).toThrow(
      expect.objectContaining({ code: 'COMPOSE_YAML_INVALID' }),
    );
  });

  it('produces a unified diff for the preview', () => {
    const d = unifiedDiff('docker-compose.yml', FILE, bindPortToLoopback(FILE, 'db', 0));
    expect(d).toContain('--- a/docker-compose.yml');
    expect(d).toContain('-      - "5432:5432"   # keep this comment');
    expect(d).toContain('+      - "127.0.0.1:5432:5432"   # keep this comment');
  });
});
