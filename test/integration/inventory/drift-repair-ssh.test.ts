import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import { formatLocation } from '../../../electron/core/host/location';
import { previousVersionsFolder } from '../../../electron/core/fs/previous-versions';
import { addDeployment } from '../../../electron/core/store/deployments';
import { coreWithDeployment } from '../../helpers/core';
import { startSshd, type TestSshd } from '../../helpers/sshd';

/**
 * Drift repair of a deployment on a server (`ssh://`), against a real OpenSSH server on 127.0.0.1: the `.env`
 * is read and rewritten there through the host, and its previous version is kept on this computer.
 */
let sshd: TestSshd;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'SSH_AUTH_SOCK'));
const KC = 'CANARY-ssh-kc-jwt-5e4d3c2b1a09';
const ENV = 'CANARY-ssh-env-jwt-9a8b7c6d5e4f';

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd.stop();
});

/** A core (over the test sshd) with deployment `id` registered for the folder `work` on the server. */
async function remoteDeployment(id: string, work: string, keychain: MemoryKeychain) {
  const ctx = await coreWithDeployment({ keychain, env, sshOptions: { sshConfigFile: sshd.clientConfig() } });
  await ctx.core.store.update((s) =>
    addDeployment(s, {
      id,
      name: 'Remote',
      folder: formatLocation(sshd.location(work)),
      composeFiles: ['docker-compose.yml'],
      environment: 'production',
      createdAt: new Date().toISOString(),
    }),
  );
  return ctx;
}

describe('drift repair on a server', () => {
  it('writes the keychain value into the remote .env (previous kept here), then adopts a remote value into the keychain', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cs-drift-remote-'));
    try {
      const kc = new MemoryKeychain();
      const id = 'remote-drift';
      const ctx = await remoteDeployment(id, work, kc);
      await ctx.core.inventory.store({ deploymentId: id, values: { ROUNDTABLE_JWT_SECRET: KC }, origin: 'generated' });
      writeFileSync(join(work, '.env'), `ROUNDTABLE_JWT_SECRET='${ENV}'\n`, { mode: 0o600 });

      const p = await ctx.core.inventory.previewDriftRepair(id, 'ROUNDTABLE_JWT_SECRET', 'keychain-to-env');
      expect(p.file).toBe('.env on 127.0.0.1');
      const r = await ctx.core.inventory.repairDrift(id, 'ROUNDTABLE_JWT_SECRET', 'keychain-to-env', p.token);
      expect(r.previousKept).toBe(true);
      expect(readFileSync(join(work, '.env'), 'utf8')).toBe(`ROUNDTABLE_JWT_SECRET='${KC}'\n`);
      expect(readdirSync(work)).toEqual(['.env']);
      expect(readdirSync(previousVersionsFolder(ctx.home, id))).toHaveLength(1);

      writeFileSync(join(work, '.env'), `ROUNDTABLE_JWT_SECRET='${ENV}'\n`, { mode: 0o600 });
      const q = await ctx.core.inventory.previewDriftRepair(id, 'ROUNDTABLE_JWT_SECRET', 'env-to-keychain');
      await ctx.core.inventory.repairDrift(id, 'ROUNDTABLE_JWT_SECRET', 'env-to-keychain', q.token);
      expect(await kc.get(serviceFor(id), 'ROUNDTABLE_JWT_SECRET')).toBe(ENV);
      expect((await ctx.core.inventory.drift(id)).items.find((i) => i.name === 'ROUNDTABLE_JWT_SECRET')?.status).toBe(
        'in-sync',
      );
      const traces =
        readFileSync(join(ctx.home, 'journal.jsonl'), 'utf8') + ctx.sink.lines.join('\n') + JSON.stringify([p, q]);
      expect(traces).not.toContain('CANARY');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);

  it("the Secrets page's 'reaches' for a deployment on a server: read from the compose file there", async () => {
    const work = mkdtempSync(join(tmpdir(), 'cs-reach-remote-'));
    try {
      const id = 'remote-reach';
      const ctx = await remoteDeployment(id, work, new MemoryKeychain());
      writeFileSync(join(work, '.env'), `REDIS_PASSWORD='${ENV}'\nROUNDTABLE_JWT_SECRET='${KC}'\n`, { mode: 0o600 });
      writeFileSync(
        join(work, 'docker-compose.yml'),
        'services:\n  redis:\n    image: redis:7\n    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]\n  api:\n    image: api\n    environment:\n      - ROUNDTABLE_REDIS_URL=redis://:${REDIS_PASSWORD}@redis:6379/0\n',
      );
      const list = await ctx.core.inventory.list(id);
      const redis = list.refs.find((r) => r.name === 'REDIS_PASSWORD');
      expect(redis?.reaches?.map((r) => `${r.service}:${r.via}`).sort()).toEqual(['api:environment', 'redis:command']);
      expect(list.refs.find((r) => r.name === 'ROUNDTABLE_JWT_SECRET')?.reaches).toEqual([]);
      expect(JSON.stringify(list) + ctx.sink.lines.join('\n')).not.toContain('CANARY');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});
