import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../electron/common/errors';
import {
  checkHsts,
  checkTuning,
  hstsHeaderValue,
  parseDomain,
  parsePublicUrl,
  parseUpstream,
  resolveAddress,
} from '../../../../electron/core/proxy/validate';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

describe('parseDomain', () => {
  it('normalises case, a trailing dot and an IDN name to punycode', () => {
    expect(parseDomain('Crucible.Example.COM.')).toBe('crucible.example.com');
    expect(parseDomain('bücher.example.net')).toBe('xn--bcher-kva.example.net');
  });

  it.each([
    ['crucible example.com', 'PROXY_BAD_DOMAIN'],
    [' crucible.example.com', 'PROXY_BAD_DOMAIN'],
    ['crucible.example.com\n', 'PROXY_BAD_DOMAIN'],
    ['https://crucible.example.com', 'PROXY_DOMAIN_HAS_SCHEME'],
    ['http://crucible.example.com', 'PROXY_DOMAIN_HAS_SCHEME'],
    ['crucible.example.com:443', 'PROXY_BAD_DOMAIN'],
    ['crucible.example.com/app', 'PROXY_BAD_DOMAIN'],
    ['*.example.com', 'PROXY_BAD_DOMAIN'],
    ['localhost', 'PROXY_BAD_DOMAIN'],
    ['203.0.113.7', 'PROXY_BAD_DOMAIN'],
    ['-bad.example.com', 'PROXY_BAD_DOMAIN'],
    ['a..example.com', 'PROXY_BAD_DOMAIN'],
    ['crucible.example.com;include', 'PROXY_BAD_DOMAIN'],
    ['evil.com{', 'PROXY_BAD_DOMAIN'],
    ['', 'PROXY_BAD_DOMAIN'],
    [`${'a'.repeat(64)}.example.com`, 'PROXY_BAD_DOMAIN'],
  ])('refuses %j with %s', (raw, code) => {
    expect(codeOf(() => parseDomain(raw))).toBe(code);
  });

  it('says to drop the scheme', () => {
    expect(() => parseDomain('https://crucible.example.com')).toThrow(/without https:\/\//);
  });
});

describe('parsePublicUrl', () => {
  it('accepts https with or without a port and gives the exact origin', () => {
    expect(parsePublicUrl('https://crucible.example.com', 'production')).toEqual({
      domain: 'crucible.example.com',
      httpsPort: 443,
      origin: 'https://crucible.example.com',
    });
    expect(parsePublicUrl('https://crucible.example.com/', 'production').origin).toBe('https://crucible.example.com');
    expect(parsePublicUrl('https://crucible.example.com:8443', 'staging').origin).toBe(
      'https://crucible.example.com:8443',
    );
  });

  it('refuses an http URL in production with a message naming https', () => {
    expect(codeOf(() => parsePublicUrl('http://crucible.example.com', 'production'))).toBe('PROXY_HTTP_IN_PRODUCTION');
    expect(() => parsePublicUrl('http://crucible.example.com', 'production')).toThrow(
      /https:\/\/crucible\.example\.com/,
    );
  });

  it('refuses http elsewhere too, since the front door serves HTTPS', () => {
    expect(codeOf(() => parsePublicUrl('http://crucible.example.com', 'development'))).toBe('PROXY_HTTP_URL');
  });

  it.each([
    'crucible.example.com',
    'https://crucible.example.com/app',
    'https://u:p@crucible.example.com',
    'https://crucible.example.com?x=1',
    'ftp://crucible.example.com',
    'https://cru cible.example.com',
  ])('refuses %j', (raw) => {
    expect(codeOf(() => parsePublicUrl(raw, 'production'))).toBe('PROXY_BAD_URL');
  });

  it('needs exactly one of domain and URL', () => {
    expect(codeOf(() => resolveAddress({}, 'production'))).toBe('PROXY_ADDRESS_MISSING');
    expect(
      codeOf(() => resolveAddress({ domain: 'a.example.com', publicUrl: 'https://a.example.com' }, 'production')),
    ).toBe('PROXY_ADDRESS_MISSING');
  });
});

describe('HSTS and limits', () => {
  it('builds the header from the choices, preload only when asked', () => {
    expect(hstsHeaderValue({ maxAgeSeconds: 31536000, includeSubDomains: false, preload: false })).toBe(
      'max-age=31536000',
    );
    expect(hstsHeaderValue({ maxAgeSeconds: 63072000, includeSubDomains: true, preload: true })).toBe(
      'max-age=63072000; includeSubDomains; preload',
    );
  });

  it('refuses a max-age under one year', () => {
    expect(codeOf(() => checkHsts({ maxAgeSeconds: 31535999, includeSubDomains: false, preload: false }))).toBe(
      'PROXY_HSTS_TOO_SHORT',
    );
  });

  it('refuses preload without includeSubDomains', () => {
    expect(codeOf(() => checkHsts({ maxAgeSeconds: 31536000, includeSubDomains: false, preload: true }))).toBe(
      'PROXY_HSTS_PRELOAD_NEEDS_SUBDOMAINS',
    );
  });

  it('refuses limits out of range', () => {
    expect(codeOf(() => checkTuning({ loginPerMinute: 0, loginBurst: 5, maxBodyMb: 25 }))).toBe('PROXY_BAD_TUNING');
    expect(codeOf(() => checkTuning({ loginPerMinute: 5, loginBurst: 5, maxBodyMb: 5000 }))).toBe('PROXY_BAD_TUNING');
  });

  it('parses upstreams and refuses anything that is not host:port', () => {
    expect(parseUpstream('127.0.0.1:8000')).toEqual({ host: '127.0.0.1', port: 8000 });
    expect(parseUpstream('[::1]:3000')).toEqual({ host: '[::1]', port: 3000 });
    expect(codeOf(() => parseUpstream('127.0.0.1:8000; evil'))).toBe('PROXY_BAD_UPSTREAM');
    expect(codeOf(() => parseUpstream('127.0.0.1:99999'))).toBe('PROXY_BAD_PORT');
  });
});
