import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { coreWithDeployment } from '../../helpers/core';
import { cliIo } from '../../helpers/cli-io';

const REDIS = 'CANARY-cli-redis-5d4c3b2a1f0e';

async function setup() {
  const ctx = await coreWithDeployment({ keychain: new MemoryKeychain() });
  await ctx.core.inventory.store({ deploymentId: ctx.id, values: { REDIS_PASSWORD: REDIS }, origin: 'generated' });
  let clip = '';
  const clipboard = { writeText: (t: string) => void (clip = t), readText: () => Promise.resolve(clip) };
  const run = async (...argv: string[]) => {
    const { io, out, err } = cliIo();
    const code = await runCli(argv, { ...io, clipboard }, { coreFactory: () => ctx.core });
    return { code, out: out(), err: err() };
  };
  return { ...ctx, run, clipboard: () => clip };
}

describe('crucible-secrets secrets …', () => {
  it('list DIR --json prints references, never values', async () => {
    const { run, folder, id } = await setup();
    const r = await run('secrets', 'list', folder, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.deployment.id).toBe(id);
    expect(json.refs.find((x: { name: string }) => x.name === 'REDIS_PASSWORD')).toMatchObject({
      status: 'ok',
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(r.out + r.err).not.toContain(REDIS);
  });

  it('list DIR prints a table', async () => {
    const { run, folder } = await setup();
    const r = await run('secrets', 'list', folder);
    expect(r.out).toMatch(/REDIS_PASSWORD\s+secret\s+[0-9a-f]{16}\s+today\s+ok/);
  });

  it('refuses a folder that is not a registered deployment', async () => {
    const { run } = await setup();
    const r = await run('secrets', 'list', '/definitely/not/here');
    expect(r.code).toBe(65);
    expect(r.err).toContain('DEPLOYMENT_NOT_REGISTERED');
  });

  it('copy DIR VAR puts the value on the clipboard only, then clears it', async () => {
    const { run, folder, clipboard, timers } = await setup();
    const pending = run('secrets', 'copy', folder, 'REDIS_PASSWORD');
    await expect.poll(() => timers.count()).toBe(1);
    expect(clipboard()).toBe(REDIS);
    timers.fire();
    const r = await pending;
    expect(r.code).toBe(0);
    expect(r.out).toContain('Clipboard cleared');
    expect(r.out + r.err).not.toContain(REDIS);
    expect(clipboard()).toBe('');
  });

  it('copy of an unknown variable fails clearly', async () => {
    const { run, folder } = await setup();
    const r = await run('secrets', 'copy', folder, 'NOT_THERE', '--no-wait');
    expect(r.code).toBe(65);
    expect(r.err).toContain('SECRET_NOT_FOUND');
  });

  it('drift DIR exits 0 when in sync and 1 with the differences', async () => {
    const { run, folder, core, id } = await setup();
    // Only REDIS_PASSWORD is managed in this deployment's keychain; profile secrets missing everywhere count as drift.
    writeFileSync(join(folder, '.env'), `REDIS_PASSWORD='${REDIS}'\n`);
    const r = await run('secrets', 'drift', folder, '--json');
    const report = JSON.parse(r.out);
    expect(report.items.find((i: { name: string }) => i.name === 'REDIS_PASSWORD').status).toBe('in-sync');
    expect(r.code).toBe(report.inSync ? 0 : 1);
    writeFileSync(join(folder, '.env'), 'REDIS_PASSWORD=changed-by-hand\n');
    const r2 = await run('secrets', 'drift', folder);
    expect(r2.code).toBe(1);
    expect(r2.out).toContain('✗ REDIS_PASSWORD: .env differs from the keychain');
    expect(r2.out + r2.err).not.toContain('changed-by-hand');
    expect((await core.journal.verify()).ok).toBe(true);
    expect(id).toBeTruthy();
  });
});
