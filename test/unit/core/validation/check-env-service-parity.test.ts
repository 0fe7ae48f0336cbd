import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../../../electron/core/envfile';
import { crucibleCeProfile } from '../../../../electron/core/stack';
import { composeRequiredVariables } from '../../../../electron/core/compose/required-variables';
import {
  ADVICE_PREFIX,
  checkEnv,
  exitCodeFor,
  isPydanticBool,
  pydanticInt,
} from '../../../../electron/core/validation';
import type { Environment } from '../../../../electron/common/model/deployment';
import { Finding } from '../../../../electron/common/model/finding';
import { GOOD_ENV_LINES } from './good-env';

/**
 * Issue 23 without the live bed: the cases the differential test found (and the guide's explicit rules) as
 * a fixed table. The pydantic tables were measured with pydantic 2.10 / pydantic-core 2.27 in the bed's
 * Debian 13 tree (`TypeAdapter(int|bool).validate_python(s)`).
 */

const good =
  [
    ...GOOD_ENV_LINES,
    "ROUNDTABLE_ENABLE_RATE_LIMITING='true'",
    "ROUNDTABLE_LLM_RATE_LIMIT_TPM='100000'",
    "ROUNDTABLE_LLM_RATE_LIMIT_WINDOW_SECONDS='60'",
  ].join('\n') + '\n';

/** `good` with KEY's line replaced by `KEY=<raw>` (raw as written, quotes included), or appended. */
function withLine(key: string, raw: string): string {
  const re = new RegExp(`^${key}=.*$`, 'm');
  return re.test(good) ? good.replace(re, `${key}=${raw}`) : `${good}${key}=${raw}\n`;
}
function check(
  text: string,
  environment: Environment = 'production',
  composeRequired?: ReturnType<typeof composeRequiredVariables>,
) {
  return checkEnv(parseEnv(text), {
    profile: crucibleCeProfile,
    environment,
    file: '.env',
    ...(composeRequired ? { composeRequired } : {}),
  });
}
const find = (fs: Finding[], code: string, variable: string) =>
  fs.find((f) => f.code === code && f.variable === variable);

describe('check-env is never looser than Crucible', () => {
  it('the good file is clean, and every finding still matches the IPC schema', () => {
    const f = check(good);
    expect(f.filter((x) => x.severity !== 'info')).toEqual([]);
    expect(exitCodeFor(f)).toBe(0);
    for (const x of check(withLine('ROUNDTABLE_CORS_ORIGINS', "'*'"))) expect(Finding.safeParse(x).success).toBe(true);
  });

  it.each([
    ["ROUNDTABLE_CORS_ORIGINS=''", 'ROUNDTABLE_CORS_ORIGINS', 'ENV_MISSING_REQUIRED'],
    ["ROUNDTABLE_LLM_RATE_LIMIT_TPM='abc'", 'ROUNDTABLE_LLM_RATE_LIMIT_TPM', 'ENV_INVALID_VALUE'],
    ["ROUNDTABLE_ENABLE_RATE_LIMITING='maybe'", 'ROUNDTABLE_ENABLE_RATE_LIMITING', 'ENV_INVALID_VALUE'],
    ["ROUNDTABLE_ENABLE_RATE_LIMITING=''", 'ROUNDTABLE_ENABLE_RATE_LIMITING', 'ENV_INVALID_VALUE'],
    ["ROUNDTABLE_ENABLE_RATE_LIMITING=' true'", 'ROUNDTABLE_ENABLE_RATE_LIMITING', 'ENV_INVALID_VALUE'],
    ["ROUNDTABLE_LLM_RATE_LIMIT_WINDOW_SECONDS='1.5'", 'ROUNDTABLE_LLM_RATE_LIMIT_WINDOW_SECONDS', 'ENV_INVALID_VALUE'],
    ["ROUNDTABLE_LLM_RATE_LIMIT_WINDOW_SECONDS=''", 'ROUNDTABLE_LLM_RATE_LIMIT_WINDOW_SECONDS', 'ENV_INVALID_VALUE'],
    ["ROUNDTABLE_ADMIN_MAX_LOGIN_ATTEMPTS='five'", 'ROUNDTABLE_ADMIN_MAX_LOGIN_ATTEMPTS', 'ENV_INVALID_VALUE'],
    ["ROUNDTABLE_REQUIRE_AUTH='maybe'", 'ROUNDTABLE_REQUIRE_AUTH', 'ENV_INVALID_VALUE'],
    ["API_KEY_ENCRYPTION_KEY='   '", 'API_KEY_ENCRYPTION_KEY', 'ENV_MISSING_REQUIRED'],
  ])('%s is an error that blocks the start', (line, key, code) => {
    const eq = line.indexOf('=');
    const f = check(withLine(key, line.slice(eq + 1)));
    const hit = find(f, code, key);
    expect(hit?.severity).toBe('error');
    expect(hit?.blocksStart).toBe(true);
    expect(hit?.message.startsWith(ADVICE_PREFIX)).toBe(false);
    expect(exitCodeFor(f)).toBe(2);
  });

  it('typed settings the profile does not list, in any case of the name, are judged too', () => {
    const f = check(`${good}roundtable_db_pool_size=ten\nROUNDTABLE_COMMUNITY_EDITION=sure\n`);
    expect(find(f, 'ENV_INVALID_VALUE', 'roundtable_db_pool_size')?.blocksStart).toBe(true);
    expect(find(f, 'ENV_INVALID_VALUE', 'ROUNDTABLE_COMMUNITY_EDITION')?.severity).toBe('error');
  });

  it('values pydantic accepts stay accepted', () => {
    for (const [key, raw] of [
      ['ROUNDTABLE_ENABLE_RATE_LIMITING', 'TRUE'],
      ['ROUNDTABLE_ENABLE_RATE_LIMITING', 'off'],
      ['ROUNDTABLE_LLM_RATE_LIMIT_TPM', "' 100 '"],
      ['ROUNDTABLE_LLM_RATE_LIMIT_TPM', '1_000'],
      ['ROUNDTABLE_LLM_RATE_LIMIT_TPM', '100000.0'],
    ] as const) {
      expect(check(withLine(key, raw)).filter((x) => x.severity !== 'info')).toEqual([]);
    }
  });

  it('a variable the compose files require with ${VAR:?} is an error when empty, in every environment', () => {
    const required = composeRequiredVariables([
      'environment:\n  - ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:?set it}\n  - X=${OPTIONAL?unset only}\n  - Y=$${NOT_A_REFERENCE:?}\n',
    ]);
    expect(required).toEqual([
      { name: 'ROUNDTABLE_CORS_ORIGINS', emptyRefused: true },
      { name: 'OPTIONAL', emptyRefused: false },
    ]);
    const f = check(withLine('ROUNDTABLE_CORS_ORIGINS', "''"), 'development', required);
    expect(find(f, 'ENV_MISSING_REQUIRED', 'ROUNDTABLE_CORS_ORIGINS')).toMatchObject({
      severity: 'error',
      blocksStart: true,
    });
    expect(
      find(check(`${good}OPTIONAL=''\n`, 'development', required), 'ENV_MISSING_REQUIRED', 'OPTIONAL'),
    ).toBeUndefined();
    // Without a compose file that requires it, an empty CORS list in development is advice only.
    expect(
      find(
        check(withLine('ROUNDTABLE_CORS_ORIGINS', "''"), 'development'),
        'ENV_MISSING_REQUIRED',
        'ROUNDTABLE_CORS_ORIGINS',
      ),
    ).toMatchObject({ severity: 'warning', blocksStart: false });
  });
});

describe('check-env follows the security guide where it is explicit, and says it is advice', () => {
  it.each(["'*'", '\'["*"]\'', "'https://*.example.com'", "'null'", "'https://crucible.example.com,*'"])(
    'CORS %s is an error in every environment',
    (raw) => {
      for (const env of ['production', 'staging', 'development'] as const) {
        const hit = find(
          check(withLine('ROUNDTABLE_CORS_ORIGINS', raw), env),
          'ENV_INSECURE_ORIGIN',
          'ROUNDTABLE_CORS_ORIGINS',
        );
        expect(hit?.severity).toBe('error');
        expect(hit?.blocksStart).toBe(false);
        expect(hit?.message.startsWith(ADVICE_PREFIX)).toBe(true);
      }
    },
  );

  it.each([
    ['ROUNDTABLE_JWT_SECRET', 'x'.repeat(32)],
    ['ROUNDTABLE_JWT_SECRET', 'changeme-changeme-changeme-changeme'],
    ['ROUNDTABLE_JWT_REFRESH_SECRET', 'your-secret-here-your-secret-here-1'],
    ['API_KEY_ENCRYPTION_KEY', 'abcdefghijklmnopqrstuvwxyz012345'],
    ['REDIS_PASSWORD', 'my-super-secret-redis-password-2024'],
    ['POSTGRES_PASSWORD', 'passwordpasswordpassword1'],
  ])('%s with a low-entropy value of any length: error in production, warning elsewhere', (key, value) => {
    const prod = find(check(withLine(key, `'${value}'`)), 'ENV_LOW_ENTROPY', key);
    expect(prod).toMatchObject({ severity: 'error', blocksStart: false });
    expect(prod?.message.startsWith(ADVICE_PREFIX)).toBe(true);
    expect(JSON.stringify(prod)).not.toContain(value);
    expect(find(check(withLine(key, `'${value}'`), 'development'), 'ENV_LOW_ENTROPY', key)?.severity).toBe('warning');
  });

  it('a plain-text login password "changeme…" is low entropy; a bcrypt hash is never judged', () => {
    expect(
      find(
        check(withLine('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', "'changeme123'")),
        'ENV_LOW_ENTROPY',
        'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
      )?.severity,
    ).toBe('error');
    expect(find(check(good), 'ENV_LOW_ENTROPY', 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toBeUndefined();
  });

  it('a zero rate limit is advice: Crucible starts with it', () => {
    const hit = find(
      check(withLine('ROUNDTABLE_LLM_RATE_LIMIT_TPM', "'0'")),
      'ENV_LIMIT_NOT_POSITIVE',
      'ROUNDTABLE_LLM_RATE_LIMIT_TPM',
    );
    expect(hit).toMatchObject({ severity: 'warning', blocksStart: false });
    expect(hit?.message.startsWith(ADVICE_PREFIX)).toBe(true);
  });
});

describe("pydantic v2's string parsing, as measured", () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['Y', true],
    ['on', true],
    ['0', true],
    ['off', true],
    [' true', false],
    ['true ', false],
    ['maybe', false],
    ['', false],
    ['tru', false],
    ['True\r', false],
    [' 1 ', false],
    ['１', false],
  ])('bool %j → %s', (s, ok) => expect(isPydanticBool(s)).toBe(ok));

  it.each([
    ['100000', 100000n],
    [' 100 ', 100n],
    ['+5', 5n],
    ['-5', -5n],
    ['1_000', 1000n],
    ['1.0', 1n],
    ['1.00', 1n],
    ['+1_0.0', 10n],
    ['007', 7n],
    ['\u00a05', 5n],
    ['\u20035', 5n],
    ['\x0b5', 5n],
    ['1\r', 1n],
    ['\n7\n', 7n],
    ['99999999999999999999999', 99999999999999999999999n],
    ['1__0', null],
    ['_1', null],
    ['1_', null],
    ['1.5', null],
    ['1.', null],
    ['.0', null],
    ['1e3', null],
    ['0x10', null],
    ['abc', null],
    ['', null],
    ['١٢', null],
    ['1 000', null],
    ['- 5', null],
    ['+-1', null],
    ['\x1c5', null],
    ['1_0.0_0', null],
  ])('int %j → %s', (s, n) => expect(pydanticInt(s)).toBe(n));
});
