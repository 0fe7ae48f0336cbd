import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../../../electron/core/log/logger';
import { createStateStore } from '../../../../electron/core/store/state-store';
import { migrateState } from '../../../../electron/core/store/migrations';
import { STATE_VERSION, emptyState } from '../../../../electron/core/store/schema';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/state/', import.meta.url));
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown;

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'cs-state-'));
  const sink = memorySink();
  let t = Date.parse('2026-05-01T00:00:00Z');
  const store = createStateStore({
    file: join(dir, 'state.json'),
    logger: createLogger({ sink }),
    clock: () => new Date((t += 1000)),
  });
  return { dir, store, sink, file: join(dir, 'state.json') };
}

const deployment = {
  id: 'demo-one',
  name: 'Demo',
  folder: '/srv/demo',
  composeFiles: [],
  environment: 'development' as const,
  createdAt: '2026-05-01T00:00:00.000Z',
};

describe('state migrations (golden files)', () => {
  it('reads format 1 and lifts it to the current format', () => {
    const { state, fromVersion } = migrateState(fixture('v1.json'));
    expect(fromVersion).toBe(1);
    expect(state.version).toBe(STATE_VERSION);
    expect(state.settings.keychainBackend).toBe('os');
    expect(state.deployments[0]?.id).toBe('crucible-prod');
    expect(state.secrets['crucible-prod']?.ROUNDTABLE_JWT_SECRET).toEqual({
      variable: 'ROUNDTABLE_JWT_SECRET',
      fingerprint: 'fedcba9876543210',
      generation: 3,
      created: '2026-01-10T09:00:01.000Z',
      lastRotated: '2026-03-02T12:30:00.000Z',
      origin: 'imported',
    });
    expect(state.rotations).toEqual([]);
  });

  it('reads format 2 as it is, keeping the fields other features own', () => {
    const { state, fromVersion } = migrateState(fixture('v2.json'));
    expect(fromVersion).toBe(2);
    expect(state.settings.keychainBackend).toBe('file-vault');
    expect(state.rotations[0]).toMatchObject({ id: 'rot-1', playbook: 'jwt-secret' });
    expect(state.incidents[0]).toMatchObject({ summary: 'laptop lost' });
    expect(state.checklists['crucible-prod']?.['env-not-in-git']?.note).toBe('checked with git ls-files');
  });

  it('refuses a file written by a newer app', () => {
    expect(() => migrateState(fixture('v99-future.json'))).toThrow(expect.objectContaining({ code: 'STATE_TOO_NEW' }));
  });

  it('writes a migrated file in the current format on the next change, keeping the old one as a backup', async () => {
    const { store, file, dir } = setup();
    copyFileSync(join(FIXTURES, 'v1.json'), file);
    await store.update((s) => {
      s.checklists['crucible-prod'] = { 'env-mode': { checkedAt: '2026-05-01T00:00:00.000Z' } };
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      version: STATE_VERSION,
      checklists: { 'crucible-prod': { 'env-mode': {} } },
    });
    const backups = readdirSync(dir).filter((n) => n.startsWith('state.json.bak-'));
    expect(backups).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, backups[0]!), 'utf8')).version).toBe(1);
  });
});

describe('state store', () => {
  it('starts empty when there is no file, and writes nothing until a change', async () => {
    const { store, dir } = setup();
    expect(await store.read()).toEqual(emptyState());
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes changes atomically with mode 0600 and reads them back', async () => {
    const { store, file } = setup();
    await store.update((s) => {
      s.deployments.push(deployment);
    });
    expect((await store.read()).deployments).toEqual([deployment]);
    const { statSync } = await import('node:fs');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('serialises concurrent changes so none is lost', async () => {
    const { store } = setup();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.update((s) => {
          s.rotations.push({
            id: `r${i}`,
            deploymentId: 'demo-one',
            variables: [],
            startedAt: '2026-05-01T00:00:00.000Z',
            status: 'done',
          });
        }),
      ),
    );
    expect((await store.read()).rotations).toHaveLength(10);
  });

  it('writes nothing when a change would make the state invalid', async () => {
    const { store, file } = setup();
    await store.update((s) => {
      s.deployments.push(deployment);
    });
    const before = readFileSync(file, 'utf8');
    await expect(
      store.update((s) => {
        (s.settings as { keychainBackend: string }).keychainBackend = 'cloud';
      }),
    ).rejects.toMatchObject({ code: 'STATE_INVALID' });
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('uses the last good copy of a damaged file, keeps the damaged one, and tells the admin', async () => {
    const { store, file, dir, sink } = setup();
    await store.update((s) => {
      s.deployments.push(deployment);
    });
    await store.update((s) => {
      s.deployments[0]!.name = 'Demo renamed';
    });
    copyFileSync(join(FIXTURES, 'broken-truncated.json'), file);
    const state = await store.read();
    expect(state.deployments[0]?.name).toBe('Demo'); // the newest backup predates the rename
    expect(store.notice()).toMatchObject({ code: 'STATE_RECOVERED' });
    expect(store.notice()?.message).toMatch(/damaged.*last good copy.*state\.json\.bak-/s);
    const damaged = readdirSync(dir).filter((n) => n.startsWith('state.json.damaged-'));
    expect(damaged).toHaveLength(1);
    expect(readFileSync(join(dir, damaged[0]!), 'utf8')).toBe(
      readFileSync(join(FIXTURES, 'broken-truncated.json'), 'utf8'),
    );
    expect(sink.lines.some((l) => l.includes('state.recovered'))).toBe(true);
  });

  it('recovers from a schema-invalid file the same way', async () => {
    const { store, file } = setup();
    await store.update((s) => {
      s.deployments.push(deployment);
    });
    await store.update((s) => {
      s.settings.keychainBackend = 'file-vault';
    });
    copyFileSync(join(FIXTURES, 'broken-invalid.json'), file);
    expect((await store.read()).deployments).toEqual([deployment]);
    expect(store.notice()?.code).toBe('STATE_RECOVERED');
  });

  it('never resets a damaged file that has no good copy: it refuses and changes nothing', async () => {
    const { store, file, dir } = setup();
    copyFileSync(join(FIXTURES, 'broken-truncated.json'), file);
    await expect(store.read()).rejects.toMatchObject({ code: 'STATE_CORRUPTED' });
    await expect(store.update(() => undefined)).rejects.toMatchObject({ code: 'STATE_CORRUPTED' });
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(FIXTURES, 'broken-truncated.json'), 'utf8'));
    expect(readdirSync(dir).some((n) => n.startsWith('state.json.damaged-'))).toBe(true);
  });

  it('refuses to touch a file from a newer app, even with backups present', async () => {
    const { store, file } = setup();
    await store.update((s) => {
      s.deployments.push(deployment);
    });
    await store.update(() => undefined);
    writeFileSync(file, JSON.stringify({ version: 99 }));
    await expect(store.read()).rejects.toMatchObject({ code: 'STATE_TOO_NEW' });
    await expect(store.update(() => undefined)).rejects.toMatchObject({ code: 'STATE_TOO_NEW' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 99 });
  });

  it('hands out independent copies of an unchanged file, and reads a file changed on disk afresh', async () => {
    const { store, file } = setup();
    await store.update((s) => {
      s.deployments.push(deployment);
    });
    const a = await store.read();
    const b = await store.read();
    expect(b).toEqual(a);
    a.deployments[0]!.name = 'mutated by a caller';
    expect((await store.read()).deployments[0]?.name).toBe('Demo');
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { deployments: Array<{ name: string }> };
    onDisk.deployments[0]!.name = 'Written by the CLI';
    writeFileSync(file, JSON.stringify(onDisk));
    expect((await store.read()).deployments[0]?.name).toBe('Written by the CLI');
    writeFileSync(file, '{ damaged');
    await expect(store.read()).rejects.toBeDefined(); // no good copy of this content: never served from memory
  });

  it('view() shares one frozen state (no copy), which a change or a write by another process replaces', async () => {
    const { store, file } = setup();
    await store.update((s) => {
      s.deployments.push(deployment);
    });
    const v = await store.view();
    expect(await store.view()).toBe(v);
    expect(Object.isFrozen(v.deployments[0])).toBe(true);
    expect(() => {
      (v.deployments[0] as { name: string }).name = 'mutated';
    }).toThrow(TypeError);
    // A draft handed to update() is never the shared object, and its change is seen by the next view.
    await store.update((s) => {
      expect(Object.isFrozen(s.deployments)).toBe(false);
      s.deployments[0]!.name = 'Renamed';
    });
    expect(v.deployments[0]?.name).toBe('Demo');
    expect((await store.view()).deployments[0]?.name).toBe('Renamed');
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { deployments: Array<{ name: string }> };
    onDisk.deployments[0]!.name = 'Written by the CLI';
    writeFileSync(file, JSON.stringify(onDisk));
    expect((await store.view()).deployments[0]?.name).toBe('Written by the CLI');
    expect((await store.read()).deployments[0]?.name).toBe('Written by the CLI');
  });

  it('applies a change on top of a version another process wrote meanwhile', async () => {
    const { store, file } = setup();
    const other = createStateStore({ file, logger: createLogger({ sink: memorySink() }) });
    await store.update((s) => {
      s.deployments.push(deployment);
    });
    await other.update((s) => {
      s.settings.keychainBackend = 'file-vault';
    });
    await store.update((s) => {
      s.deployments[0]!.name = 'Changed';
    });
    const state = await store.read();
    expect(state.settings.keychainBackend).toBe('file-vault');
    expect(state.deployments[0]?.name).toBe('Changed');
  });
});
