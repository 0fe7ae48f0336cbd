import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import { loadComposeProject } from '../../electron/core/compose/load';
import { serviceProcessEnvironment } from '../../electron/core/compose/service-env';
import { envValues, parseEnv } from '../../electron/core/envfile';
import { MemoryKeychain } from '../../electron/core/keychain/memory-keychain';
import { createLogger, memorySink } from '../../electron/core/log/logger';
import { createCoreServices, type CoreServices } from '../../electron/core/services';
import { crucibleCeProfile } from '../../electron/core/stack';
import { cliIo } from '../helpers/cli-io';
import { crucibleSettingsCases, liveSkipReason, UPSTREAM_TARBALL, type CrucibleSettingsResult } from './bed';

/**
 * Issue 22 item 7: for each compose file the genuine Crucible checkout ships, the app's own `init`
 * (production, a public URL) is run on a fresh unpack, the api's environment is computed with
 * compose/service-env.ts from that compose file and the `.env` the app wrote, and Crucible's own `Settings()`
 * (config.py, in the bed's Python tree) is loaded with exactly that environment, plus the `.env` at
 * `/app/.env` where the file mounts it. It must come out as production, with the public URL and rate limiting
 * on. The same computation on the file as shipped (no setup change) must come out local for the prod file:
 * that is what setup's production entries (setup/compose-env-fix.ts) fix.
 */
const skip = liveSkipReason();
const PUBLIC_URL = 'https://crucible.example.org';
const COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.prod.yml'];
const readers = crucibleCeProfile.mountedEnvReaders ?? [];

function unpack(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cs-live-service-env-'));
  const r = spawnSync('tar', ['-xzf', UPSTREAM_TARBALL, '-C', dir], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`could not unpack the upstream checkout (tar exit ${String(r.status)}): ${r.stderr}`);
  return dir;
}

/** The api's `Settings()` for one compose file of `folder`, with the `.env` there. */
async function apiSettings(
  folder: string,
  file: string,
): Promise<{ result: CrucibleSettingsResult; mounted: boolean }> {
  const text = readFileSync(join(folder, '.env'), 'utf8');
  const env = envValues(parseEnv(text));
  const project = await loadComposeProject(folder, [file], (n) => env.get(n));
  const api = serviceProcessEnvironment(project, env, 'api', readers);
  const [result] = await crucibleSettingsCases([
    api.readsMountedEnv ? { env: api.environment, dotenv: text } : { env: api.environment },
  ]);
  if (result === undefined) throw new Error('no answer from the Settings() runner');
  return { result, mounted: api.readsMountedEnv };
}

describe.skipIf(skip !== null)(
  `what the api of each shipped compose file receives, judged by Crucible's Settings()${skip === null ? '' : ` (skipped: ${skip})`}`,
  { timeout: 180_000 },
  () => {
    let top: string;
    let pristine: string;
    let home: string;
    let core: CoreServices;
    const sink = memorySink();

    beforeAll(() => {
      top = unpack();
      pristine = unpack();
      home = mkdtempSync(join(tmpdir(), 'cs-live-service-env-home-'));
      core = createCoreServices({
        home,
        logger: createLogger({ sink }),
        keychain: new MemoryKeychain(),
        env: { ...process.env },
      });
    });

    afterAll(async () => {
      await core.rotation.close();
      for (const d of [top, pristine, home]) rmSync(d, { recursive: true, force: true });
    });

    it.each(COMPOSE_FILES)(
      'after init --environment production, the api of %s loads as production with the public URL and rate limiting',
      async (file) => {
        const folder = join(top, 'crucible-community');
        if (file === COMPOSE_FILES[0]) {
          const t = cliIo();
          t.io.stdin.end('copper lantern orbit meadow\n');
          const code = await runCli(
            ['init', folder, '--environment', 'production', '--public-url', PUBLIC_URL, '--password-stdin'],
            t.io,
            { coreFactory: () => core },
          );
          expect(code, t.err()).toBe(0);
        }
        const { result, mounted } = await apiSettings(folder, file);
        expect(mounted).toBe(file === 'docker-compose.yml');
        expect(result.ok, result.ok ? '' : result.error.slice(0, 300)).toBe(true);
        if (!result.ok) return;
        expect(result.settings).toMatchObject({
          environment: 'production',
          frontend_url: PUBLIC_URL,
          enable_rate_limiting: true,
        });
        expect(result.settings.cors_origins_list).toEqual([PUBLIC_URL]);
      },
    );

    it('the prod file as shipped gives the same .env a local api (what setup changes)', async () => {
      // The setup-written .env next to the unchanged upstream compose files.
      const folder = join(pristine, 'crucible-community');
      const written = readFileSync(join(top, 'crucible-community', '.env'));
      rmSync(join(folder, '.env'), { force: true });
      writeFileSync(join(folder, '.env'), written, { mode: 0o600 });
      const { result, mounted } = await apiSettings(folder, 'docker-compose.prod.yml');
      expect(mounted).toBe(false);
      // The stock CORS entry is local-mode safe, so Settings() accepts it: and runs local, not production.
      expect(result).toMatchObject({
        ok: true,
        settings: { environment: 'local', frontend_url: 'http://localhost:3000', enable_rate_limiting: false },
      });
    });
  },
);
