import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createCoreServices } from '../../../electron/core/services';
import { createLogger, memorySink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../electron/core/keychain/keychain';

/**
 * The backup service inside the real CoreServices: state store, hash-chained journal, fingerprint key and
 * inventory. 300 secrets (more than a journal entry can name) round-trip, the journal still verifies, and
 * the Secrets inventory sees the restored values as "ok" (their recorded fingerprints match).
 */
const home = mkdtempSync(join(tmpdir(), 'cs-backup-core-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const PASS = 'violet tractor sings under seven moons';

describe('backup in the real core', () => {
  it('exports and restores 300 secrets; journal verifies; inventory statuses are ok', async () => {
    const sink = memorySink();
    const keychain = new MemoryKeychain();
    const core = createCoreServices({
      home: join(home, 'state'),
      logger: createLogger({ sink }),
      keychain,
      backup: { kdf: { memoryKiB: 8, iterations: 1, parallelism: 1 }, weakKdfForTests: true },
    });
    const folder = join(home, 'crucible');
    mkdirSync(folder);
    await core.store.update((s) => {
      s.deployments.push({
        id: 'big-one',
        name: 'Big',
        folder,
        composeFiles: [],
        environment: 'staging',
        createdAt: '2026-11-01T00:00:00.000Z',
      });
      // A tick the admin noted (no evidence the app can see): the note travels with the backup.
      s.checklists['big-one'] = {
        'https-configured': { checkedAt: '2026-11-02T00:00:00.000Z', note: 'TLS ends on the load balancer' },
      };
    });
    const values = new Map<string, string>();
    for (let i = 0; i < 300; i++) values.set(`SECRET_${i}`, `v-${randomBytes(16).toString('hex')}`);
    for (const [k, v] of values) await keychain.set(serviceFor('big-one'), k, v);

    const file = join(home, 'big.csbackup');
    const exp = await core.backup.exportTo(file, ['big-one'], PASS, PASS);
    expect(exp.deployments[0]?.secretNames).toHaveLength(300);

    for (const k of values.keys()) await keychain.delete(serviceFor('big-one'), k);
    await core.store.update((s) => {
      s.checklists['big-one'] = {};
    });
    const plan = await core.backup.planRestore((await core.backup.registerFile(file)).fileId, PASS);
    await core.backup.applyRestore({
      sessionId: plan.sessionId,
      deployments: [{ deploymentId: 'big-one', secrets: [...values.keys()], rewriteEnv: true }],
    });

    for (const [k, v] of values) expect(await keychain.get(serviceFor('big-one'), k)).toBe(v);
    expect((await core.store.read()).checklists['big-one']).toEqual({
      'https-configured': { checkedAt: '2026-11-02T00:00:00.000Z', note: 'TLS ends on the load balancer' },
    });
    expect(await core.journal.verify()).toMatchObject({ ok: true });
    const entries = await core.journal.read({ deploymentId: 'big-one' });
    expect(entries.map((e) => e.type)).toEqual(['backup.exported', 'backup.restored']);
    expect(entries[0]?.details).toMatchObject({ secretCount: 300 });
    const list = await core.inventory.list('big-one');
    const restored = list.refs.filter((r) => values.has(r.name));
    expect(restored).toHaveLength(300);
    expect(new Set(restored.map((r) => r.status))).toEqual(new Set(['ok']));
    const drift = await core.inventory.drift('big-one');
    // The stack profile's own variables are absent here (both-missing); every restored one is in sync.
    expect(new Set(drift.items.filter((i) => values.has(i.name)).map((i) => i.status))).toEqual(new Set(['in-sync']));
    const everywhere = [
      sink.lines.join('\n'),
      readFileSync(core.paths.journalFile, 'utf8'),
      readFileSync(core.paths.stateFile, 'utf8'),
    ].join('\n');
    for (const v of [...values.values()].slice(0, 20)) expect(everywhere).not.toContain(v);
  });
});
