import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RotationView } from '../../electron/common/ipc/rotation.ipc';
import { deriveCrucibleFernetKey, fernetEncrypt } from '../../electron/core/crypto/fernet';
import { envValues, parseEnv } from '../../electron/core/envfile';
import { envFilePort } from '../../electron/core/backup/adapters';
import { GITIGNORE_LINES } from '../../electron/core/audit/fixes';
import { gitignoreIgnores } from '../../electron/core/audit/gitignore';
import { hashPassword, isBcryptHash } from '../../electron/core/hashing/bcrypt';
import { serviceFor } from '../../electron/core/keychain/keychain';
import { MemoryKeychain } from '../../electron/core/keychain/memory-keychain';
import { createLogger, memorySink } from '../../electron/core/log/logger';
import type { CommandRunner } from '../../electron/core/rotation/commands';
import { stagingService } from '../../electron/core/rotation/staging';
import { createCoreServices, type CoreServices } from '../../electron/core/services';
import { gitignoreWithEnv } from '../../electron/core/setup/plan';
import { addDeployment } from '../../electron/core/store/deployments';
import { createHandlers } from '../../electron/main/ipc/handlers';
import { createRouter, type Router } from '../../electron/main/ipc/router';
import { harnessPlatform } from '../harness/platform';
import { passwordHashVariables } from '../../electron/core/hashing/stored-form';
import { crucibleCeProfile } from '../../electron/core/stack/crucible-ce';

const PASSWORD_VARS = passwordHashVariables(crucibleCeProfile);

/**
 * Regressions of the rotation review:
 * T-REVIEW-21 the login password has ONE stored form: after a rotation the keychain holds exactly the bcrypt
 *             hash `.env` holds (drift in sync); the generated password is shown once through its named
 *             channel and is stored nowhere (keychain, staging, state, journal, log);
 * T-REVIEW-22 a backup restore with "rewrite .env" after a rotation writes a 60-character `$2b$` hash that
 *             Python's bcrypt verifies against the new password; a backup holding a plain password (older
 *             version) is restored as its hash; the `.env` port refuses a plain login password;
 * T-REVIEW-23 the encryption-key rotation's export and SQL (provider-key ciphertexts) live in a 0700 per-run
 *             folder under the app home, 0600, and are deleted at confirm and at rollback; the app's
 *             .gitignore lines cover leftovers in a deployment folder and the audit flags them;
 * T-REVIEW-24 a rotation reason holding a secret (keychain, `.env`, URL password) is refused and stored nowhere.
 */
const ORIGIN = 'app://crucible';
const top = { url: `${ORIGIN}/index.html`, isTopFrame: true };
const PASS = 'violet tractor sings under seven moons';
const LOGIN = 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD';
const REDIS = 'CANARY-redis-7d6c5b4a39281706';
const OLD_KEY = 'CANARY-old-encryption-key-0000000000000000';
const PG_USER = 'pguserabc123';

let home: string;
let folder: string;
let core: CoreServices;
let router: Router;
let keychain: MemoryKeychain;
let logLines: string[];
let id: string;
let oldHash: string;

/** A fake docker: the runner answers the export SELECT with encrypted rows, anything else with exit 0. */
function fakeRunner(exportJson: () => Promise<string>): CommandRunner {
  return {
    async run(argv) {
      if (argv.some((a) => a.startsWith('SELECT coalesce(json_agg')))
        return { code: 0, stdout: await exportJson(), stderr: '' };
      return { code: 0, stdout: '', stderr: '' };
    },
  };
}

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'cs-review2-home-'));
  folder = mkdtempSync(join(tmpdir(), 'cs-review2-dep-'));
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker'), '#!/bin/sh\nexit 99\n');
  chmodSync(join(bin, 'docker'), 0o755);
  const sink = memorySink();
  logLines = sink.lines;
  keychain = new MemoryKeychain();
  // The database's rows are encrypted with the key the services use now (the `.env` value).
  const exportJson = async () =>
    JSON.stringify([
      {
        id: '11111111-1111-4111-8111-111111111111',
        provider_api_keys: JSON.stringify({
          openrouter: fernetEncrypt(
            await deriveCrucibleFernetKey(envNow().get('API_KEY_ENCRYPTION_KEY') ?? ''),
            'sk-or-v1-CANARY-user-key',
          ),
        }),
      },
    ]);
  core = createCoreServices({
    home,
    logger: createLogger({ sink }),
    keychain,
    env: { PATH: bin },
    rotationRunner: fakeRunner(exportJson),
    backup: { kdf: { memoryKiB: 8, iterations: 1, parallelism: 1 }, weakKdfForTests: true },
  });
  router = createRouter({
    handlers: createHandlers({
      core,
      platform: harnessPlatform(),
      hostInfo: { host: 'harness', name: 'x', version: '0', versions: { node: process.versions.node } },
    }),
    isTrustedUrl: (u) => u.startsWith(ORIGIN),
    logger: core.logger,
  });
  id = `rv2-${Date.now().toString(36)}`;
  await core.store.update((s) =>
    addDeployment(s, {
      id,
      name: 'Review',
      folder,
      composeFiles: ['docker-compose.yml'],
      environment: 'production',
      createdAt: new Date().toISOString(),
    }),
  );
  oldHash = await hashPassword('old-login-password-22c');
  writeFileSync(
    join(folder, '.env'),
    `${LOGIN}='${oldHash}'\nREDIS_PASSWORD='${REDIS}'\nAPI_KEY_ENCRYPTION_KEY='${OLD_KEY}'\nPOSTGRES_USER='${PG_USER}'\n`,
    { mode: 0o600 },
  );
  await keychain.set(serviceFor(id), LOGIN, oldHash);
  await keychain.set(serviceFor(id), 'REDIS_PASSWORD', REDIS);
  await keychain.set(serviceFor(id), 'API_KEY_ENCRYPTION_KEY', OLD_KEY);
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

async function call<T>(channel: string, payload: unknown): Promise<T> {
  const r = await router.handle(channel, payload, top);
  if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
  return r.value as T;
}

const envNow = () => envValues(parseEnv(readFileSync(join(folder, '.env'), 'utf8')));

/** Python's bcrypt (what Crucible uses) checks the password; both go on stdin, never in argv. */
function pythonVerifies(password: string, hash: string): boolean {
  const script = 'import sys, json, bcrypt; p, h = json.load(sys.stdin); print(bcrypt.checkpw(p.encode(), h.encode()))';
  return (
    execFileSync('/usr/bin/python3', ['-c', script], {
      input: JSON.stringify([password, hash]),
      encoding: 'utf8',
    }).trim() === 'True'
  );
}

/** Every step to the end: app steps performed, commands run by the fake docker, manual ones ticked; optional ones left. */
async function drive(view: RotationView, until?: string): Promise<RotationView> {
  for (const s of view.steps) {
    if (s.id === until) return view;
    const fresh = (await call<RotationView>('cs:rotation:view', { id: view.id })).steps.find((x) => x.id === s.id);
    if (!fresh || fresh.state === 'done' || s.optional) continue;
    if (s.kind === 'manual') view = await call<RotationView>('cs:rotation:tick', { id: view.id, step: s.id });
    else
      view = (await call<{ view: RotationView; ok: boolean }>('cs:rotation:perform', { id: view.id, step: s.id })).view;
  }
  return view;
}

async function rotateLoginPassword(): Promise<string> {
  const started = await call<RotationView>('cs:rotation:start', {
    deploymentId: id,
    variable: LOGIN,
    reason: 'scheduled',
  });
  expect(started.newPasswordWaiting).toBe(true);
  const { password } = await call<{ password: string }>('cs:rotation:revealNewPassword', { id: started.id });
  expect(password).toMatch(/^[A-Za-z0-9_-]{22}$/);
  // Shown once: a second reveal is refused.
  await expect(call('cs:rotation:revealNewPassword', { id: started.id })).rejects.toMatchObject({
    code: 'ROTATION_PASSWORD_NOT_WAITING',
  });
  const done = await drive(started);
  expect((await call<RotationView>('cs:rotation:confirm', { id: done.id })).status).toBe('confirmed');
  return password;
}

describe('rotation review regressions', () => {
  it(
    'T-REVIEW-21: after a login-password rotation the keychain holds exactly the .env hash, drift is in sync, and the password is stored nowhere',
    { timeout: 60_000 },
    async () => {
      const password = await rotateLoginPassword();
      const live = (await keychain.get(serviceFor(id), LOGIN)) ?? '';
      expect(isBcryptHash(live)).toBe(true);
      expect(live).not.toBe(oldHash);
      expect(envNow().get(LOGIN)).toBe(live);
      expect(pythonVerifies(password, live)).toBe(true);
      const drift = await core.inventory.drift(id);
      expect(drift.items.find((i) => i.name === LOGIN)?.status).toBe('in-sync');
      // Not in the keychain (live or any staging service of this run), the state, the journal or the log.
      const runs = (await core.store.read()).rotations.map((r) => r.id);
      const entries = [
        ...(await keychain.list(serviceFor(id))),
        ...(await Promise.all(runs.map((r) => keychain.list(stagingService(id, r))))).flat(),
      ];
      expect(entries.filter((e) => e.value.includes(password))).toEqual([]);
      const everywhere = [
        readFileSync(core.paths.stateFile, 'utf8'),
        readFileSync(core.paths.journalFile, 'utf8'),
        logLines.join('\n'),
        JSON.stringify(await call('cs:rotation:history', { deploymentId: id })),
      ].join('\n');
      expect(everywhere).not.toContain(password);
    },
  );

  it(
    'T-REVIEW-22: a restore with "rewrite .env" after a rotation writes the bcrypt hash Python verifies; a plain password in a backup is restored hashed',
    { timeout: 60_000 },
    async () => {
      const password = await rotateLoginPassword();
      const file = join(home, 'after-rotation.csbackup');
      await core.backup.exportTo(file, [id], PASS, PASS);
      writeFileSync(join(folder, '.env'), `${LOGIN}='stale'\n`, { mode: 0o600 });
      await keychain.delete(serviceFor(id), LOGIN);
      const plan = await core.backup.planRestore((await core.backup.registerFile(file)).fileId, PASS);
      await core.backup.applyRestore({
        sessionId: plan.sessionId,
        deployments: [{ deploymentId: id, secrets: [LOGIN], rewriteEnv: true }],
      });
      const restored = envNow().get(LOGIN) ?? '';
      expect(restored).toMatch(/^\$2b\$12\$[./A-Za-z0-9]{53}$/);
      expect(restored).toHaveLength(60);
      expect(pythonVerifies(password, restored)).toBe(true);
      expect(await keychain.get(serviceFor(id), LOGIN)).toBe(restored);

      // A backup made by an older version holds the plain password: it is restored as its hash, everywhere.
      const legacy = 'legacy-plain-login-pw-42';
      await keychain.set(serviceFor(id), LOGIN, legacy);
      const file2 = join(home, 'legacy.csbackup');
      await core.backup.exportTo(file2, [id], PASS, PASS);
      const plan2 = await core.backup.planRestore((await core.backup.registerFile(file2)).fileId, PASS);
      await core.backup.applyRestore({
        sessionId: plan2.sessionId,
        deployments: [{ deploymentId: id, secrets: [LOGIN], rewriteEnv: true }],
      });
      const rehashed = envNow().get(LOGIN) ?? '';
      expect(isBcryptHash(rehashed)).toBe(true);
      expect(pythonVerifies(legacy, rehashed)).toBe(true);
      expect(await keychain.get(serviceFor(id), LOGIN)).toBe(rehashed);
      expect(readFileSync(join(folder, '.env'), 'utf8')).not.toContain(legacy);

      // The .env port itself refuses a plain login password (defence in depth).
      await expect(
        envFilePort(PASSWORD_VARS, { home }).write(folder, { [LOGIN]: legacy }, null, id),
      ).rejects.toMatchObject({ code: 'SECRET_PASSWORD_NOT_HASHED' });
    },
  );

  it(
    'T-REVIEW-23: the export and SQL live in a 0700 per-run folder under the app home, 0600, and are gone after confirm and after rollback',
    { timeout: 120_000 },
    async () => {
      const started = await call<RotationView>('cs:rotation:start', {
        deploymentId: id,
        variable: 'API_KEY_ENCRYPTION_KEY',
        reason: 'scheduled',
      });
      const runDir = join(home, 'rotation', started.id);
      expect(started.exportFile).toBe(join(runDir, 'crucible-user-settings-export.json'));
      expect(started.sqlFile).toBe(join(runDir, 'crucible-reencrypt.sql'));
      let view = await drive(started, 'apply-sql');
      expect(view.steps.find((s) => s.id === 'reencrypt')?.state).toBe('done');
      expect(statSync(runDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(home, 'rotation')).mode & 0o777).toBe(0o700);
      for (const f of readdirSync(runDir)) expect(statSync(join(runDir, f)).mode & 0o777, f).toBe(0o600);
      expect(readdirSync(runDir).sort()).toEqual(['crucible-reencrypt.sql', 'crucible-user-settings-export.json']);
      expect(readdirSync(folder).filter((f) => f.startsWith('crucible-'))).toEqual([]);
      view = await drive(view);
      await call('cs:rotation:confirm', { id: view.id });
      expect(existsSync(runDir)).toBe(false);

      // Rolled back (before the SQL was applied): the files go too.
      const second = await call<RotationView>('cs:rotation:start', {
        deploymentId: id,
        variable: 'API_KEY_ENCRYPTION_KEY',
        reason: 'scheduled',
      });
      const dir2 = join(home, 'rotation', second.id);
      await drive(second, 'apply-sql');
      expect(existsSync(join(dir2, 'crucible-user-settings-export.json'))).toBe(true);
      await call('cs:rotation:rollback', { id: second.id });
      expect(existsSync(dir2)).toBe(false);

      // Leftovers in a deployment folder (older versions, admin-chosen paths) are git-ignored and flagged.
      for (const name of [
        'crucible-user-settings-export.json',
        'crucible-reencrypt.sql',
        'roundtable-before-rotation.sql',
      ]) {
        expect(gitignoreIgnores(GITIGNORE_LINES.join('\n'), name), name).toBe(true);
        expect(gitignoreIgnores(gitignoreWithEnv(null, false) ?? '', name), name).toBe(true);
      }
      writeFileSync(join(folder, 'crucible-user-settings-export.json'), '[]', { mode: 0o600 });
      const audit = await core.audit.run(id);
      expect(audit.findings.filter((f) => f.code === 'FILES_ROTATION_LEFTOVER').map((f) => f.file)).toEqual([
        'crucible-user-settings-export.json',
      ]);
    },
  );

  it('T-REVIEW-24: a rotation reason holding a secret is refused and stored nowhere', { timeout: 60_000 }, async () => {
    const keychainOnly = 'CANARY-jwt-only-in-keychain-3f2e1d0c';
    await keychain.set(serviceFor(id), 'ROUNDTABLE_JWT_SECRET', keychainOnly);
    const reasons = [`leaked ${REDIS} in a chat`, `jwt ${keychainOnly}`, 'see redis://:hunter2-pass@redis:6379/0'];
    for (const reason of reasons) {
      await expect(
        call('cs:rotation:start', { deploymentId: id, variable: 'REDIS_PASSWORD', reason }),
        reason,
      ).rejects.toMatchObject({ code: 'ROTATION_REASON_HAS_SECRET' });
    }
    expect((await core.store.read()).rotations).toEqual([]);
    const stored = [
      readFileSync(core.paths.stateFile, 'utf8'),
      existsSync(core.paths.journalFile) ? readFileSync(core.paths.journalFile, 'utf8') : '',
    ].join('\n');
    for (const s of [REDIS, keychainOnly, 'hunter2-pass']) expect(stored).not.toContain(s);
    // A reason without a secret is kept.
    const ok = await call<RotationView>('cs:rotation:start', {
      deploymentId: id,
      variable: 'REDIS_PASSWORD',
      reason: 'quarterly rotation',
    });
    expect(ok.reason).toBe('quarterly rotation');
  });
});
