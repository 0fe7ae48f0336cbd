import { describe, expect, it } from 'vitest';
import {
  CRUCIBLE_WEAK_VALUES,
  StackProfile,
  crucibleCeProfile,
  findVariable,
  newEnvVariables,
  rulesFor,
} from '../../../../electron/core/stack';

const SEVEN = [
  'API_KEY_ENCRYPTION_KEY',
  'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
  'ROUNDTABLE_JWT_SECRET',
  'ROUNDTABLE_JWT_REFRESH_SECRET',
  'POSTGRES_USER',
  'POSTGRES_PASSWORD',
  'REDIS_PASSWORD',
];

describe('the Crucible CE profile', () => {
  it('is valid against the zod schema, which neither drops nor changes anything in it', () => {
    // Not parsed at load (the CLI's check-env starts without zod, issue 20): this is where it is validated.
    expect(StackProfile.safeParse(crucibleCeProfile).error).toBeUndefined();
    expect(StackProfile.parse(crucibleCeProfile)).toStrictEqual(crucibleCeProfile);
  });

  it('the schema refuses a profile naming one variable twice', () => {
    const twice = { ...crucibleCeProfile, variables: [...crucibleCeProfile.variables, crucibleCeProfile.variables[0]] };
    expect(StackProfile.safeParse(twice).success).toBe(false);
  });

  it('covers facts §2: the seven secrets, provider keys, rate limiting, mode, URL, CORS and the legacy admin variables', () => {
    const names = crucibleCeProfile.variables.map((v) => v.name);
    expect(names).toEqual(
      expect.arrayContaining([
        ...SEVEN,
        'ROUNDTABLE_OPENROUTER_API_KEY',
        'ROUNDTABLE_EDEN_AI_API_KEY',
        'ROUNDTABLE_ENABLE_RATE_LIMITING',
        'ROUNDTABLE_LLM_RATE_LIMIT_TPM',
        'ROUNDTABLE_LLM_RATE_LIMIT_WINDOW_SECONDS',
        'ROUNDTABLE_ENVIRONMENT',
        'ROUNDTABLE_FRONTEND_URL',
        'ROUNDTABLE_CORS_ORIGINS',
        'ROUNDTABLE_ADMIN_PASSWORD_HASH',
        'ROUNDTABLE_ADMIN_SESSION_SECRET',
        'ROUNDTABLE_ADMIN_ALLOWED_IPS',
      ]),
    );
    for (const n of [
      'ROUNDTABLE_ADMIN_PASSWORD_HASH',
      'ROUNDTABLE_ADMIN_SESSION_SECRET',
      'ROUNDTABLE_ADMIN_ALLOWED_IPS',
    ]) {
      const v = findVariable(crucibleCeProfile, n)!;
      expect(v.effect).toBe('no-effect');
      expect(v.rules.map((r) => r.code)).toContain('ENV_NO_EFFECT');
    }
  });

  it('generates each secret at least as strongly as the service (lengths from facts §2.1)', () => {
    const len = (n: string) => {
      const g = findVariable(crucibleCeProfile, n)!.generator;
      return g.type === 'random'
        ? [g.alphabet, g.length]
        : g.type === 'bcrypt-login-password'
          ? [g.alphabet, g.passwordLength, g.cost]
          : null;
    };
    expect(len('API_KEY_ENCRYPTION_KEY')).toEqual(['urlsafe', 43]);
    expect(len('ROUNDTABLE_JWT_SECRET')).toEqual(['urlsafe', 64]);
    expect(len('ROUNDTABLE_JWT_REFRESH_SECRET')).toEqual(['urlsafe', 64]);
    expect(len('POSTGRES_USER')).toEqual(['lower-alnum', 12]);
    expect(len('POSTGRES_PASSWORD')).toEqual(['urlsafe', 32]);
    expect(len('REDIS_PASSWORD')).toEqual(['urlsafe', 43]);
    expect(len('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toEqual(['urlsafe', 22, 12]);
    expect(newEnvVariables(crucibleCeProfile).map((v) => v.name)).toEqual(expect.arrayContaining(SEVEN));
  });

  it('has the exact weak-value list of config.py', () => {
    expect(CRUCIBLE_WEAK_VALUES).toEqual([
      'community-secret',
      'community-refresh-secret',
      'change-me-in-production',
      'admin',
      'password',
      'secret',
      'default',
    ]);
  });

  it('refuses "admin" as the login password in every environment (service rule, error)', () => {
    const v = findVariable(crucibleCeProfile, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')!;
    for (const env of ['production', 'staging', 'development'] as const) {
      expect(rulesFor(v, env)).toContainEqual(
        expect.objectContaining({
          code: 'ENV_ADMIN_PASSWORD',
          severity: 'error',
          source: 'service',
          check: { type: 'notEqual', value: 'admin', caseSensitive: true },
        }),
      );
    }
  });

  it('JWT secrets: production errors, local mode warnings (len < 32, weak list)', () => {
    const v = findVariable(crucibleCeProfile, 'ROUNDTABLE_JWT_SECRET')!;
    expect(
      rulesFor(v, 'production')
        .filter((r) => r.source === 'service')
        .map((r) => [r.code, r.severity]),
    ).toEqual(
      expect.arrayContaining([
        ['ENV_TOO_SHORT', 'error'],
        ['ENV_WEAK_VALUE', 'error'],
        ['ENV_MISSING_REQUIRED', 'error'],
      ]),
    );
    expect(
      rulesFor(v, 'development')
        .filter((r) => r.source === 'service')
        .map((r) => [r.code, r.severity]),
    ).toEqual(
      expect.arrayContaining([
        ['ENV_TOO_SHORT', 'warning'],
        ['ENV_WEAK_VALUE', 'warning'],
      ]),
    );
  });

  it('plain-text password: the service warns everywhere; the guide makes it an error in production', () => {
    const v = findVariable(crucibleCeProfile, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')!;
    const plain = (env: 'production' | 'development') =>
      rulesFor(v, env)
        .filter((r) => r.code === 'ENV_PLAINTEXT_PASSWORD')
        .map((r) => [r.source, r.severity]);
    expect(plain('production')).toEqual([['guide', 'error']]);
    expect(plain('development')).toEqual([['service', 'warning']]);
  });

  it('every sensitive variable says what rotating it costs, which services to recreate and its steps', () => {
    for (const v of crucibleCeProfile.variables.filter((x) => x.sensitive)) {
      expect(v.rotation.steps.length, v.name).toBeGreaterThan(0);
      expect(v.rotation.usersLose, v.name).not.toBe('');
    }
    const redis = findVariable(crucibleCeProfile, 'REDIS_PASSWORD')!.rotation;
    expect(redis).toMatchObject({ cost: 'sessions-lost', playbook: 'redis-password' });
    expect(redis.servicesToRecreate).toEqual(['redis', 'api', 'worker', 'beat']);
    expect(findVariable(crucibleCeProfile, 'API_KEY_ENCRYPTION_KEY')!.rotation).toMatchObject({
      cost: 'data-at-risk',
      playbook: 'encryption-key-reencrypt',
    });
    expect(findVariable(crucibleCeProfile, 'POSTGRES_USER')!.rotation.cost).toBe('not-rotatable');
    expect(findVariable(crucibleCeProfile, 'ROUNDTABLE_JWT_SECRET')!.rotation).toMatchObject({
      cost: 'low',
      servicesToRecreate: ['api', 'worker', 'beat'],
    });
  });

  it('names the consuming services', () => {
    expect(findVariable(crucibleCeProfile, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')!.consumers).toEqual(['api']);
    expect(findVariable(crucibleCeProfile, 'POSTGRES_PASSWORD')!.consumers).toEqual(
      expect.arrayContaining(['postgres', 'api', 'worker', 'beat']),
    );
  });

  it('rejects a profile with a duplicated variable', () => {
    const bad = { ...crucibleCeProfile, variables: [...crucibleCeProfile.variables, crucibleCeProfile.variables[0]] };
    expect(StackProfile.safeParse(bad).success).toBe(false);
  });
});
