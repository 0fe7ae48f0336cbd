import { describe, expect, it } from 'vitest';
import { checkAddress, isLoopbackHost, parseOrigin } from '../../../../electron/core/setup/address-rules';

describe('public address rules', () => {
  it.each([
    ['localhost', true],
    ['app.localhost', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['[::1]', true],
    ['0.0.0.0', true],
    ['crucible.example.org', false],
    ['10.0.0.5', false],
  ])('isLoopbackHost(%s) is %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it('accepts a public https origin in production and normalises it', () => {
    const v = checkAddress(
      { frontendUrl: 'HTTPS://Crucible.Example.org', corsOrigins: ['https://crucible.example.org'] },
      'production',
    );
    expect(v).toMatchObject({
      ok: true,
      frontendUrl: 'https://crucible.example.org',
      corsOrigins: ['https://crucible.example.org'],
      issues: [],
    });
  });

  it.each([
    ['http://crucible.example.org', 'https://'],
    ['https://localhost:3000', 'points at this machine'],
    ['https://127.0.0.1', 'points at this machine'],
  ])('refuses %s in production', (url, message) => {
    const v = checkAddress({ frontendUrl: url, corsOrigins: [url] }, 'production');
    expect(v.ok).toBe(false);
    expect(v.issues.map((i) => i.message).join(' ')).toContain(message);
  });

  it('refuses a wildcard in every environment', () => {
    for (const env of ['production', 'staging', 'development'] as const) {
      const v = checkAddress({ frontendUrl: 'https://a.example.org', corsOrigins: ['*'] }, env);
      expect(v.ok).toBe(false);
      expect(v.issues[0]?.message).toContain('wildcard');
    }
    expect(
      checkAddress({ frontendUrl: 'https://*.example.org', corsOrigins: ['https://a.example.org'] }, 'development').ok,
    ).toBe(false);
  });

  it('only warns about http and localhost in staging, and accepts them in development', () => {
    const s = checkAddress({ frontendUrl: 'http://localhost:3000', corsOrigins: ['http://localhost:3000'] }, 'staging');
    expect(s.ok).toBe(true);
    expect(s.issues.every((i) => i.severity === 'warning')).toBe(true);
    expect(
      checkAddress({ frontendUrl: 'http://localhost:3000', corsOrigins: ['http://localhost:3000'] }, 'development'),
    ).toMatchObject({ ok: true, issues: [] });
  });

  it('refuses paths, queries, credentials and list separators in an origin', () => {
    for (const bad of [
      'https://a.example.org/app',
      'https://a.example.org?x=1',
      'https://u:p@a.example.org',
      'https://a.example.org,https://b.example.org',
      'ftp://a.example.org',
      'a.example.org',
    ]) {
      expect('problem' in parseOrigin(bad), bad).toBe(true);
    }
  });

  it('requires at least one origin and warns when the public address is not among them', () => {
    expect(checkAddress({ frontendUrl: 'https://a.example.org', corsOrigins: [' '] }, 'production').ok).toBe(false);
    const v = checkAddress(
      { frontendUrl: 'https://a.example.org', corsOrigins: ['https://b.example.org'] },
      'production',
    );
    expect(v.ok).toBe(true);
    expect(v.issues).toEqual([expect.objectContaining({ severity: 'warning', field: 'corsOrigins' })]);
  });
});
