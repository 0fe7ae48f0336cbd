import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownAddress, publicDomainFrom } from '../../../../electron/core/proxy/known-address';

const env = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('the public domain a deployment already names (HTTPS page prefill)', () => {
  it('takes the frontend URL’s host first', () => {
    expect(
      publicDomainFrom(
        env({
          ROUNDTABLE_FRONTEND_URL: 'https://crucible.example.com/app',
          ROUNDTABLE_CORS_ORIGINS: 'https://other.example.org',
        }),
      ),
    ).toEqual({ domain: 'crucible.example.com', from: 'ROUNDTABLE_FRONTEND_URL' });
  });

  it('falls back to the first CORS origin that is not a loopback address', () => {
    expect(
      publicDomainFrom(
        env({
          ROUNDTABLE_FRONTEND_URL: 'http://localhost:3000',
          ROUNDTABLE_CORS_ORIGINS: 'http://localhost:3000, http://127.0.0.1:3000,https://crucible.example.com',
        }),
      ),
    ).toEqual({ domain: 'crucible.example.com', from: 'ROUNDTABLE_CORS_ORIGINS' });
  });

  it('knows nothing from the stock local values, garbage, or nothing at all', () => {
    const none = { domain: null, from: null };
    expect(
      publicDomainFrom(
        env({ ROUNDTABLE_FRONTEND_URL: 'http://localhost:3000', ROUNDTABLE_CORS_ORIGINS: 'http://[::1]:3000' }),
      ),
    ).toEqual(none);
    expect(publicDomainFrom(env({ ROUNDTABLE_FRONTEND_URL: 'not a url', ROUNDTABLE_CORS_ORIGINS: '' }))).toEqual(none);
    expect(publicDomainFrom(env({}))).toEqual(none);
  });

  it('reads the folder’s .env as compose does, and never returns a secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'known-address-'));
    writeFileSync(
      join(dir, '.env'),
      'POSTGRES_PASSWORD=\'CANARY-pg-secret\'\n# old\nROUNDTABLE_FRONTEND_URL=https://old.example.com\nROUNDTABLE_FRONTEND_URL="https://crucible.example.com"\n',
      { mode: 0o600 },
    );
    const k = await knownAddress(dir);
    expect(k).toEqual({ domain: 'crucible.example.com', from: 'ROUNDTABLE_FRONTEND_URL' });
    expect(JSON.stringify(k)).not.toContain('CANARY');
  });

  it('offers the host of a URL holding credentials, never the user or password', () => {
    const k = publicDomainFrom(env({ ROUNDTABLE_FRONTEND_URL: 'https://admin:CANARY-pw-77@crucible.example.com/' }));
    expect(k).toEqual({ domain: 'crucible.example.com', from: 'ROUNDTABLE_FRONTEND_URL' });
    expect(JSON.stringify(k)).not.toContain('CANARY');
  });

  it('offers only hosts of http(s) URLs: other schemes carry opaque text, not a host name', () => {
    for (const v of ['foo://CANARY-opaque-1', 'file:///etc/passwd', 'javascript:alert(1)', 'mailto:a@b.example'])
      expect(publicDomainFrom(env({ ROUNDTABLE_FRONTEND_URL: v, ROUNDTABLE_CORS_ORIGINS: v }))).toEqual({
        domain: null,
        from: null,
      });
  });

  it('refuses a host longer than DNS allows, and URLs with control characters', () => {
    const long = `https://${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example.com`;
    expect(publicDomainFrom(env({ ROUNDTABLE_FRONTEND_URL: long }))).toEqual({ domain: null, from: null });
    expect(publicDomainFrom(env({ ROUNDTABLE_FRONTEND_URL: 'https://cru\u0001cible.example.com' }))).toEqual({
      domain: null,
      from: null,
    });
  });

  it('never offers a value built by ${…} substitution, which could carry a secret into the host name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'known-address-'));
    writeFileSync(
      join(dir, '.env'),
      [
        'SECRET_KEY=CANARYsubst0123456789',
        'ROUNDTABLE_FRONTEND_URL=https://${SECRET_KEY}.example.com',
        'ROUNDTABLE_CORS_ORIGINS="https://${SECRET_KEY}.example.org,https://crucible.example.net"',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const k = await knownAddress(dir);
    expect(k).toEqual({ domain: null, from: null });
    expect(JSON.stringify(k).toLowerCase()).not.toContain('canary');
  });

  it('a folder without .env knows nothing (not an error)', async () => {
    expect(await knownAddress(mkdtempSync(join(tmpdir(), 'known-address-')))).toEqual({ domain: null, from: null });
  });
});
