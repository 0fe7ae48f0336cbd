import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../../../electron/core/envfile';
import { decodeEnvBytes } from '../../../../electron/core/envfile/read';
import { crucibleCeProfile } from '../../../../electron/core/stack';
import { checkEnv, environmentOf, exitCodeFor, parseCorsOrigins } from '../../../../electron/core/validation';
import { TITLES } from '../../../../electron/core/validation/check-env';
import type { Environment } from '../../../../electron/common/model/deployment';
import { Finding } from '../../../../electron/common/model/finding';
import { GOOD_ENV_LINES, HASH } from './good-env';

const stock = readFileSync(new URL('../../../fixtures/env/crucible-stock.env', import.meta.url), 'utf8');

function check(text: string, environment: Environment = 'production') {
  return checkEnv(parseEnv(text), { profile: crucibleCeProfile, environment, file: '.env' });
}
const codes = (fs: Finding[]) => fs.map((f) => `${f.code}:${f.variable ?? ''}:${f.severity}`);

/** A clean production .env built from the stock one. */
const good = GOOD_ENV_LINES.join('\n') + '\n';
const replace = (key: string, line: string) => good.replace(new RegExp(`^${key}=.*$`, 'm'), line);

describe('checkEnv', () => {
  it('a clean production .env has no warnings or errors', () => {
    const f = check(good);
    expect(f.filter((x) => x.severity !== 'info')).toEqual([]);
    expect(exitCodeFor(f)).toBe(0);
  });

  it('every finding is a valid Finding', () => {
    for (const f of check(stock)) expect(Finding.safeParse(f).success).toBe(true);
  });

  it("the project's own stock .env: plain-text password (error in production, warning in development)", () => {
    expect(codes(check(stock, 'production'))).toContain(
      'ENV_PLAINTEXT_PASSWORD:ROUNDTABLE_COMMUNITY_AUTH_PASSWORD:error',
    );
    expect(codes(check(stock, 'development'))).toContain(
      'ENV_PLAINTEXT_PASSWORD:ROUNDTABLE_COMMUNITY_AUTH_PASSWORD:warning',
    );
    expect(exitCodeFor(check(stock, 'development'))).toBe(1);
    expect(exitCodeFor(check(stock, 'production'))).toBe(2);
  });

  it('missing required keys', () => {
    const f = check(
      good.replace(/^REDIS_PASSWORD=.*\n/m, '').replace(/^ROUNDTABLE_JWT_SECRET=.*$/m, "ROUNDTABLE_JWT_SECRET=''"),
    );
    expect(codes(f)).toEqual(
      expect.arrayContaining([
        'ENV_MISSING_REQUIRED:REDIS_PASSWORD:error',
        'ENV_MISSING_REQUIRED:ROUNDTABLE_JWT_SECRET:error',
      ]),
    );
  });

  it('weak and default values; "admin" in every environment', () => {
    expect(codes(check(replace('ROUNDTABLE_JWT_SECRET', 'ROUNDTABLE_JWT_SECRET=Change-Me-In-Production')))).toContain(
      'ENV_WEAK_VALUE:ROUNDTABLE_JWT_SECRET:error',
    );
    expect(
      codes(check(replace('API_KEY_ENCRYPTION_KEY', "API_KEY_ENCRYPTION_KEY='default-dev-key-32-bytes-long!!'"))),
    ).toContain('ENV_DEFAULT_VALUE:API_KEY_ENCRYPTION_KEY:error');
    for (const env of ['production', 'staging', 'development'] as const) {
      expect(
        codes(check(replace('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD=admin'), env)),
      ).toContain('ENV_ADMIN_PASSWORD:ROUNDTABLE_COMMUNITY_AUTH_PASSWORD:error');
    }
    // exact and case-sensitive, like config.py: "Admin" is not refused by that rule (but is weak)
    const f = codes(check(replace('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD=Admin')));
    expect(f).not.toContain('ENV_ADMIN_PASSWORD:ROUNDTABLE_COMMUNITY_AUTH_PASSWORD:error');
    expect(f).toContain('ENV_WEAK_VALUE:ROUNDTABLE_COMMUNITY_AUTH_PASSWORD:error');
  });

  it('JWT shorter than 32: error in production, warning in development', () => {
    const t = replace('ROUNDTABLE_JWT_SECRET', 'ROUNDTABLE_JWT_SECRET=short-but-not-weak-31-chars-xyz');
    expect(codes(check(t, 'production'))).toContain('ENV_TOO_SHORT:ROUNDTABLE_JWT_SECRET:error');
    expect(codes(check(t, 'development'))).toContain('ENV_TOO_SHORT:ROUNDTABLE_JWT_SECRET:warning');
  });

  it('an unquoted bcrypt hash: compose eats part of it (error) and python reads it differently', () => {
    const f = codes(check(replace('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', `ROUNDTABLE_COMMUNITY_AUTH_PASSWORD=${HASH}`)));
    expect(f).toContain('ENV_UNSET_REFERENCE:ROUNDTABLE_COMMUNITY_AUTH_PASSWORD:error');
    expect(f).toContain('ENV_PLAINTEXT_PASSWORD:ROUNDTABLE_COMMUNITY_AUTH_PASSWORD:error'); // compose's mangled value is not 60 chars
    expect(f).toContain('ENV_PYTHON_DIFFERS:ROUNDTABLE_COMMUNITY_AUTH_PASSWORD:warning');
  });

  it('one value reused by two variables', () => {
    const t = replace('REDIS_PASSWORD', "REDIS_PASSWORD='Zx9Cv8Bn7Mq6Wr5Et4Yu3Io2Pa1Sd0Fg'");
    const f = check(t).find((x) => x.code === 'ENV_VALUE_REUSED');
    expect(f).toMatchObject({ severity: 'error', title: 'POSTGRES_PASSWORD and REDIS_PASSWORD share one value' });
  });

  it('localhost or http origins and URLs in production', () => {
    const t = `${replace('ROUNDTABLE_FRONTEND_URL', "ROUNDTABLE_FRONTEND_URL='http://localhost:3000'")}ROUNDTABLE_CORS_ORIGINS=http://localhost:3000,https://app.example.com\n`;
    const f = codes(check(t));
    expect(f).toContain('ENV_INSECURE_URL:ROUNDTABLE_FRONTEND_URL:error');
    expect(f).toContain('ENV_INSECURE_ORIGIN:ROUNDTABLE_CORS_ORIGINS:error');
    expect(codes(check(`${good}ROUNDTABLE_CORS_ORIGINS=http://localhost:3000\n`))).toContain(
      'ENV_INSECURE_ORIGIN:ROUNDTABLE_CORS_ORIGINS:error',
    );
    expect(
      codes(check(`${good}ROUNDTABLE_CORS_ORIGINS=https://a.example.com\n`)).filter((c) =>
        c.startsWith('ENV_INSECURE'),
      ),
    ).toEqual([]);
    expect(codes(check(t, 'development')).filter((c) => c.startsWith('ENV_INSECURE'))).toEqual([]);
  });

  it('parses CORS like config.py', () => {
    expect(parseCorsOrigins('')).toEqual(['http://localhost:3000']);
    expect(parseCorsOrigins('["http://a", "b"]')).toEqual(['http://a', 'b']);
    expect(parseCorsOrigins('[a.com, "http://b.com"]')).toEqual(['https://a.com', 'http://b.com']);
  });

  it('duplicated, unknown and legacy keys', () => {
    const f = check(
      `${good}ROUNDTABLE_JWT_SECRET=Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz0Xc2Vb4Nm6Qw8Er0Ty2Ui4Op6As8Df0Gh2J\nMY_TOOL=1\nROUNDTABLE_ADMIN_PASSWORD_HASH=abc\n`,
    );
    expect(codes(f)).toEqual(
      expect.arrayContaining([
        'ENV_DUPLICATE_KEY:ROUNDTABLE_JWT_SECRET:warning',
        'ENV_UNKNOWN_KEY:MY_TOOL:info',
        'ENV_NO_EFFECT:ROUNDTABLE_ADMIN_PASSWORD_HASH:info',
      ]),
    );
    expect(f.find((x) => x.code === 'ENV_DUPLICATE_KEY')?.evidence).toBe('lines 3, 11');
  });

  it('production with ROUNDTABLE_ENVIRONMENT missing or not exactly "production"', () => {
    expect(codes(check(good.replace(/^ROUNDTABLE_ENVIRONMENT=.*\n/m, '')))).toContain(
      'ENV_MODE_MISMATCH:ROUNDTABLE_ENVIRONMENT:warning',
    );
    expect(codes(check(replace('ROUNDTABLE_ENVIRONMENT', 'ROUNDTABLE_ENVIRONMENT=Production')))).toContain(
      'ENV_MODE_MISMATCH:ROUNDTABLE_ENVIRONMENT:warning',
    );
  });

  it('environmentOf reads ROUNDTABLE_ENVIRONMENT', () => {
    expect(environmentOf(parseEnv(good))).toBe('production');
    expect(environmentOf(parseEnv(stock))).toBe('development');
  });

  it('broken files become error findings with line numbers', () => {
    const fx = (n: string) => decodeEnvBytes(readFileSync(new URL(`../../../fixtures/env/${n}`, import.meta.url)));
    const run = (n: string) =>
      checkEnv(fx(n), { profile: crucibleCeProfile, environment: 'development', file: '.env' });
    expect(run('broken-unterminated-quote.env')).toContainEqual(
      expect.objectContaining({ code: 'ENV_UNTERMINATED_QUOTE', severity: 'error', line: 2 }),
    );
    expect(run('broken-invalid-key.env')).toContainEqual(expect.objectContaining({ code: 'ENV_INVALID_KEY', line: 2 }));
    expect(run('broken-binary.env')).toContainEqual(expect.objectContaining({ code: 'ENV_BINARY', line: 2 }));
    expect(run('broken-latin1.env')).toContainEqual(expect.objectContaining({ code: 'ENV_NOT_UTF8', line: 2 }));
    expect(run('broken-bom.env')).toContainEqual(expect.objectContaining({ code: 'ENV_BOM', severity: 'warning' }));
    expect(run('broken-crlf.env')).toContainEqual(expect.objectContaining({ code: 'ENV_CRLF', severity: 'info' }));
  });

  it('never puts a value in a finding (canaries in every variable)', () => {
    const canary = (i: number) => `CANARY${i}x7Qz`;
    const names = crucibleCeProfile.variables.map((v) => v.name);
    const lines = names.map((n, i) => `${n}=${canary(i)}${i % 3 === 0 ? '$HOME' : ''}`);
    lines.push(
      `DUP=${canary(900)}`,
      `DUP=${canary(901)}`,
      `REUSE_A=${canary(902)}`,
      `POSTGRES_PASSWORD=${canary(1)}`,
      `BROKEN='${canary(903)}`,
    );
    for (const env of ['production', 'staging', 'development'] as const) {
      const json = JSON.stringify(check(lines.join('\n'), env));
      expect(json).not.toMatch(/CANARY/);
    }
  });
});

describe('finding titles are words', () => {
  it('every rule of the profile has a title of its own (no code shown as a title)', () => {
    const codes = new Set(crucibleCeProfile.variables.flatMap((v) => v.rules.map((r) => r.code)));
    expect(codes.size).toBeGreaterThan(5);
    expect([...codes].filter((c) => TITLES[c] === undefined)).toEqual([]);
  });
});
