import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../electron/core/hashing/bcrypt';
import { replaceEnvironmentValue } from '../../electron/core/compose/yaml-edit';
import { generateNewEnv } from '../../electron/core/secrets';
import { CORS_FROM_ENV, CORS_VARIABLE, servicesHardCodingCors } from '../../electron/core/setup/cors-fix';
import { crucibleCeProfile } from '../../electron/core/stack';
import { apiRequest, crucibleSettings, liveSkipReason, startBed, type Bed } from './bed';

/**
 * The live test bed itself, against the real Crucible API: a `.env` the app generated for production starts
 * the service in production, the generated login password works, a provider key round-trips through
 * Crucible's encryption, and the `docker` stand-in reached over SSH applies a changed `.env`.
 */
const skip = liveSkipReason();
const PROVIDER_KEY = 'sk-or-v1-canary-provider-key-0123456789abcdef';

async function login(bed: Bed, password: string): Promise<{ status: number; token: string | null }> {
  const res = await apiRequest(`${bed.apiUrl}/api/auth/login`, {
    method: 'POST',
    body: { username: 'admin', password },
  });
  const token = (res.json as { access_token?: unknown } | null)?.access_token;
  return { status: res.status, token: typeof token === 'string' ? token : null };
}

/** Runs a command over the bed's SSH server in the deployment folder; stdin optional. */
function overSsh(bed: Bed, command: string, stdin = ''): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('ssh', ['-F', bed.sshConfigFile, '127.0.0.1', `cd '${bed.folder}' && ${command}`], {
    input: stdin,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function setEnvValue(folder: string, name: string, value: string): void {
  const p = join(folder, '.env');
  const text = readFileSync(p, 'utf8');
  const line = new RegExp(`^${name}=.*$`, 'm');
  if (!line.test(text)) throw new Error(`${name} is not in the generated .env`);
  writeFileSync(
    p,
    text.replace(line, () => `${name}='${value}'`),
    { mode: 0o600 },
  );
}

describe.skipIf(skip !== null)(
  `live test bed${skip === null ? '' : ` (skipped: ${skip})`}`,
  { timeout: 180_000 },
  () => {
    let bed: Bed;
    let password: string;

    beforeAll(async () => {
      const generated = await generateNewEnv(crucibleCeProfile, {
        environment: 'production',
        frontendUrl: 'https://crucible.example.org',
      });
      if (generated.loginPassword === null) throw new Error('generate gave no login password');
      password = generated.loginPassword;
      const t0 = Date.now();
      bed = await startBed({
        envText: generated.text,
        // The app's own compose fix: stock compose hard-codes a CORS origin that production mode refuses.
        prepare: (folder) => {
          const file = join(folder, 'docker-compose.yml');
          let text = readFileSync(file, 'utf8');
          for (const s of servicesHardCodingCors(text))
            text = replaceEnvironmentValue(text, s, CORS_VARIABLE, CORS_FROM_ENV);
          writeFileSync(file, text);
        },
      });
      // Measured figure for the report; not an assertion.
      console.log(`live bed started in ${String(Date.now() - t0)} ms (${JSON.stringify(bed.timings)})`);
    }, 240_000);

    afterAll(async () => {
      await bed.stop();
    }, 60_000);

    it('the generated .env starts the API in production mode', async () => {
      const health = await apiRequest(`${bed.apiUrl}/api/health`);
      expect(health.status).toBe(200);
      // Crucible hides its API docs in production only (service/app/main.py).
      expect((await apiRequest(`${bed.apiUrl}/docs`)).status).toBe(404);
      expect(bed.apiLog()).toContain("[CORS] Configured origins: ['https://crucible.example.org']");
    });

    it('Crucible agrees with the generated .env: Settings() accepts it in production', async () => {
      const env = Object.fromEntries(
        readFileSync(join(bed.folder, '.env'), 'utf8')
          .split('\n')
          .map((l) => /^([A-Z_][A-Z0-9_]*)='?(.*?)'?$/.exec(l))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => [m[1] ?? '', m[2] ?? '']),
      );
      const r = await crucibleSettings({
        ...env,
        ROUNDTABLE_DATABASE_URL: 'postgresql+asyncpg://u:p@127.0.0.1:5432/roundtable',
      });
      expect(r.ok ? r.settings.environment : r.error).toBe('production');
      const refused = await crucibleSettings({ ...env, ROUNDTABLE_JWT_SECRET: 'short' });
      expect(refused.ok).toBe(false);
    });

    it('the generated login password logs in; a wrong one is refused', async () => {
      const ok = await login(bed, password);
      expect(ok.status).toBe(200);
      expect(ok.token).not.toBeNull();
      expect((await login(bed, `${password}x`)).status).toBe(401);
    });

    it('a provider key stored through the API is encrypted at rest and reads back', async () => {
      const { token } = await login(bed, password);
      const auth = { authorization: `Bearer ${String(token)}` };
      const put = await apiRequest(`${bed.apiUrl}/api/user/settings`, {
        method: 'PUT',
        headers: auth,
        body: { providerApiKeys: { openrouter: PROVIDER_KEY } },
      });
      expect(put.status).toBe(200);
      const stored = bed.psql('SELECT provider_api_keys::text FROM user_settings');
      expect(stored).toContain('gAAAAA'); // a Fernet token
      expect(stored).not.toContain(PROVIDER_KEY);
      const get = await apiRequest(`${bed.apiUrl}/api/user/settings/provider-key/openrouter`, { headers: auth });
      expect(get.status).toBe(200);
      expect((get.json as { key?: unknown } | null)?.key).toBe(PROVIDER_KEY);
    });

    it('over SSH, the stand-in answers like compose v2 and runs psql with stdin and its real exit status', () => {
      expect(overSsh(bed, 'command -v docker').stdout.trim()).toBe(bed.dockerBin);
      expect(overSsh(bed, 'docker compose version --short').stdout.trim()).toMatch(/^2\.\d+\.\d+$/);
      expect(overSsh(bed, 'docker info').status).toBe(0);
      const ps = overSsh(bed, 'docker compose ps --format json');
      expect(
        ps.stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { Service: string; State: string }).Service),
      ).toEqual(['postgres', 'redis', 'api']);
      // Compose finds its project in the working folder; elsewhere there is none.
      expect(
        spawnSync('ssh', ['-F', bed.sshConfigFile, '127.0.0.1', 'cd / && docker compose ps'], { encoding: 'utf8' })
          .stderr,
      ).toContain('no configuration file provided');
      const user = bed.psql('SELECT current_user');
      const good = overSsh(
        bed,
        `docker compose exec -T postgres psql -U ${user} -d roundtable -v ON_ERROR_STOP=1 -At`,
        'SELECT count(*) FROM users;\n',
      );
      expect(good).toMatchObject({ status: 0, stdout: '1\n' });
      const bad = overSsh(
        bed,
        `docker compose exec -T postgres psql -U ${user} -d roundtable -v ON_ERROR_STOP=1`,
        'SELECT no_such_column;\n',
      );
      expect(bad.status).toBe(3);
      expect(bad.stderr).toContain('no_such_column');
      expect(bed.dockerLog()).toContainEqual([
        'compose',
        'exec',
        '-T',
        'postgres',
        'psql',
        '-U',
        user,
        '-d',
        'roundtable',
        '-v',
        'ON_ERROR_STOP=1',
        '-At',
      ]);
      // The export the rotation playbooks take before touching the encryption key: ciphertexts, not keys.
      const exported = overSsh(
        bed,
        `docker compose exec -T postgres psql -U ${user} -d roundtable -c "COPY (SELECT provider_api_keys FROM user_settings) TO STDOUT"`,
      );
      expect(exported.status).toBe(0);
      expect(exported.stdout).toContain('gAAAAA');
      expect(exported.stdout).not.toContain(PROVIDER_KEY);
      expect(overSsh(bed, `docker compose exec -T postgres pg_dump -U ${user} -d roundtable`).stdout).toContain(
        'CREATE TABLE public.user_settings',
      );
    });

    it('injected failures look like the real tools and change nothing', () => {
      const user = bed.psql('SELECT current_user');
      bed.setFailure('exec psql');
      const psql = overSsh(
        bed,
        `docker compose exec -T postgres psql -U ${user} -d roundtable -v ON_ERROR_STOP=1`,
        'SELECT 1;\n',
      );
      expect(psql.status).toBe(2);
      expect(psql.stderr).toMatch(/^psql: error: connection to server/);
      bed.setFailure('compose version => 1 unknown flag: --short');
      expect(overSsh(bed, 'docker compose version --short')).toMatchObject({
        status: 1,
        stderr: 'unknown flag: --short\n',
      });
      bed.setFailure('info');
      expect(overSsh(bed, 'docker info').stderr).toContain('Cannot connect to the Docker daemon');
      bed.setFailure(null);
      expect(overSsh(bed, 'docker info').status).toBe(0);
      // Every attempt is in the log, failed or not.
      expect(bed.dockerLog().filter((a) => a[0] === 'info')).toHaveLength(3);
    });

    it('`docker compose up -d api` over SSH applies a changed .env; `restart` would not; failures are injectable', async () => {
      const next = 'a-new-login-password-for-the-bed';
      setEnvValue(bed.folder, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', await hashPassword(next));

      // `restart` keeps the container's old environment (crucible-facts.md §8.5): the old password still works.
      expect(overSsh(bed, 'docker compose restart api').status).toBe(0);
      expect((await login(bed, password)).status).toBe(200);

      bed.setFailure('up api');
      const failed = overSsh(bed, 'docker compose up -d api');
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain('port is already allocated');
      bed.setFailure(null);

      const up = overSsh(bed, 'docker compose up -d api');
      expect(up.status, up.stderr).toBe(0);
      expect((await login(bed, password)).status).toBe(401);
      expect((await login(bed, next)).status).toBe(200);
      expect(bed.dockerLog()).toContainEqual(['compose', 'up', '-d', 'api']);
      // argv only, never a secret: stdin and the .env stay out of the log.
      expect(JSON.stringify(bed.dockerLog())).not.toContain(next);
    });

    it('an API that cannot start makes `up -d` fail like compose', () => {
      setEnvValue(bed.folder, 'ROUNDTABLE_JWT_SECRET', 'short');
      const up = overSsh(bed, 'docker compose up -d api');
      expect(up.status).toBe(1);
      expect(up.stderr).toMatch(/container crucible-community-api-1 exited \(1\)/);
    });
  },
);
