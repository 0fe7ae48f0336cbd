import { describe, expect, it } from 'vitest';
import { envValues, parseEnv } from '../../../../electron/core/envfile';
import { verifyPassword } from '../../../../electron/core/hashing';
import { generateNewEnv } from '../../../../electron/core/secrets';
import { crucibleCeProfile } from '../../../../electron/core/stack';
import { checkEnv } from '../../../../electron/core/validation';

describe('generateNewEnv', { timeout: 120_000 }, () => {
  it('produces a complete production .env that passes check-env with no warnings', async () => {
    const r = await generateNewEnv(crucibleCeProfile, {
      environment: 'production',
      frontendUrl: 'https://crucible.example.com',
    });
    const doc = parseEnv(r.text);
    expect(doc.problems).toEqual([]);
    const findings = checkEnv(doc, { profile: crucibleCeProfile, environment: 'production' });
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    const v = envValues(doc);
    expect(v.get('ROUNDTABLE_ENVIRONMENT')).toBe('production');
    expect(v.get('ROUNDTABLE_CORS_ORIGINS')).toBe('https://crucible.example.com');
    // every value single-quoted
    for (const e of doc.entries) expect(e.quote).toBe('single');
  });

  it('stores only the bcrypt hash of the login password, which verifies', async () => {
    const r = await generateNewEnv(crucibleCeProfile, { environment: 'development' });
    expect(r.loginPassword).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(r.text).not.toContain(r.loginPassword!);
    const hash = envValues(parseEnv(r.text)).get('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')!;
    expect(hash).toMatch(/^\$2b\$12\$/);
    expect(await verifyPassword(r.loginPassword!, hash)).toBe(true);
  });

  it('records the entropy of each generated secret and keeps values distinct', async () => {
    const r = await generateNewEnv(crucibleCeProfile, { environment: 'development' });
    expect(Object.fromEntries(r.generated.map((g) => [g.name, Math.floor(g.entropyBits)]))).toEqual({
      API_KEY_ENCRYPTION_KEY: 258,
      ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: 132,
      ROUNDTABLE_JWT_SECRET: 384,
      ROUNDTABLE_JWT_REFRESH_SECRET: 384,
      POSTGRES_USER: 62,
      POSTGRES_PASSWORD: 192,
      REDIS_PASSWORD: 257,
    });
    expect(new Set(r.secrets).size).toBe(r.secrets.length);
  });

  it('requires the frontend URL for production', async () => {
    await expect(generateNewEnv(crucibleCeProfile, { environment: 'production' })).rejects.toMatchObject({
      code: 'GEN_INPUT_REQUIRED',
    });
  });

  it('refuses an input that cannot be written safely', async () => {
    await expect(
      generateNewEnv(crucibleCeProfile, { environment: 'production', frontendUrl: "https://x.example.com/'" }),
    ).rejects.toMatchObject({ code: 'ENV_UNSAFE_VALUE' });
  });
});
