import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trackedSetup } from './helpers';

const { rig, folder } = trackedSetup();

describe('setup draft: steps validated in main', () => {
  it('refuses every step before a folder is chosen, and an unknown draft', async () => {
    const r = rig();
    const { draftId } = r.setup.begin();
    expect(() => r.setup.setEnvironment(draftId, 'production')).toThrow(
      expect.objectContaining({ code: 'SETUP_STEP_ORDER' }),
    );
    expect(() => r.setup.summary('x'.repeat(24))).toThrow(expect.objectContaining({ code: 'SETUP_DRAFT_UNKNOWN' }));
    expect(await r.setup.chooseFolder(draftId, null)).toEqual({ cancelled: true });
  });

  it('shows the hard-coded CORS value of each compose file with a comment-preserving fix', async () => {
    const r = rig();
    const { draftId } = r.setup.begin();
    const { folder: view } = await r.setup.chooseFolder(draftId, folder());
    expect(view?.corsFix.map((c) => [c.file, c.services])).toEqual([
      ['docker-compose.yml', ['api']],
      ['docker-compose.prod.yml', ['api']],
    ]);
    const diff = view?.corsFix[0]?.diff ?? '';
    expect(diff).toContain('-      - ROUNDTABLE_CORS_ORIGINS=http://localhost:3000');
    expect(diff).toContain(
      '+      - ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:?set ROUNDTABLE_CORS_ORIGINS in .env}',
    );
    expect(diff.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toHaveLength(2);
  });

  it('in production, refuses http, localhost and declining the CORS fix; in development only warns about the fix', async () => {
    const r = rig();
    const { draftId } = r.setup.begin();
    await r.setup.chooseFolder(draftId, folder());
    r.setup.setEnvironment(draftId, 'production');
    expect(r.setup.setAddress(draftId, 'http://crucible.example.org', ['http://crucible.example.org'], true).ok).toBe(
      false,
    );
    expect(r.setup.setAddress(draftId, 'https://localhost', ['https://localhost'], true).ok).toBe(false);
    const noFix = r.setup.setAddress(draftId, 'https://crucible.example.org', ['https://crucible.example.org'], false);
    expect(noFix.ok).toBe(false);
    expect(noFix.issues.map((i) => i.field)).toContain('applyCorsFix');
    r.setup.setEnvironment(draftId, 'development');
    const summary = r.setup.summary(draftId);
    expect(summary.done).toContain('address');
    expect(
      r.setup
        .setAddress(draftId, 'http://localhost:3000', ['http://localhost:3000'], false)
        .issues.map((i) => i.severity),
    ).toEqual(['warning']);
  });

  it('going back keeps what was entered, and changing the environment re-checks the address', async () => {
    const r = rig();
    const { draftId } = r.setup.begin();
    await r.setup.chooseFolder(draftId, folder());
    r.setup.setEnvironment(draftId, 'development');
    r.setup.setAddress(draftId, 'http://localhost:3000', ['http://localhost:3000'], true);
    expect(r.setup.summary(draftId)).toMatchObject({
      environment: 'development',
      frontendUrl: 'http://localhost:3000',
      corsOrigins: ['http://localhost:3000'],
      applyCorsFix: true,
    });
    r.setup.setEnvironment(draftId, 'production');
    const s = r.setup.summary(draftId);
    expect(s.frontendUrl).toBe('http://localhost:3000');
    expect(s.done).not.toContain('address');
  });

  it('the generated password is stable until regenerated and needs "I have stored it"', async () => {
    const r = rig();
    const { draftId } = r.setup.begin();
    await r.setup.chooseFolder(draftId, folder());
    const a = r.setup.revealGeneratedPassword(draftId, false);
    expect(a.password).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(a.entropyBits).toBeGreaterThanOrEqual(128);
    expect(r.setup.revealGeneratedPassword(draftId, false).password).toBe(a.password);
    expect(r.setup.revealGeneratedPassword(draftId, true).password).not.toBe(a.password);
    const refused = await r.setup.setPassword(draftId, 'generated', { stored: false });
    expect(refused).toMatchObject({ ok: false, issues: [expect.objectContaining({ field: 'stored' })] });
    const ok = await r.setup.setPassword(draftId, 'generated', { stored: true });
    expect(ok.ok).toBe(true);
    expect(r.progress.map((p) => p.phase)).toEqual(['hashing', 'hashing']);
    expect(r.progress.at(-1)?.fraction).toBe(1);
  });

  it('refuses a typed password that is weak or not confirmed, without echoing it', async () => {
    const r = rig();
    const { draftId } = r.setup.begin();
    await r.setup.chooseFolder(draftId, folder());
    const weak = await r.setup.setPassword(draftId, 'typed', { password: 'CANARYshort', confirmation: 'CANARYshort' });
    expect(weak.ok).toBe(false);
    const mismatch = await r.setup.setPassword(draftId, 'typed', {
      password: 'copper lantern orbit meadow',
      confirmation: 'copper lantern orbit meadows',
    });
    expect(mismatch.issues.map((i) => i.field)).toContain('confirmation');
    expect(JSON.stringify([weak, mismatch])).not.toMatch(/CANARYshort|copper lantern/);
    expect(r.setup.summary(draftId).password.set).toBe(false);
  });

  it('refuses provider keys that cannot be written safely and never returns them', async () => {
    const r = rig();
    const { draftId } = r.setup.begin();
    await r.setup.chooseFolder(draftId, folder());
    const bad = r.setup.setSecrets(draftId, { ROUNDTABLE_OPENROUTER_API_KEY: "sk-or-CANARY'quote" }, []);
    expect(bad.ok).toBe(false);
    expect(bad.issues[0]?.message).toContain('single quote');
    const good = r.setup.setSecrets(
      draftId,
      { ROUNDTABLE_OPENROUTER_API_KEY: 'sk-or-v1-CANARYproviderkey0123456789' },
      [],
    );
    expect(good.ok).toBe(true);
    expect(good.secrets.find((s) => s.name === 'ROUNDTABLE_OPENROUTER_API_KEY')).toMatchObject({ action: 'typed' });
    expect(JSON.stringify([good, r.setup.summary(draftId)])).not.toContain('CANARY');
    expect(r.setup.summary(draftId).providerKeys.find((p) => p.name === 'ROUNDTABLE_OPENROUTER_API_KEY')?.set).toBe(
      true,
    );
    r.setup.setSecrets(draftId, {}, ['ROUNDTABLE_OPENROUTER_API_KEY']);
    expect(r.setup.summary(draftId).providerKeys.find((p) => p.name === 'ROUNDTABLE_OPENROUTER_API_KEY')?.set).toBe(
      false,
    );
  });

  it('discarding forgets the draft and nothing was written', async () => {
    const r = rig();
    const d = folder();
    const { draftId } = r.setup.begin();
    await r.setup.chooseFolder(draftId, d);
    r.setup.setEnvironment(draftId, 'production');
    expect(r.setup.discard(draftId)).toBe(true);
    expect(r.setup.size()).toBe(0);
    expect(() => r.setup.summary(draftId)).toThrow(expect.objectContaining({ code: 'SETUP_DRAFT_UNKNOWN' }));
    expect(() => readFileSync(join(d, '.env'))).toThrow();
    expect((await r.core.store.read()).deployments).toEqual([]);
  });
});

describe('setup draft: an existing .env', () => {
  it('offers to keep each value, refuses the weak one, and explains what regenerating costs', async () => {
    const r = rig();
    const { draftId } = r.setup.begin();
    const { existing, folder: view } = await r.setup.chooseFolder(
      draftId,
      folder({ env: 'setup/existing-weak/dotenv' }),
    );
    expect(view?.env.exists).toBe(true);
    const byName = new Map(existing?.variables.map((v) => [v.name, v]));
    expect(byName.get('API_KEY_ENCRYPTION_KEY')).toMatchObject({
      decision: 'import',
      canImport: true,
      severity: 'high',
    });
    expect(byName.get('API_KEY_ENCRYPTION_KEY')?.consequence).toContain('orphaned');
    expect(byName.get('ROUNDTABLE_JWT_SECRET')).toMatchObject({ decision: 'regenerate', canImport: false });
    expect(byName.get('POSTGRES_PASSWORD')?.consequence).toContain('ALTER ROLE');
    expect(existing?.untouched).toContain('MY_CUSTOM_SETTING');
    expect(existing?.findings.some((f) => f.code === 'ENV_WEAK_VALUE')).toBe(true);
    expect(JSON.stringify({ existing, view })).not.toContain('CANARY');

    const r2 = r.setup.setImport(draftId, { REDIS_PASSWORD: 'regenerate', ROUNDTABLE_JWT_SECRET: 'import' });
    expect(r2.issues).toEqual([expect.objectContaining({ field: 'ROUNDTABLE_JWT_SECRET', severity: 'warning' })]);
    const plan = r.setup.setSecrets(draftId, {}, []).secrets;
    expect(plan.find((p) => p.name === 'REDIS_PASSWORD')?.action).toBe('generate');
    expect(plan.find((p) => p.name === 'ROUNDTABLE_JWT_SECRET')?.action).toBe('generate');
    expect(plan.find((p) => p.name === 'API_KEY_ENCRYPTION_KEY')?.action).toBe('import');
  });

  it('can keep a plain-text login password by hashing it', async () => {
    const r = rig();
    const { draftId } = r.setup.begin();
    await r.setup.chooseFolder(draftId, folder({ env: 'setup/existing-weak/dotenv' }));
    expect(r.setup.summary(draftId).password.canKeep).toBe(true);
    const res = await r.setup.setPassword(draftId, 'keep', {});
    expect(res.ok).toBe(true);
    expect(
      r.setup.setSecrets(draftId, {}, []).secrets.find((s) => s.name === 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD'),
    ).toMatchObject({ action: 'hash', length: 60 });
  });
});
