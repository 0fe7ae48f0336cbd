import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import { envValues, parseEnv } from '../../../electron/core/envfile';
import { INCIDENT_STEPS } from '../../../electron/common/model/incident';
import { itemsOfStep } from '../../../electron/core/incident/runbook';
import { coreWithDeployment } from '../../helpers/core';
import { fakeDocker } from '../../helpers/fake-docker';

/**
 * The Rotate step through the rotation feature's real rotate-all (issue 7's playbooks over the real store,
 * journal, keychain and .env), with a fake `docker` first on PATH that answers like docker would: the
 * provider-key export is an empty JSON array, every other command succeeds.
 */
const OLD: Record<string, string> = {
  POSTGRES_USER: 'pguserabc123',
  POSTGRES_PASSWORD: 'CANARYoldpg_0000000000000000000000',
  REDIS_PASSWORD: 'CANARYoldredis_00000000000000000000000000',
  API_KEY_ENCRYPTION_KEY: 'CANARYoldenc_00000000000000000000000000000',
  ROUNDTABLE_JWT_SECRET: 'CANARYoldjwt_000000000000000000000000000000000000000000000000000',
  ROUNDTABLE_JWT_REFRESH_SECRET: 'CANARYoldref_000000000000000000000000000000000000000000000000000',
  ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: '$2b$12$CANARYoldhashXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
};

describe('incident Rotate step through rotate-all', () => {
  it('rotates every secret in dependency order, resumably, and the report names them by generation only', async () => {
    const kc = new MemoryKeychain();
    const { bin, log } = fakeDocker();
    const ctx = await coreWithDeployment({ keychain: kc, env: { PATH: `${bin}:/usr/bin:/bin` } });
    writeFileSync(
      join(ctx.folder, '.env'),
      Object.entries(OLD)
        .map(([k, v]) => `${k}='${v}'`)
        .join('\n') + '\n',
      { mode: 0o600 },
    );
    for (const [k, v] of Object.entries(OLD)) await kc.set(serviceFor(ctx.id), k, v);
    const s = ctx.core.incident;

    const { incident } = await s.start(ctx.id, 'Leaked .env');
    for (const step of INCIDENT_STEPS.slice(0, 2)) {
      if (step === 'assess')
        await s.answer(incident.id, {
          whatExposed: 'the .env',
          since: null,
          secrets: ['REDIS_PASSWORD'],
          users: 'all',
        });
      for (const item of itemsOfStep(step).filter((i) => i.required)) await s.tick(incident.id, item.id, 'done');
      await s.completeStep(incident.id, step);
    }
    const view = await s.view(incident.id);
    expect(view.rotation.available).toBe(true);
    const order = view.rotation.candidates;
    // Every secret of the .env but the non-rotatable POSTGRES_USER.
    expect([...order].sort()).toEqual(
      Object.keys(OLD)
        .filter((k) => k !== 'POSTGRES_USER')
        .sort(),
    );
    expect(order.indexOf('POSTGRES_PASSWORD')).toBeLessThan(order.indexOf('ROUNDTABLE_JWT_SECRET'));

    await s.planRotation(incident.id);
    const done = await s.rotateAll(incident.id);
    const items = done.incident.rotation?.items ?? [];
    expect(items.map((i) => [i.variable, i.status, i.reason])).toEqual(order.map((v) => [v, 'rotated', null]));
    expect(done.incident.ticks['rotate.secrets']?.outcome).toBe('done');

    // Every secret really changed: keychain, .env, and the state's generation.
    const env = envValues(parseEnv(readFileSync(join(ctx.folder, '.env'), 'utf8')));
    const state = await ctx.core.store.read();
    for (const v of order) {
      const now = await kc.get(serviceFor(ctx.id), v);
      expect(now, v).not.toBe(OLD[v]);
      expect(env.get(v), v).not.toBe(OLD[v]);
      expect(items.find((i) => i.variable === v)?.generation).toBe(state.secrets[ctx.id]?.[v]?.generation);
    }
    expect(readFileSync(log, 'utf8')).toContain('compose');
    expect(readFileSync(log, 'utf8')).not.toMatch(/ARGV .*restart/);

    const report = await s.report(incident.id);
    for (const text of [report.markdown, report.html]) {
      for (const v of Object.values(OLD)) expect(text).not.toContain(v);
      for (const v of order) expect(text).not.toContain((await kc.get(serviceFor(ctx.id), v)) ?? 'missing');
    }
    expect(report.markdown).toMatch(/\| POSTGRES_PASSWORD \| rotated \| \d+ \|/);
  });
});
