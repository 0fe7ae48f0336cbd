import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import { envValues, parseEnv } from '../../../electron/core/envfile';
import { coreWithDeployment } from '../../helpers/core';
import { cliIo } from '../../helpers/cli-io';

/**
 * Issue 15: every step the app runs has a checked outcome. The docker on these machines is Docker 28's
 * client without the Compose v2 plugin — exactly the admin's case in the issue — so the real binary is used
 * where it exists (a stand-in printing the same words where it does not).
 */

const REAL_DOCKER = '/usr/local/bin/docker';
const CANARY = 'CANARY-old-redis-password-00000000000000000';

async function setup() {
  const kc = new MemoryKeychain();
  const bin = mkdtempSync(join(tmpdir(), 'cs-docker-no-compose-'));
  if (existsSync(REAL_DOCKER)) symlinkSync(REAL_DOCKER, join(bin, 'docker'));
  else
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\necho "unknown shorthand flag: 'T' in -T" >&2\nexit 125\n`, {
      mode: 0o755,
    });
  const ctx = await coreWithDeployment({
    keychain: kc,
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: mkdtempSync(join(tmpdir(), 'cs-docker-home-')) },
  });
  writeFileSync(join(ctx.folder, '.env'), `POSTGRES_USER='pguser'\nREDIS_PASSWORD='${CANARY}'\n`, { mode: 0o600 });
  await kc.set(serviceFor(ctx.id), 'REDIS_PASSWORD', CANARY);
  const run = async (...argv: string[]) => {
    const { io, out, err } = cliIo();
    const code = await runCli(argv, io, { coreFactory: () => ctx.core });
    return { code, out: out(), err: err() };
  };
  return { ...ctx, kc, run };
}

describe('a step that fails stops the rotation and says why', () => {
  it('docker without the compose plugin: the step is marked failed, diagnosed in words, exit 75, no file claimed', async () => {
    const t = await setup();
    const r = await t.run('rotate', t.folder, 'REDIS_PASSWORD', '--yes');
    expect(r.code, r.err).toBe(75);
    expect(r.err).toMatch(/Step "Back up the database" failed \(exit 125\)/);
    expect(r.err).toMatch(/Compose v2 plugin|compose plugin/i);
    expect(r.err).toContain('--done backup');
    expect(r.err).toContain('--rollback');
    expect(r.out).not.toContain('(written to');
    // No dump file was left anywhere under the app home.
    const dumps = join(t.core.paths.home, 'dumps');
    const left = existsSync(dumps)
      ? readdirSync(dumps, { recursive: true }).filter(
          (e) => String(e).endsWith('.sql') || String(e).endsWith('.sql.age') || String(e).includes('.part-'),
        )
      : [];
    expect(left).toEqual([]);
    // Nothing after the failed step happened: .env still holds the old value.
    expect(envValues(parseEnv(readFileSync(join(t.folder, '.env'), 'utf8'))).get('REDIS_PASSWORD')).toBe(CANARY);
    const view = (await t.core.rotation.pending(t.id))[0];
    const step = view?.steps.find((s) => s.id === 'backup');
    expect(step).toMatchObject({ state: 'failed', failure: { kind: 'compose-plugin-missing', exitCode: 125 } });
    expect(view?.blocking).toContain('write-env');
    // The state keeps the words, never the output.
    expect(readFileSync(t.core.paths.stateFile, 'utf8')).not.toContain('Usage:');
    // Running it again retries and fails the same way, still non-zero.
    expect((await t.run('rotate', t.folder, 'REDIS_PASSWORD', '--yes')).code).toBe(75);
  });

  it('"done by hand" moves on; the next command step fails in its turn and the run stays resumable', async () => {
    const t = await setup();
    await t.run('rotate', t.folder, 'REDIS_PASSWORD', '--yes');
    const r = await t.run('rotate', t.folder, 'REDIS_PASSWORD', '--yes', '--done', 'backup');
    expect(r.code).toBe(75);
    expect(r.err).toMatch(/Step "Recreate redis, api, worker, beat" failed/);
    const next = await t.kc.get(serviceFor(t.id), 'REDIS_PASSWORD');
    expect(next).not.toBe(CANARY); // write-env ran, then recreate failed
    const back = await t.run('rotate', t.folder, 'REDIS_PASSWORD', '--rollback');
    expect(back.code, back.err).toBe(0);
    expect(await t.kc.get(serviceFor(t.id), 'REDIS_PASSWORD')).toBe(CANARY);
    expect(envValues(parseEnv(readFileSync(join(t.folder, '.env'), 'utf8'))).get('REDIS_PASSWORD')).toBe(CANARY);
  });
});

describe('a journal that refuses entries stops a rotation before it changes anything', () => {
  it('a symlinked journal: refused, no run recorded, .env and keychain as they were', async () => {
    const t = await setup();
    const { readFileSync: read, unlinkSync, writeFileSync: write } = await import('node:fs');
    await t.core.journal.append({ type: 'file.written', subject: 'before' });
    const file = t.core.paths.journalFile;
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'cs-journal-elsewhere-')), 'journal.jsonl');
    write(elsewhere, read(file));
    unlinkSync(file);
    symlinkSync(elsewhere, file);
    const envBefore = read(join(t.folder, '.env'), 'utf8');
    const r = await t.run('rotate', t.folder, 'REDIS_PASSWORD', '--yes');
    expect(r.code).toBe(65);
    expect(r.err).toContain('symbolic link');
    expect((await t.core.store.read()).rotations).toEqual([]);
    expect(read(join(t.folder, '.env'), 'utf8')).toBe(envBefore);
    expect(await t.kc.get(serviceFor(t.id), 'REDIS_PASSWORD')).toBe(CANARY);
  });
});
