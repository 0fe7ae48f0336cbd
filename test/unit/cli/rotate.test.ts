import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import { envValues, parseEnv } from '../../../electron/core/envfile';
import { deriveCrucibleFernetKey, fernetDecrypt, fernetEncrypt } from '../../../electron/core/crypto/fernet';
import { hashPassword, verifyPassword } from '../../../electron/core/hashing/bcrypt';
import { coreWithDeployment } from '../../helpers/core';
import { scramSha256Verifier } from '../../../electron/core/rotation/scram';
import { cliIo } from '../../helpers/cli-io';

const OLD = {
  POSTGRES_USER: 'pguserabc123',
  POSTGRES_PASSWORD: 'CANARY-old-pg-password-000000000',
  REDIS_PASSWORD: 'CANARY-old-redis-password-00000000000000000',
  API_KEY_ENCRYPTION_KEY: 'CANARY-old-encryption-key-0000000000000000',
};

/** A deployment whose .env holds OLD, and (optionally) a recording fake `docker` first on PATH. */
async function setup(withDocker: boolean) {
  const kc = new MemoryKeychain();
  const bin = mkdtempSync(join(tmpdir(), 'cs-fake-docker-'));
  const log = join(bin, 'docker.log');
  if (withDocker) {
    // Records argv and stdin; answers like docker would for the commands the playbooks use.
    writeFileSync(
      join(bin, 'docker'),
      `#!/bin/sh\nprintf 'ARGV %s\\n' "$*" >> "${log}"\nprintf 'ENV %s\\n' "\${POSTGRES_PASSWORD:-unset}" >> "${log}"\nprintf 'STDIN ' >> "${log}"; cat >> "${log}"; printf '\\n' >> "${log}"\ncase "$*" in *pg_dump*) printf -- '-- PostgreSQL database dump\\n' ;; *"exec -T api python"*) printf '{"results":[{"check":"health","ok":true,"detail":"ok"}]}\\n' ;; esac\nexit 0\n`,
    );
    chmodSync(join(bin, 'docker'), 0o755);
  }
  const ctx = await coreWithDeployment({
    keychain: kc,
    env: { PATH: `${bin}:/usr/bin:/bin`, POSTGRES_PASSWORD: 'exported-in-shell' },
  });
  writeFileSync(
    join(ctx.folder, '.env'),
    Object.entries(OLD)
      .map(([k, v]) => `${k}='${v}'`)
      .join('\n') + '\n',
    { mode: 0o600 },
  );
  for (const [k, v] of Object.entries(OLD)) await kc.set(serviceFor(ctx.id), k, v);
  const run = async (...argv: string[]) => {
    const { io, out, err } = cliIo();
    const code = await runCli(argv, io, { coreFactory: () => ctx.core });
    return { code, out: out(), err: err() };
  };
  const env = () => envValues(parseEnv(readFileSync(join(ctx.folder, '.env'), 'utf8')));
  const dockerLog = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  return { ...ctx, kc, run, env, dockerLog };
}

describe('crucible-secrets rotate', () => {
  it('--dry-run shows the plan with exact commands and writes nothing', async () => {
    const t = await setup(false);
    const r = await t.run('rotate', t.folder, 'REDIS_PASSWORD', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('docker compose up -d redis api worker beat');
    expect(r.out).toMatch(/users lose: All login sessions/);
    expect(r.out).not.toMatch(/\$ docker compose restart/);
    expect((await t.core.store.read()).rotations).toEqual([]);
    expect(t.env().get('REDIS_PASSWORD')).toBe(OLD.REDIS_PASSWORD);
  });

  it('--dry-run --json for POSTGRES_USER says it is not rotatable and offers the password', async () => {
    const t = await setup(false);
    const r = await t.run('rotate', t.folder, 'POSTGRES_USER', '--dry-run', '--json');
    expect(JSON.parse(r.out)).toMatchObject({ rotatable: false, alternative: 'POSTGRES_PASSWORD', steps: [] });
    const started = await t.run('rotate', t.folder, 'POSTGRES_USER', '--yes');
    expect(started.code).toBe(65);
    expect(started.err).toContain('Rotate POSTGRES_PASSWORD instead');
  });

  it('REDIS_PASSWORD --yes with docker: stages, writes .env, recreates through docker; pending until --confirm', async () => {
    const t = await setup(true);
    const r = await t.run('rotate', t.folder, 'REDIS_PASSWORD', '--yes', '--reason', 'test');
    expect(r.code, r.err).toBe(0);
    const next = await t.kc.get(serviceFor(t.id), 'REDIS_PASSWORD');
    expect(next).not.toBe(OLD.REDIS_PASSWORD);
    expect(t.env().get('REDIS_PASSWORD')).toBe(next);
    expect(t.dockerLog()).toContain('ARGV compose up -d redis api worker beat');
    expect(t.dockerLog()).not.toMatch(/ARGV .*restart/);
    expect(r.out).toContain('--confirm');
    expect(r.out + r.err).not.toContain(next);
    // The previous value is still in the keychain (staged beside the new one).
    const staged = (await t.core.rotation.pending(t.id))[0];
    expect(staged?.status).toBe('in-progress');
    expect(await t.kc.get(`${serviceFor(t.id)}/rotation/${staged?.id ?? ''}`, 'REDIS_PASSWORD#previous')).toBe(
      OLD.REDIS_PASSWORD,
    );
    // Running it again resumes; it does not stage another value.
    await t.run('rotate', t.folder, 'REDIS_PASSWORD', '--yes');
    expect(await t.kc.get(serviceFor(t.id), 'REDIS_PASSWORD')).toBe(next);
    const c = await t.run('rotate', t.folder, 'REDIS_PASSWORD', '--confirm');
    expect(c.code, c.err).toBe(0);
    expect(await t.kc.list(`${serviceFor(t.id)}/rotation/${staged?.id ?? ''}`)).toEqual([]);
    expect((await t.core.rotation.history(t.id, 'REDIS_PASSWORD'))[0]).toMatchObject({
      status: 'confirmed',
      reason: 'test',
      generation: 2,
    });
  });

  it('POSTGRES_PASSWORD --yes without docker stops before .env; --done alter-role continues; ALTER ROLE goes on stdin with a SCRAM verifier', async () => {
    const t = await setup(false);
    const r = await t.run('rotate', t.folder, 'POSTGRES_PASSWORD', '--yes');
    expect(r.code, r.err).toBe(0);
    // The manual path is complete: the printed command reads a 0600 file with the real SCRAM verifier.
    const printed =
      /\$ (docker compose exec -T postgres psql -U pguserabc123 -d roundtable -v ON_ERROR_STOP=1 < (\S+alter-role\.sql))/.exec(
        r.out,
      );
    expect(printed, r.out).not.toBeNull();
    const sqlFile = printed?.[2] ?? '';
    expect(statSync(sqlFile).mode & 0o777).toBe(0o600);
    expect(sqlFile.startsWith(t.core.paths.home)).toBe(true);
    const staged = (await t.core.rotation.pending(t.id))[0];
    const nextPw = (await t.kc.get(`${serviceFor(t.id)}/rotation/${staged?.id ?? ''}`, 'POSTGRES_PASSWORD#next')) ?? '';
    expect(readFileSync(sqlFile, 'utf8')).toBe(
      `ALTER ROLE "pguserabc123" WITH PASSWORD '${scramSha256Verifier(nextPw)}';\n`,
    );
    expect(readFileSync(sqlFile, 'utf8')).not.toContain(nextPw);
    // …and runs as printed: a docker on PATH receives exactly that SQL on stdin.
    const recorder = mkdtempSync(join(tmpdir(), 'cs-printed-'));
    writeFileSync(join(recorder, 'docker'), `#!/bin/sh\ncat > "${join(recorder, 'stdin')}"\n`, { mode: 0o755 });
    execFileSync('sh', ['-c', printed?.[1] ?? 'false'], { env: { PATH: `${recorder}:/usr/bin:/bin` } });
    expect(readFileSync(join(recorder, 'stdin'), 'utf8')).toBe(readFileSync(sqlFile, 'utf8'));
    expect(t.env().get('POSTGRES_PASSWORD')).toBe(OLD.POSTGRES_PASSWORD);
    const r2 = await t.run('rotate', t.folder, 'POSTGRES_PASSWORD', '--yes', '--done', 'alter-role');
    expect(r2.code, r2.err).toBe(0);
    const next = await t.kc.get(serviceFor(t.id), 'POSTGRES_PASSWORD');
    expect(t.env().get('POSTGRES_PASSWORD')).toBe(next);
    expect(r2.out).toContain('docker compose up -d api worker beat postgres');
    const back = await t.run('rotate', t.folder, 'POSTGRES_PASSWORD', '--rollback');
    expect(back.code, back.err).toBe(0);
    // The role must be set back too: the printed command reads the previous password's verifier.
    const undo =
      /docker compose exec -T postgres psql \S+ \S+ -d roundtable -v ON_ERROR_STOP=1 < (\S+alter-role-previous\.sql)/.exec(
        back.out,
      );
    expect(undo, back.out).not.toBeNull();
    expect(readFileSync(undo?.[1] ?? '', 'utf8')).toContain(scramSha256Verifier(OLD.POSTGRES_PASSWORD));
    expect(existsSync(sqlFile)).toBe(false); // the forward file went with the run
    expect(t.env().get('POSTGRES_PASSWORD')).toBe(OLD.POSTGRES_PASSWORD);
    expect(await t.kc.get(serviceFor(t.id), 'POSTGRES_PASSWORD')).toBe(OLD.POSTGRES_PASSWORD);
  });

  it('POSTGRES_PASSWORD with docker runs ALTER ROLE with the SQL on stdin, never in argv, and without the shell-exported value', async () => {
    const t = await setup(true);
    const r = await t.run('rotate', t.folder, 'POSTGRES_PASSWORD', '--yes');
    expect(r.code, r.err).toBe(0);
    const next = (await t.kc.get(serviceFor(t.id), 'POSTGRES_PASSWORD')) ?? '';
    const log = t.dockerLog();
    expect(log).toMatch(/STDIN ALTER ROLE "pguserabc123" WITH PASSWORD 'SCRAM-SHA-256\$4096:/);
    // The password itself reaches no command but the service check's stdin (which logs in with it).
    const alter = log.split('ARGV ').filter((e) => !e.includes('exec -T api python'));
    for (const e of alter) expect(e).not.toContain(next);
    expect(log.split('ARGV ').every((e) => !e.split('\n')[0]?.includes(next))).toBe(true); // never in argv
    expect(log).not.toContain('exported-in-shell');
    expect(log).toContain('ENV unset');
    expect(t.env().get('POSTGRES_PASSWORD')).toBe(next);
  });

  it('API_KEY_ENCRYPTION_KEY --yes --export --sql-out: writes the SQL, then the new key to .env, and prints the apply command', async () => {
    const t = await setup(false);
    const oldF = await deriveCrucibleFernetKey(OLD.API_KEY_ENCRYPTION_KEY);
    const exportFile = join(t.folder, 'export.json');
    const sqlFile = join(t.folder, 'out.sql');
    writeFileSync(
      exportFile,
      JSON.stringify([
        {
          id: '11111111-1111-4111-8111-111111111111',
          provider_api_keys: JSON.stringify({ openrouter: fernetEncrypt(oldF, 'sk-or-v1-CANARY-user') }),
        },
      ]),
    );
    const r = await t.run(
      'rotate',
      t.folder,
      'API_KEY_ENCRYPTION_KEY',
      '--yes',
      '--export',
      exportFile,
      '--sql-out',
      sqlFile,
    );
    expect(r.code, r.err).toBe(0);
    const sql = readFileSync(sqlFile, 'utf8');
    const newKey = t.env().get('API_KEY_ENCRYPTION_KEY') ?? '';
    expect(newKey).not.toBe(OLD.API_KEY_ENCRYPTION_KEY);
    const token = /"openrouter": "(gAAAA[^"]+)"/.exec(sql)?.[1] ?? '';
    expect(fernetDecrypt(await deriveCrucibleFernetKey(newKey), token).toString()).toBe('sk-or-v1-CANARY-user');
    expect(r.out).toContain(`< ${sqlFile}`);
    expect(r.out + r.err).not.toContain('sk-or-v1-CANARY-user');
    expect(r.out + r.err).not.toContain(newKey);
  });

  it(
    'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD --yes: the generated password is shown once on stderr; keychain and .env hold the same bcrypt hash',
    { timeout: 30_000 },
    async () => {
      const t = await setup(false);
      const oldHash = await hashPassword('old-login-password-22c');
      writeFileSync(join(t.folder, '.env'), `ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='${oldHash}'\n`, { mode: 0o600 });
      await t.kc.set(serviceFor(t.id), 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', oldHash);
      const r = await t.run('rotate', t.folder, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', '--yes');
      expect(r.code, r.err).toBe(0);
      const password = /shown once[^\n]*\n\n {4}(\S+)\n/.exec(r.err)?.[1] ?? '';
      expect(password).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(r.out).not.toContain(password);
      const live = (await t.kc.get(serviceFor(t.id), 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')) ?? '';
      expect(t.env().get('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toBe(live);
      expect(await verifyPassword(password, live)).toBe(true);
      // Resuming does not show it again (and there is nothing to show).
      const again = await t.run('rotate', t.folder, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', '--yes');
      expect(again.err).not.toContain(password);
    },
  );

  it('a provider key needs --value-stdin', async () => {
    const t = await setup(false);
    const r = await t.run('rotate', t.folder, 'ROUNDTABLE_OPENROUTER_API_KEY', '--yes');
    expect(r.code).toBe(65);
    expect(r.err).toContain('ROTATION_VALUE_REQUIRED');
  });
});
