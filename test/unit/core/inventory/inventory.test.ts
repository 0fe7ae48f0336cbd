import { readFileSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryKeychain } from '../../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../../electron/core/keychain/keychain';
import { createClipboardGuard, type ClipboardLike } from '../../../../electron/core/inventory/clipboard-guard';
import { deploymentForFolder } from '../../../../electron/core/inventory/inventory';
import { FaultyKeychain } from '../../../helpers/faulty-keychain';
import { coreWithDeployment, manualTimers } from '../../../helpers/core';

const REDIS = 'CANARY-redis-4f8a2c9e1b7d3a6f';
const JWT = 'CANARY-jwt-0e9d8c7b6a5f4e3d2c1b';

function memClipboard(): ClipboardLike & { text: string } {
  const c = { text: '', writeText: (t: string) => void (c.text = t), readText: () => Promise.resolve(c.text) };
  return c;
}

describe('inventory with an in-memory keychain', () => {
  it('stores secrets, records metadata with keyed fingerprints, and lists references only', async () => {
    const { core, id, home } = await coreWithDeployment({ keychain: new MemoryKeychain() });
    const r = await core.inventory.store({
      deploymentId: id,
      values: { REDIS_PASSWORD: REDIS, ROUNDTABLE_JWT_SECRET: JWT },
      origin: 'generated',
    });
    expect(r.fingerprints.REDIS_PASSWORD).toMatch(/^[0-9a-f]{16}$/);
    const list = await core.inventory.list(id);
    const redis = list.refs.find((x) => x.name === 'REDIS_PASSWORD');
    expect(redis).toMatchObject({
      status: 'ok',
      kind: 'secret',
      generation: 1,
      origin: 'generated',
      fingerprint: r.fingerprints.REDIS_PASSWORD,
    });
    // Profile secrets the keychain lacks are listed as missing.
    expect(list.refs.find((x) => x.name === 'POSTGRES_PASSWORD')?.status).toBe('missing');
    const text =
      JSON.stringify(list) +
      readFileSync(join(home, 'state.json'), 'utf8') +
      readFileSync(join(home, 'journal.jsonl'), 'utf8');
    expect(text).not.toContain(REDIS);
    expect(text).not.toContain(JWT);
  });

  it('says per secret which services receive it and how, from the compose files and the .env', async () => {
    const { core, id, folder } = await coreWithDeployment({ keychain: new MemoryKeychain() });
    const fixtures = join(__dirname, '../../../fixtures/compose/stock-dev');
    writeFileSync(join(folder, 'docker-compose.yml'), readFileSync(join(fixtures, 'docker-compose.yml')));
    writeFileSync(join(folder, '.env'), readFileSync(join(fixtures, 'dotenv')), { mode: 0o600 });
    const list = await core.inventory.list(id);
    const redis = list.refs.find((x) => x.name === 'REDIS_PASSWORD')?.reaches ?? [];
    expect(redis).toEqual(
      expect.arrayContaining([
        { service: 'redis', via: 'command', as: null, effective: true },
        { service: 'api', via: 'environment', as: 'ROUNDTABLE_REDIS_URL', effective: true },
        { service: 'api', via: 'mounted-file', as: 'REDIS_PASSWORD', effective: true },
      ]),
    );
    expect(JSON.stringify(list)).not.toContain('CANARY');
    // Without compose files the routes are unknown, not "none".
    const bare = await coreWithDeployment({ keychain: new MemoryKeychain() });
    expect((await bare.core.inventory.list(bare.id)).refs.every((r) => r.reaches === undefined)).toBe(true);
  });

  it('bumps the generation and the rotation date when a value changes', async () => {
    const { core, id } = await coreWithDeployment({ keychain: new MemoryKeychain() });
    await core.inventory.store({ deploymentId: id, values: { REDIS_PASSWORD: REDIS }, origin: 'imported' });
    await core.inventory.store({
      deploymentId: id,
      values: { REDIS_PASSWORD: REDIS + 'x' },
      origin: 'generated',
      rotation: true,
    });
    const meta = (await core.store.read()).secrets[id]?.REDIS_PASSWORD;
    expect(meta).toMatchObject({ generation: 2, origin: 'imported' });
    expect(meta?.lastRotated).not.toBeNull();
  });

  it('marks a value changed outside the app, and one the app does not know', async () => {
    const kc = new MemoryKeychain();
    const { core, id } = await coreWithDeployment({ keychain: kc });
    await core.inventory.store({ deploymentId: id, values: { REDIS_PASSWORD: REDIS }, origin: 'generated' });
    await kc.set(serviceFor(id), 'REDIS_PASSWORD', 'edited-by-hand-123');
    await kc.set(serviceFor(id), 'EXTRA_TOKEN', 'something-else-456');
    const refs = (await core.inventory.list(id)).refs;
    expect(refs.find((x) => x.name === 'REDIS_PASSWORD')?.status).toBe('changed');
    expect(refs.find((x) => x.name === 'EXTRA_TOKEN')?.status).toBe('untracked');
  });

  it('reveal and copy are journaled by name; copy clears the clipboard after the countdown if unchanged', async () => {
    const { core, id } = await coreWithDeployment({ keychain: new MemoryKeychain() });
    await core.inventory.store({ deploymentId: id, values: { REDIS_PASSWORD: REDIS }, origin: 'generated' });
    expect(await core.inventory.reveal(id, 'REDIS_PASSWORD')).toBe(REDIS);
    const clip = memClipboard();
    await core.inventory.copy(id, 'REDIS_PASSWORD', clip);
    expect(clip.text).toBe(REDIS);
    const types = (await core.journal.read({ deploymentId: id })).map((e) => `${e.type}:${e.subject ?? ''}`);
    expect(types).toEqual(expect.arrayContaining(['secret.revealed:REDIS_PASSWORD', 'secret.copied:REDIS_PASSWORD']));
    expect(await core.clipboardGuard.clearNow()).toBe(true);
    expect(clip.text).toBe('');
    await expect(core.inventory.reveal(id, 'NOPE')).rejects.toMatchObject({ code: 'SECRET_NOT_FOUND' });
  });

  it('drift: in sync, differs, missing in the keychain, missing in .env, bcrypt hash of the password', async () => {
    const { core, id, folder } = await coreWithDeployment({ keychain: new MemoryKeychain() });
    const bcrypt = await import('bcrypt');
    const hash = await bcrypt.hash('login-password-123456', 4);
    // The login password is stored as its hash only: a plain one is refused before anything changes.
    await expect(
      core.inventory.store({
        deploymentId: id,
        values: { REDIS_PASSWORD: REDIS, ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: 'login-password-123456' },
        origin: 'generated',
      }),
    ).rejects.toMatchObject({ code: 'SECRET_PASSWORD_NOT_HASHED' });
    await core.inventory.store({
      deploymentId: id,
      values: {
        REDIS_PASSWORD: REDIS,
        ROUNDTABLE_JWT_SECRET: JWT,
        ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: hash,
        POSTGRES_USER: 'pguser',
      },
      origin: 'generated',
    });
    writeFileSync(
      join(folder, '.env'),
      `REDIS_PASSWORD=${REDIS}\nROUNDTABLE_JWT_SECRET='other-value'\nROUNDTABLE_COMMUNITY_AUTH_PASSWORD='${hash}'\nAPI_KEY_ENCRYPTION_KEY=only-in-env-value\n`,
    );
    const report = await core.inventory.drift(id);
    const by = Object.fromEntries(report.items.map((i) => [i.name, i.status]));
    expect(by).toMatchObject({
      REDIS_PASSWORD: 'in-sync',
      ROUNDTABLE_JWT_SECRET: 'differs',
      ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: 'in-sync',
      API_KEY_ENCRYPTION_KEY: 'keychain-missing',
      POSTGRES_USER: 'env-missing',
      POSTGRES_PASSWORD: 'both-missing',
    });
    expect(report.inSync).toBe(false);
    expect(JSON.stringify(report)).not.toContain(REDIS);
    expect(JSON.stringify(report)).not.toContain('only-in-env-value');
  });

  it('drift reads the .env as compose does (double quotes, ${VAR} interpolation) and refuses one compose would reject', async () => {
    const { core, id, folder } = await coreWithDeployment({ keychain: new MemoryKeychain() });
    await core.inventory.store({
      deploymentId: id,
      values: { REDIS_PASSWORD: 'ab$cd-value', POSTGRES_PASSWORD: 'pg-part-xyz' },
      origin: 'generated',
    });
    writeFileSync(
      join(folder, '.env'),
      `PART=xyz\nREDIS_PASSWORD='ab$cd-value'\nPOSTGRES_PASSWORD="pg-part-\${PART}"\n`,
    );
    const by = Object.fromEntries((await core.inventory.drift(id)).items.map((i) => [i.name, i.status]));
    expect(by).toMatchObject({ REDIS_PASSWORD: 'in-sync', POSTGRES_PASSWORD: 'in-sync' });
    writeFileSync(join(folder, '.env'), `REDIS_PASSWORD='unterminated\n`);
    await expect(core.inventory.drift(id)).rejects.toMatchObject({ code: 'ENV_PARSE_ERROR' });
  });

  it('drift refuses a .env that is a symbolic link', async () => {
    const { core, id, folder, home } = await coreWithDeployment({ keychain: new MemoryKeychain() });
    writeFileSync(join(home, 'elsewhere'), 'A=1\n');
    symlinkSync(join(home, 'elsewhere'), join(folder, '.env'));
    await expect(core.inventory.drift(id)).rejects.toMatchObject({ code: 'ENV_SYMLINK_REFUSED' });
  });

  it('finds the deployment of a folder, and refuses an unregistered one', async () => {
    const { core, folder, id } = await coreWithDeployment({ keychain: new MemoryKeychain() });
    expect((await deploymentForFolder(await core.store.read(), folder + '/.')).id).toBe(id);
    await expect(deploymentForFolder(await core.store.read(), '/nowhere')).rejects.toMatchObject({
      code: 'DEPLOYMENT_NOT_REGISTERED',
    });
  });
});

describe('store secrets: all or nothing', () => {
  it('a keychain that fails half-way is put back: previous values stay, nothing new, no metadata, the alsoWrite never ran', async () => {
    const mem = new MemoryKeychain();
    const kc = new FaultyKeychain(mem, 1);
    const { core, id } = await coreWithDeployment({ keychain: kc });
    kc.heal();
    await core.inventory.store({
      deploymentId: id,
      values: { REDIS_PASSWORD: 'old-redis-value' },
      origin: 'generated',
    });
    const before = await core.store.read();
    // Fails on the second live write; rollback works because the fault clears itself (a transient error).
    const flaky = new FaultyKeychain(mem, 1);
    flaky.onBreak = () => queueMicrotask(() => flaky.heal());
    const { core: core2 } = {
      core: (await import('../../../../electron/core/services')).createCoreServices({
        home: core.paths.home,
        logger: core.logger,
        keychain: flaky,
      }),
    };
    let wroteEnv = false;
    await expect(
      core2.inventory.store({
        deploymentId: id,
        values: { REDIS_PASSWORD: 'new-redis', ROUNDTABLE_JWT_SECRET: 'new-jwt-value' },
        origin: 'generated',
        alsoWrite: () => {
          wroteEnv = true;
          return Promise.resolve();
        },
      }),
    ).rejects.toMatchObject({ code: 'KEYCHAIN_LOCKED', message: expect.stringContaining('Nothing was changed') });
    expect(wroteEnv).toBe(false);
    expect(await mem.get(serviceFor(id), 'REDIS_PASSWORD')).toBe('old-redis-value');
    expect(await mem.get(serviceFor(id), 'ROUNDTABLE_JWT_SECRET')).toBeNull();
    const after = await core.store.read();
    expect(after.secrets).toEqual(before.secrets);
    expect(after.pendingKeychainWrites).toEqual([]);
  });

  it('when the .env write fails, the keychain is put back', async () => {
    const mem = new MemoryKeychain();
    const { core, id } = await coreWithDeployment({ keychain: mem });
    await core.inventory.store({
      deploymentId: id,
      values: { REDIS_PASSWORD: 'old-redis-value' },
      origin: 'generated',
    });
    await expect(
      core.inventory.store({
        deploymentId: id,
        values: { REDIS_PASSWORD: 'new-redis-value', POSTGRES_PASSWORD: 'new-pg-value' },
        origin: 'generated',
        alsoWrite: () => Promise.reject(new Error('disk full')),
      }),
    ).rejects.toThrow('disk full');
    expect(await mem.get(serviceFor(id), 'REDIS_PASSWORD')).toBe('old-redis-value');
    expect(await mem.get(serviceFor(id), 'POSTGRES_PASSWORD')).toBeNull();
    expect(await mem.list(`${serviceFor(id)}/rollback-x`)).toEqual([]);
  });

  it('a keychain that locks half-way and stays locked: the write is marked interrupted, values are refused, and put back once unlocked', async () => {
    const mem = new MemoryKeychain();
    const kc = new FaultyKeychain(mem, Number.POSITIVE_INFINITY);
    const { core, id } = await coreWithDeployment({ keychain: kc });
    await core.inventory.store({
      deploymentId: id,
      values: { REDIS_PASSWORD: 'old-redis-value', ROUNDTABLE_JWT_SECRET: 'old-jwt-value' },
      origin: 'generated',
    });
    const locking = new FaultyKeychain(mem, 1);
    const core2 = (await import('../../../../electron/core/services')).createCoreServices({
      home: core.paths.home,
      logger: core.logger,
      keychain: locking,
    });
    await expect(
      core2.inventory.store({
        deploymentId: id,
        values: { REDIS_PASSWORD: 'new-redis', ROUNDTABLE_JWT_SECRET: 'new-jwt' },
        origin: 'generated',
      }),
    ).rejects.toMatchObject({ code: 'KEYCHAIN_WRITE_INTERRUPTED' });
    expect((await core2.store.read()).pendingKeychainWrites).toHaveLength(1);
    // Half-written underneath: the first value is new.
    expect(await mem.get(serviceFor(id), 'REDIS_PASSWORD')).toBe('new-redis');
    expect((await core2.inventory.list(id)).refs.every((r) => r.status === 'interrupted')).toBe(true);
    await expect(core2.inventory.reveal(id, 'REDIS_PASSWORD')).rejects.toMatchObject({ code: 'SECRETS_INTERRUPTED' });
    locking.heal();
    expect(await core2.inventory.recover()).toEqual([id]);
    expect(await mem.get(serviceFor(id), 'REDIS_PASSWORD')).toBe('old-redis-value');
    expect(await mem.get(serviceFor(id), 'ROUNDTABLE_JWT_SECRET')).toBe('old-jwt-value');
    expect((await core2.store.read()).pendingKeychainWrites).toEqual([]);
    expect((await core2.inventory.list(id)).refs.find((r) => r.name === 'REDIS_PASSWORD')?.status).toBe('ok');
  });

  it('a keychain that is locked before the operation changes nothing at all', async () => {
    const mem = new MemoryKeychain();
    const kc = new FaultyKeychain(mem, 0);
    kc.broken = true;
    const { core, id, home } = await coreWithDeployment({ keychain: kc });
    const state = readFileSync(join(home, 'state.json'), 'utf8');
    await expect(
      core.inventory.store({ deploymentId: id, values: { REDIS_PASSWORD: 'x-value-123' }, origin: 'generated' }),
    ).rejects.toMatchObject({ code: 'KEYCHAIN_LOCKED' });
    expect(readFileSync(join(home, 'state.json'), 'utf8')).toBe(state);
    expect(await mem.list(serviceFor(id))).toEqual([]);
  });
});

describe('clipboard guard', () => {
  it('leaves the clipboard alone when the admin copied something else meanwhile', async () => {
    const timers = manualTimers();
    const guard = createClipboardGuard({ timers, clock: () => new Date(0) });
    const clip = memClipboard();
    expect(guard.copy(clip, 'secret-value').clearsAt.toISOString()).toBe('1970-01-01T00:00:30.000Z');
    clip.text = 'something else';
    timers.fire();
    await Promise.resolve();
    await Promise.resolve();
    expect(clip.text).toBe('something else');
  });

  it('clears after the countdown when the value is still there', async () => {
    const timers = manualTimers();
    const guard = createClipboardGuard({ timers });
    const clip = memClipboard();
    guard.copy(clip, 'secret-value');
    expect(timers.count()).toBe(1);
    timers.fire();
    await new Promise((r) => setTimeout(r, 0));
    expect(clip.text).toBe('');
    expect(guard.pending()).toBe(false);
  });
});
