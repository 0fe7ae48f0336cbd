import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realFs, type FsOps } from '../../../../electron/core/fs/atomic-write';
import { MemoryKeychain } from '../../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../../electron/core/keychain/keychain';
import { parseEnv, envValues } from '../../../../electron/core/envfile';
import { checkEnv } from '../../../../electron/core/validation';
import { crucibleCeProfile } from '../../../../electron/core/stack/crucible-ce';
import { verifyPassword } from '../../../../electron/core/hashing/bcrypt';
import { completeDraft, snapshot, trackedSetup, TrackingKeychain } from './helpers';

const { rig, folder } = trackedSetup();
describe('setup commit', () => {
  it('writes .env (0600), the compose fix, .gitignore, keychain, state and journal; the .env passes check-env for production', async () => {
    const r = rig();
    const d = folder();
    const { draftId, password } = await completeDraft(r, d);
    const res = await r.setup.commit(draftId);
    const env = readFileSync(join(d, '.env'), 'utf8');
    expect(statSync(join(d, '.env')).mode & 0o777).toBe(0o600);
    const findings = checkEnv(parseEnv(env), { profile: crucibleCeProfile, environment: 'production' });
    expect(findings.filter((f) => f.severity === 'error' || f.severity === 'critical')).toEqual([]);
    const values = envValues(parseEnv(env));
    const kc = await r.core.keychains.get();
    const stored = new Map((await kc.list(serviceFor(res.deploymentId))).map((e) => [e.account, e.value]));
    for (const name of res.variables) expect(stored.get(name), name).toBe(values.get(name));
    expect(res.variables).toEqual(
      expect.arrayContaining([
        'API_KEY_ENCRYPTION_KEY',
        'ROUNDTABLE_JWT_SECRET',
        'ROUNDTABLE_JWT_REFRESH_SECRET',
        'POSTGRES_USER',
        'POSTGRES_PASSWORD',
        'REDIS_PASSWORD',
        'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
      ]),
    );
    expect(await verifyPassword(password, values.get('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD') ?? '')).toBe(true);
    expect(env).not.toContain(password);
    expect(values.get('ROUNDTABLE_ENVIRONMENT')).toBe('production');
    expect(values.get('ROUNDTABLE_CORS_ORIGINS')).toBe('https://crucible.example.org');
    expect(readFileSync(join(d, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
    expect(readFileSync(join(d, 'docker-compose.yml'), 'utf8')).toContain(
      'ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:?',
    );
    expect(readFileSync(join(d, 'docker-compose.yml'), 'utf8')).toContain(
      '# Uncomment to reach PostgreSQL from the host',
    );
    const state = await r.core.store.read();
    expect(state.deployments).toEqual([
      expect.objectContaining({
        id: res.deploymentId,
        environment: 'production',
        // Production with docker-compose.prod.yml in the folder: that file is the one recorded (issue 17).
        composeFiles: ['docker-compose.prod.yml'],
      }),
    ]);
    expect(Object.keys(state.secrets[res.deploymentId] ?? {}).sort()).toEqual([...res.variables].sort());
    const journal = readFileSync(r.core.paths.journalFile, 'utf8');
    expect(journal).toContain('deployment.added');
    expect((await r.core.journal.verify()).ok).toBe(true);
    expect(res.commands.map((c) => c.command)).toContain('docker compose -f docker-compose.prod.yml up -d');
    expect(res.commands.some((c) => / restart( |$)/.test(c.command))).toBe(false);
    // no value in state, journal or logs
    const leaks = [readFileSync(r.core.paths.stateFile, 'utf8'), journal, r.logLines.join('\n'), JSON.stringify(res)];
    for (const v of [...stored.values(), password]) for (const text of leaks) expect(text).not.toContain(v);
    expect(r.setup.size()).toBe(0);
  });

  it('keeps imported values, leaves unknown keys byte for byte, and keeps the previous .env under the app home, not beside it', async () => {
    const r = rig();
    const d = folder({ env: 'setup/existing-weak/dotenv', gitignore: true });
    const before = readFileSync(join(d, '.env'), 'utf8');
    const { draftId } = await completeDraft(r, d);
    const res = await r.setup.commit(draftId);
    const env = readFileSync(join(d, '.env'), 'utf8');
    const values = envValues(parseEnv(env));
    expect(values.get('API_KEY_ENCRYPTION_KEY')).toBe(envValues(parseEnv(before)).get('API_KEY_ENCRYPTION_KEY'));
    expect(values.get('ROUNDTABLE_JWT_SECRET')).not.toBe('change-me-in-production');
    expect(env).toContain('MY_CUSTOM_SETTING="keep me # not a comment"\n');
    expect(env).toContain('ROUNDTABLE_ENABLE_RATE_LIMITING=false\n');
    expect(res.previousEnvKeptAs).toBe(
      join(r.home, 'previous', res.deploymentId, (res.previousEnvKeptAs ?? '').split('/').pop() ?? ''),
    );
    expect(res.previousEnvKeptAs).toMatch(/\/\.env\.\d{8}T\d{9}Z$/);
    expect(readFileSync(res.previousEnvKeptAs ?? '', 'utf8')).toBe(before);
    expect(statSync(res.previousEnvKeptAs ?? '').mode & 0o777).toBe(0o600);
    // Nothing for git to pick up beside the deployment's files.
    expect(readdirSync(d).filter((n) => n.includes('.bak') || /\.\d{8}T/.test(n))).toEqual([]);
    const metas = (await r.core.store.read()).secrets[res.deploymentId] ?? {};
    expect(metas.API_KEY_ENCRYPTION_KEY?.origin).toBe('imported');
    expect(metas.ROUNDTABLE_JWT_SECRET?.origin).toBe('generated');
    expect(readFileSync(join(d, '.gitignore'), 'utf8')).toBe(readFileSync(join(d, '.gitignore'), 'utf8'));
  });

  it.each(['.env', 'docker-compose.prod.yml', '.gitignore'])(
    'a failure writing %s leaves the folder, the keychain and the state unchanged',
    async (failing) => {
      const failingFs: FsOps = {
        ...realFs,
        rename: (from, to) =>
          String(to).endsWith(`/${failing}`)
            ? Promise.reject(Object.assign(new Error('injected'), { code: 'EIO' }))
            : realFs.rename(from, to),
      };
      const keychain = new TrackingKeychain();
      await keychain.set('crucible-secrets/other-deployment', 'REDIS_PASSWORD', 'CANARY-untouched');
      const r = rig({ fs: failingFs, keychain });
      const d = folder({ env: 'setup/existing-weak/dotenv' });
      const before = snapshot(d);
      const { draftId } = await completeDraft(r, d);
      const kcBefore = await keychain.dump();
      await expect(r.setup.commit(draftId)).rejects.toMatchObject({ code: 'FS_WRITE_FAILED' });
      expect(snapshot(d)).toEqual(before);
      expect(await keychain.dump()).toBe(kcBefore);
      expect(kcBefore).toContain('CANARY-untouched');
      const state = await r.core.store.read();
      expect(state.deployments).toEqual([]);
      expect(state.secrets).toEqual({});
      expect(state.pendingKeychainWrites).toEqual([]);
    },
  );

  it('a keychain that fails half-way leaves the folder unchanged and the keychain as it was', async () => {
    class FailingKeychain extends MemoryKeychain {
      sets = 0;
      override set(service: string, account: string, value: string): Promise<void> {
        if (
          service.startsWith('crucible-secrets/') &&
          !service.includes('/app') &&
          !service.includes('rollback') &&
          ++this.sets === 4
        )
          return Promise.reject(Object.assign(new Error('x'), { code: 'KEYCHAIN_LOCKED' }));
        return super.set(service, account, value);
      }
    }
    const keychain = new FailingKeychain();
    const r = rig({ keychain });
    const d = folder();
    const before = snapshot(d);
    const { draftId } = await completeDraft(r, d);
    await expect(r.setup.commit(draftId)).rejects.toThrow();
    expect(snapshot(d)).toEqual(before);
    expect((await r.core.store.read()).deployments).toEqual([]);
  });

  it('refuses to commit when .env changed on disk after the folder was read', async () => {
    const r = rig();
    const d = folder({ env: 'setup/existing-weak/dotenv' });
    const { draftId } = await completeDraft(r, d);
    writeFileSync(join(d, '.env'), 'EDITED=1\n');
    await expect(r.setup.commit(draftId)).rejects.toMatchObject({ code: 'SETUP_FOLDER_CHANGED' });
    expect(readFileSync(join(d, '.env'), 'utf8')).toBe('EDITED=1\n');
    expect((await r.core.store.read()).deployments).toEqual([]);
  });

  it('refuses a commit that was not reviewed, and a folder that is already a deployment', async () => {
    const r = rig();
    const d = folder();
    const { draftId } = r.setup.begin();
    await r.setup.chooseFolder(draftId, d);
    await expect(r.setup.commit(draftId)).rejects.toMatchObject({ code: 'SETUP_NOT_REVIEWED' });
    const done = await completeDraft(r, d);
    await r.setup.commit(done.draftId);
    const again = r.setup.begin();
    await expect(r.setup.chooseFolder(again.draftId, d)).rejects.toMatchObject({ code: 'SETUP_ALREADY_REGISTERED' });
  });

  it('a change after the review needs a new review before commit', async () => {
    const r = rig();
    const d = folder();
    const { draftId } = await completeDraft(r, d);
    r.setup.setAddress(draftId, 'https://other.example.org', ['https://other.example.org'], true);
    await expect(r.setup.commit(draftId)).rejects.toMatchObject({ code: 'SETUP_NOT_REVIEWED' });
    await r.setup.review(draftId);
    await r.setup.commit(draftId);
    expect(readFileSync(join(d, '.env'), 'utf8')).toContain("ROUNDTABLE_FRONTEND_URL='https://other.example.org'");
  });

  it('the review masks every value in the .env diff', async () => {
    const r = rig();
    const d = folder({ env: 'setup/existing-weak/dotenv' });
    const { draftId } = await completeDraft(r, d);
    const review = await r.setup.review(draftId);
    expect(review.envDiff).toContain('+ROUNDTABLE_JWT_SECRET=•••••• (64 characters, hidden)');
    expect(review.envDiff).toContain('ROUNDTABLE_ENVIRONMENT=');
    expect(review.envDiff).not.toMatch(/CANARY|change-me/);
    expect(review.keychain.find((k) => k.variable === 'API_KEY_ENCRYPTION_KEY')?.origin).toBe('imported');
    expect(review.untouched).toContain('MY_CUSTOM_SETTING');
    expect(review.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
