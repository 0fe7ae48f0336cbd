import { crucibleSettingsCases, crucibleSettingsMany, liveSkipReason } from './bed';

/**
 * The Settings() runner of the live test bed against facts about Crucible's configuration
 * (docs/crucible.md; service/app/core/config.py): if the runner stopped reflecting the service, these fail.
 */
const skip = liveSkipReason();

describe.skipIf(skip !== null)(
  `Crucible Settings() runner${skip === null ? '' : ` (skipped: ${skip})`}`,
  { timeout: 60_000 },
  () => {
    it('answers many cases from one process, each with exactly its own environment', async () => {
      const [plain, rateLimited, production, httpUrl] = await crucibleSettingsMany([
        {},
        { ROUNDTABLE_ENABLE_RATE_LIMITING: 'yes' },
        { ROUNDTABLE_ENVIRONMENT: 'production' },
        { ROUNDTABLE_FRONTEND_URL: 'http://crucible.example.org' },
      ]);
      expect(plain).toMatchObject({
        ok: true,
        settings: { environment: 'local', enable_rate_limiting: false, cors_origins_list: ['http://localhost:3000'] },
      });
      // The previous case's variable must not leak into the next one.
      expect(rateLimited).toMatchObject({ ok: true, settings: { environment: 'local', enable_rate_limiting: true } });
      expect(production?.ok).toBe(false);
      expect(production?.ok === false ? production.error : '').toContain('ROUNDTABLE_JWT_SECRET');
      // Crucible rewrites a non-local http:// frontend URL to https:// and warns.
      expect(httpUrl).toMatchObject({ ok: true, settings: { frontend_url: 'https://crucible.example.org' } });
      expect(httpUrl?.ok === true ? httpUrl.warnings.join('\n') : '').toContain('frontend_url uses HTTP');
    });

    it('reads a mounted .env, where the process environment wins even when set but empty', async () => {
      const dotenv = "ROUNDTABLE_LOG_LEVEL=DEBUG\nROUNDTABLE_FRONTEND_URL='https://from-file.example.org'\n";
      const [fromFile, envWins, emptyWins, noFile] = await crucibleSettingsCases([
        { env: {}, dotenv },
        { env: { ROUNDTABLE_FRONTEND_URL: 'https://from-env.example.org' }, dotenv },
        { env: { ROUNDTABLE_FRONTEND_URL: '' }, dotenv },
        { env: {} },
      ]);
      expect(fromFile).toMatchObject({
        ok: true,
        settings: { log_level: 'DEBUG', frontend_url: 'https://from-file.example.org' },
      });
      expect(envWins).toMatchObject({
        ok: true,
        settings: { log_level: 'DEBUG', frontend_url: 'https://from-env.example.org' },
      });
      expect(emptyWins).toMatchObject({ ok: true, settings: { frontend_url: '' } });
      // The previous case's .env is gone.
      expect(noFile).toMatchObject({
        ok: true,
        settings: { log_level: 'INFO', frontend_url: 'http://localhost:3000' },
      });
    });

    it('refuses the literal password "admin" even in local mode', async () => {
      const [local] = await crucibleSettingsMany([{ ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: 'admin' }]);
      expect(local?.ok).toBe(false);
      expect(local?.ok === false ? local.error : '').toMatch(/ROUNDTABLE_COMMUNITY_AUTH_PASSWORD|admin/);
    });
  },
);
