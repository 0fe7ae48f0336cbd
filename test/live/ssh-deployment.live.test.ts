import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import { envValues, parseEnv } from '../../electron/core/envfile';
import { serviceFor } from '../../electron/core/keychain/keychain';
import { MemoryKeychain } from '../../electron/core/keychain/memory-keychain';
import { createLogger, memorySink } from '../../electron/core/log/logger';
import { generateNewEnv } from '../../electron/core/secrets';
import { createCoreServices, type CoreServices } from '../../electron/core/services';
import { crucibleCeProfile } from '../../electron/core/stack';
import { cliIo } from '../helpers/cli-io';
import { createHandlers } from '../../electron/main/ipc/handlers';
import { harnessPlatform } from '../harness/platform';
import { GenerateRequest } from '../../electron/common/ipc/proxy.ipc';
import { apiRequest, liveSkipReason, startBed, type Bed } from './bed';

/**
 * Issue 15 against the real service: a deployment on a server, reached over SSH (the bed's OpenSSH on
 * loopback, whose sessions get the docker stand-in). The CLI sets it up where it runs, the real API starts
 * in production and the typed password logs in; rotations run every step there and check each outcome;
 * an injected failure stops the run with a diagnosis and a non-zero exit, and the run resumes.
 */
const skip = liveSkipReason();
const PASSWORD = 'copper lantern orbit meadow';

describe.skipIf(skip !== null)(
  `a deployment on a server over SSH${skip === null ? '' : ` (skipped: ${skip})`}`,
  { timeout: 300_000 },
  () => {
    let bed: Bed;
    let core: CoreServices;
    let home: string;
    let location: string;
    const keychain = new MemoryKeychain();
    const sink = memorySink();

    async function cli(argv: string[], stdin?: string) {
      const t = cliIo();
      if (stdin !== undefined) t.io.stdin.end(stdin);
      const code = await runCli(argv, t.io, { coreFactory: () => core });
      return { code, out: t.out(), err: t.err() };
    }

    /** The server's `.env`, read over SSH as an admin would (cat), never through the app. */
    function serverEnv(): Map<string, string> {
      const r = spawnSync('ssh', ['-F', bed.sshConfigFile, '127.0.0.1', `cat '${bed.folder}/.env'`], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`cat .env over ssh failed: ${r.stderr}`);
      return envValues(parseEnv(r.stdout));
    }

    function overSsh(command: string): { status: number; stdout: string; stderr: string } {
      const r = spawnSync('ssh', ['-F', bed.sshConfigFile, '127.0.0.1', `cd '${bed.folder}' && ${command}`], {
        encoding: 'utf8',
        timeout: 180_000,
      });
      return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    }

    async function login(password: string): Promise<number> {
      return (
        await apiRequest(`${bed.apiUrl}/api/auth/login`, { method: 'POST', body: { username: 'admin', password } })
      ).status;
    }

    beforeAll(async () => {
      // The server holds a development checkout with a .env made by hand (here: by our generator).
      const generated = await generateNewEnv(crucibleCeProfile, {
        environment: 'development',
        frontendUrl: 'http://localhost:3000',
      });
      bed = await startBed({ envText: generated.text });
      location = bed.sshLocation;
      home = mkdtempSync(join(tmpdir(), 'cs-live-ssh-home-'));
      core = createCoreServices({
        home,
        logger: createLogger({ sink }),
        keychain,
        sshOptions: { sshConfigFile: bed.sshConfigFile },
        env: { ...process.env },
      });
    }, 240_000);

    afterAll(async () => {
      await core.rotation.close();
      await bed.stop();
      rmSync(home, { recursive: true, force: true });
    });

    it('init over SSH writes the server .env and compose fix; after up -d the real API runs in production and the typed password logs in', async () => {
      const r = await cli(
        [
          'init',
          location,
          '--environment',
          'production',
          '--public-url',
          'https://crucible.example.org',
          '--password-stdin',
          // This server runs the default compose file (the bed's docker drives it), not docker-compose.prod.yml.
          '--compose-file',
          'docker-compose.yml',
        ],
        `${PASSWORD}\n`,
      );
      expect(r.code, r.err).toBe(0);
      expect((await core.store.read()).deployments[0]?.composeFiles).toEqual(['docker-compose.yml']);
      const env = serverEnv();
      expect(env.get('ROUNDTABLE_ENVIRONMENT')).toBe('production');
      expect(env.get('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toMatch(/^\$2b\$/);
      // The server's .env is 0600 and the previous one is kept here, under the app home, not beside it.
      expect(overSsh('stat -c %a .env').stdout.trim()).toBe('600');
      expect(overSsh('ls -a').stdout).not.toMatch(/\.env\.bak/);
      const dep = (await core.store.read()).deployments[0];
      const kept = readdirSync(join(home, 'previous', dep?.id ?? ''));
      expect(kept.some((f) => f.startsWith('.env.'))).toBe(true);
      expect(dep?.folder).toBe(location);
      for (const [k, v] of env)
        if ((await keychain.get(serviceFor(dep?.id ?? ''), k)) !== null)
          expect(await keychain.get(serviceFor(dep?.id ?? ''), k), k).toBe(v);
      // Start it as the finish page says, on the server.
      const up = overSsh('docker compose up -d');
      expect(up.status, up.stderr).toBe(0);
      expect((await apiRequest(`${bed.apiUrl}/api/health`)).status).toBe(200);
      expect((await apiRequest(`${bed.apiUrl}/docs`)).status).toBe(404); // production hides its docs
      expect(await login(PASSWORD)).toBe(200);
      expect(await login('not the password')).toBe(401);
      // No value reached the CLI's output or the app's log.
      for (const v of env.values()) if (v.length >= 12) expect(r.out + r.err + sink.lines.join('\n')).not.toContain(v);
    });

    it('verify checks the running service on the server: health, Redis, and the login with the password typed for it', async () => {
      const r = await cli(['verify', location, '--login-password-stdin'], `${PASSWORD}\n`);
      expect(r.code, r.err + r.out).toBe(0);
      expect(r.out).toContain('✓ health: GET /api/health answered 200');
      expect(r.out).toContain('✓ redis: Redis is connected');
      expect(r.out).toContain('✓ login: The login works');
      expect(r.out + r.err).not.toContain(PASSWORD);
      const wrong = await cli(['verify', location, '--login-password-stdin'], 'not the password\n');
      expect(wrong.code).toBe(1);
      expect(wrong.out).toMatch(/✗ login: POST \/api\/auth\/login answered 401/);
    });

    it('check-env reads the .env on the server with the compose files beside it: the production file the app wrote is clean', async () => {
      const r = await cli(['check-env', `${location}/.env`, '--environment', 'production']);
      expect(r.code, r.out + r.err).toBe(0);
      expect(r.out).toContain('.env as production: 0 errors, 0 warnings');
    });

    it('audit reads the deployment where it runs: over SSH it finds exactly what it finds reading the same folder here', async () => {
      const remote = await cli(['audit', location, '--json']);
      const local = await cli([
        'audit',
        bed.folder,
        '--json',
        '--environment',
        'production',
        '-f',
        'docker-compose.yml',
      ]);
      const codes = (out: string) =>
        (JSON.parse(out) as { findings: Array<{ code: string }> }).findings.map((f) => f.code).sort();
      expect(codes(remote.out).length).toBeGreaterThan(0);
      expect(codes(remote.out)).toEqual(codes(local.out));
      expect(remote.code).toBe(local.code);
      expect(codes(remote.out)).not.toContain('ENV_FILE_MISSING');
      expect(remote.out + remote.err).not.toContain(serverEnv().get('REDIS_PASSWORD') ?? 'unreachable');
    });

    it('firewall reads the compose files on the server: the ports stock compose publishes on every interface', async () => {
      const r = await cli(['firewall', location, '--json']);
      expect(r.code, r.err).toBe(0);
      const ports = (JSON.parse(r.out) as { publishedPorts: Array<{ service: string; allInterfaces: boolean }> })
        .publishedPorts;
      expect(ports.filter((p) => p.allInterfaces).map((p) => p.service)).toEqual(
        expect.arrayContaining(['api', 'frontend']),
      );
    });

    it('proxy generates the front door from the compose files and .env on the server', async () => {
      const r = await cli(['proxy', location, '--server', 'nginx', '--domain', 'crucible.example.org', '--json']);
      expect(r.code, r.err).toBe(0);
      const bundle = JSON.parse(r.out) as { origin: string; files: Array<{ content: string }> };
      expect(bundle.origin).toBe('https://crucible.example.org');
      expect(bundle.files[0]?.content).toContain('server_name crucible.example.org');
    });

    it("the window's HTTPS page reads the server's folder: domain prefill, configuration and firewall ports", async () => {
      const handlers = createHandlers({
        core,
        platform: harnessPlatform(),
        hostInfo: { host: 'harness', name: 'x', version: '0.0.0', versions: { node: process.versions.node } },
      });
      const dep = (await core.store.read()).deployments[0];
      const deploymentId = dep?.id ?? '';
      const ctx = { senderUrl: 'app://x/', isTopFrame: true } as never;
      // init wrote the public URL into the server's .env: the page offers its host.
      expect(await handlers.proxy.knownAddress({ deploymentId }, ctx)).toEqual({
        domain: 'crucible.example.org',
        from: 'ROUNDTABLE_FRONTEND_URL',
      });
      // The ports the server's compose file publishes (read there, as `firewall ssh://…` reads them).
      const guide = await handlers.proxy.firewall({ deploymentId, sshPort: 22 }, ctx);
      expect(guide.publishedPorts.map((p) => p.service)).toEqual(expect.arrayContaining(['api', 'frontend']));
      const request = GenerateRequest.parse({
        deploymentId,
        server: 'nginx',
        address: { domain: 'crucible.example.org' },
        tls: { mode: 'acme', email: 'admin@example.org' },
      });
      const bundle = await handlers.proxy.generate(request, ctx);
      expect(bundle.files[0]?.content).toContain('server_name crucible.example.org');
      // Changing files there is the CLI's (it keeps their previous versions here): the page says how.
      await expect(
        handlers.proxy.composePreview({ deploymentId, address: { domain: 'crucible.example.org' } }, ctx),
      ).rejects.toMatchObject({
        code: 'PROXY_NO_FOLDER',
        message: expect.stringContaining('--apply-compose') as unknown,
      });
    });

    it('proxy --apply-compose --apply-env changes the compose file and .env on the server (previous versions kept here); the API still starts', async () => {
      const before = spawnSync(
        'ssh',
        ['-F', bed.sshConfigFile, '127.0.0.1', `cat '${bed.folder}/docker-compose.yml'`],
        { encoding: 'utf8' },
      ).stdout;
      const r = await cli([
        'proxy',
        location,
        '--server',
        'nginx',
        '--domain',
        'crucible.example.org',
        '--apply-compose',
        '--apply-env',
        '--out',
        join(home, 'crucible.conf'),
      ]);
      expect(r.code, r.err + r.out).toBe(0);
      const after = spawnSync('ssh', ['-F', bed.sshConfigFile, '127.0.0.1', `cat '${bed.folder}/docker-compose.yml'`], {
        encoding: 'utf8',
      }).stdout;
      expect(after).not.toBe(before);
      expect(after).toContain('127.0.0.1:8000:8000');
      expect(serverEnv().get('ROUNDTABLE_FRONTEND_URL')).toBe('https://crucible.example.org');
      expect(readdirSync(join(home, 'previous', 'proxy')).some((f) => f.startsWith('docker-compose.yml.'))).toBe(true);
      expect(overSsh('ls -a').stdout).not.toMatch(/\.bak/);
      expect(overSsh('docker compose up -d api').status).toBe(0);
      expect(await login(PASSWORD)).toBe(200);
    });

    it('secrets drift reads the .env on the server', async () => {
      const r = await cli(['secrets', 'drift', location]);
      expect(r.code, r.err + r.out).toBe(0);
    });

    it('rotates REDIS_PASSWORD over SSH: dump kept here, .env written there, redis and api recreated, Redis connected', async () => {
      const before = serverEnv().get('REDIS_PASSWORD');
      const r = await cli(['rotate', location, 'REDIS_PASSWORD', '--yes']);
      expect(r.code, r.err + r.out).toBe(0);
      const after = serverEnv().get('REDIS_PASSWORD');
      expect(after).not.toBe(before);
      const dep = (await core.store.read()).deployments[0];
      expect(await keychain.get(serviceFor(dep?.id ?? ''), 'REDIS_PASSWORD')).toBe(after);
      const dumps = join(home, 'dumps', dep?.id ?? '');
      // Encrypted as it arrived over SSH (age): no plaintext on disk; the app's key opens it.
      const dump = readdirSync(dumps).find((f) => f.endsWith('.sql.age')) ?? '';
      expect(statSync(join(dumps, dump)).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dumps, dump), 'latin1')).not.toContain('PostgreSQL database dump');
      const plain = join(home, `${dump}.sql`);
      await core.dumps.decrypt(dep?.id ?? '', dump, plain);
      expect(readFileSync(plain, 'utf8')).toContain('PostgreSQL database dump');
      expect(bed.dockerLog().some((argv) => argv.join(' ').includes('up -d redis api'))).toBe(true);
      const redis = await apiRequest(`${bed.apiUrl}/api/health/redis`);
      expect(redis.json).toMatchObject({ connected: true });
      // The app verified it itself, inside the api container, and ticked the step.
      expect(r.out).toMatch(/✓ redis: Redis is connected/);
      const view = (await core.rotation.pending()).find((p) => p.variable === 'REDIS_PASSWORD');
      expect(view?.steps.find((s) => s.id === 'verify')).toMatchObject({ state: 'done', by: 'command' });
      expect(await login(PASSWORD)).toBe(200);
      expect((await cli(['rotate', location, 'REDIS_PASSWORD', '--confirm'])).code).toBe(0);
      for (const v of [before, after]) if (v) expect(r.out + r.err).not.toContain(v);
    });

    it('rotates POSTGRES_PASSWORD over SSH: ALTER ROLE on stdin, the API reconnects with the new password', async () => {
      const r = await cli(['rotate', location, 'POSTGRES_PASSWORD', '--yes', '--done', 'backup']);
      expect(r.code, r.err + r.out).toBe(0);
      // Checked over TCP from the api container: the new password is accepted, the old one refused.
      expect(r.out).toMatch(/✓ database: PostgreSQL accepts the new password and refuses the old one/);
      expect((await apiRequest(`${bed.apiUrl}/api/health`)).status).toBe(200);
      expect(await login(PASSWORD)).toBe(200); // the login reads the admin user from PostgreSQL
      expect((await cli(['rotate', location, 'POSTGRES_PASSWORD', '--confirm'])).code).toBe(0);
    });

    const PROVIDER_KEY = 'sk-or-v1-canary-live-provider-key-0123456789abcdef';

    it('rotates API_KEY_ENCRYPTION_KEY over SSH: export, re-encrypt, apply, recreate; a provider key stored through the API still reads back', async () => {
      const auth = await apiRequest(`${bed.apiUrl}/api/auth/login`, {
        method: 'POST',
        body: { username: 'admin', password: PASSWORD },
      });
      const token = (auth.json as { access_token?: string }).access_token ?? '';
      const headers = { Authorization: `Bearer ${token}` };
      const put = await apiRequest(`${bed.apiUrl}/api/user/settings`, {
        method: 'PUT',
        headers,
        body: { providerApiKeys: { openrouter: PROVIDER_KEY } },
      });
      expect(put.status).toBe(200);
      const before = serverEnv().get('API_KEY_ENCRYPTION_KEY');
      const r = await cli(
        ['rotate', location, 'API_KEY_ENCRYPTION_KEY', '--yes', '--done', 'backup', '--login-password-stdin'],
        `${PASSWORD}\n`,
      );
      expect(r.code, r.err + r.out).toBe(0);
      expect(serverEnv().get('API_KEY_ENCRYPTION_KEY')).not.toBe(before);
      expect(r.out).toMatch(/✓ provider-keys: 1 stored provider key\(s\) read back/);
      expect(r.out).toMatch(/✓ login: The login works/);
      const again = await apiRequest(`${bed.apiUrl}/api/auth/login`, {
        method: 'POST',
        body: { username: 'admin', password: PASSWORD },
      });
      const t2 = (again.json as { access_token?: string }).access_token ?? '';
      const read = await apiRequest(`${bed.apiUrl}/api/user/settings/provider-key/openrouter`, {
        headers: { Authorization: `Bearer ${t2}` },
      });
      expect(read.status).toBe(200);
      expect(read.json).toMatchObject({ key: PROVIDER_KEY });
      for (const text of [r.out, r.err, sink.lines.join('\n')]) expect(text).not.toContain(PROVIDER_KEY);
      expect((await cli(['rotate', location, 'API_KEY_ENCRYPTION_KEY', '--confirm'])).code).toBe(0);
    });

    const BACKUP_PASS = 'quartz meadow lantern copper orbit tundra';
    let backupFile = '';
    let exportedJwt = '';

    it('backup export takes the deployment by its ssh:// location', async () => {
      exportedJwt = serverEnv().get('ROUNDTABLE_JWT_SECRET') ?? '';
      backupFile = join(home, 'server.csbackup');
      const r = await cli(
        ['backup', 'export', location, '--out', backupFile, '--passphrase-stdin'],
        `${BACKUP_PASS}\n${BACKUP_PASS}\n`,
      );
      expect(r.code, r.err + r.out).toBe(0);
      expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    });

    it('an injected failure of the recreate step: exit 75, the step failed in words, .env written, then a retry completes', async () => {
      bed.setFailure('up api');
      try {
        const r = await cli(['rotate', location, 'ROUNDTABLE_JWT_SECRET', '--yes', '--done', 'backup']);
        expect(r.code, r.err + r.out).toBe(75);
        expect(r.err).toMatch(/Step "Recreate[^"]*" failed \(exit \d+\)/);
        const view = (await core.rotation.pending())[0];
        expect(view?.steps.find((s) => s.id === 'recreate')).toMatchObject({ state: 'failed' });
      } finally {
        bed.setFailure(null);
      }
      const again = await cli(['rotate', location, 'ROUNDTABLE_JWT_SECRET', '--yes']);
      expect(again.code, again.err + again.out).toBe(0);
      expect(await login(PASSWORD)).toBe(200);
      expect((await cli(['rotate', location, 'ROUNDTABLE_JWT_SECRET', '--confirm'])).code).toBe(0);
    });

    it('a failure injected at each command step of a POSTGRES_PASSWORD rotation stops it there (exit 75); each retry resumes, nothing is lost', async () => {
      const steps: Array<[string, string]> = [
        ['exec pg_dump', 'backup'],
        ['exec psql', 'alter-role'],
        ['up api', 'recreate'],
        ['exec python', 'verify'],
      ];
      for (const [pattern, step] of steps) {
        bed.setFailure(pattern);
        try {
          const r = await cli(['rotate', location, 'POSTGRES_PASSWORD', '--yes']);
          expect(r.code, `${step}: ${r.err}`).toBe(75);
          const view = (await core.rotation.pending()).find((v) => v.variable === 'POSTGRES_PASSWORD');
          expect(view?.steps.find((s) => s.id === step)?.state, step).toBe('failed');
        } finally {
          bed.setFailure(null);
        }
        // The keychain and the server's .env always agree (the app's .env write is atomic and reconciled).
        const dep = (await core.store.read()).deployments[0];
        expect(await keychain.get(serviceFor(dep?.id ?? ''), 'POSTGRES_PASSWORD')).toBe(
          serverEnv().get('POSTGRES_PASSWORD'),
        );
      }
      const done = await cli(['rotate', location, 'POSTGRES_PASSWORD', '--yes']);
      expect(done.code, done.err + done.out).toBe(0);
      expect(done.out).toMatch(/✓ database: PostgreSQL accepts the new password and refuses the old one/);
      expect((await cli(['rotate', location, 'POSTGRES_PASSWORD', '--confirm'])).code).toBe(0);
      expect(await login(PASSWORD)).toBe(200);
    });

    it('backup restore --to ssh:// rewrites the .env on the server, keeps the previous one here, and the API starts with it', async () => {
      const dep = (await core.store.read()).deployments[0];
      expect(serverEnv().get('ROUNDTABLE_JWT_SECRET')).not.toBe(exportedJwt); // rotated since the export
      const r = await cli(
        [
          'backup',
          'restore',
          backupFile,
          '--to',
          location,
          '--deployment',
          dep?.id ?? '',
          '--only',
          'ROUNDTABLE_JWT_SECRET',
          '--overwrite',
          '--rewrite-env',
          '--passphrase-stdin',
        ],
        `${BACKUP_PASS}\n`,
      );
      expect(r.code, r.err + r.out).toBe(0);
      expect(serverEnv().get('ROUNDTABLE_JWT_SECRET')).toBe(exportedJwt);
      expect(await keychain.get(serviceFor(dep?.id ?? ''), 'ROUNDTABLE_JWT_SECRET')).toBe(exportedJwt);
      // Kept with the deployment's other previous versions (Secrets page, `secrets previous`).
      expect(
        readdirSync(join(home, 'previous', dep?.id ?? '')).filter((f) => f.startsWith('.env.')).length,
      ).toBeGreaterThan(1);
      expect(overSsh('ls -a').stdout).not.toMatch(/\.env\.bak/);
      expect(overSsh('docker compose up -d api').status).toBe(0);
      expect(await login(PASSWORD)).toBe(200);
    });

    it('rotates the login password over SSH with a typed one: the service check logs in with it; the old one is refused', async () => {
      const NEW = 'ember harbour quill saffron';
      const r = await cli(
        ['rotate', location, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', '--yes', '--done', 'backup', '--value-stdin'],
        `${NEW}\n`,
      );
      expect(r.code, r.err + r.out).toBe(0);
      expect(r.out).toMatch(/✓ login: The login works/);
      expect(await login(NEW)).toBe(200);
      expect(await login(PASSWORD)).toBe(401);
      expect(serverEnv().get('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toMatch(/^\$2b\$/);
      expect((await cli(['rotate', location, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', '--confirm'])).code).toBe(0);
    });
  },
);
