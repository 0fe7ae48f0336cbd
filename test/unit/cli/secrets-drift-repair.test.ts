import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import { coreWithDeployment } from '../../helpers/core';
import { cliIo } from '../../helpers/cli-io';

const KC = 'CANARY-cli-kc-redis-9e8d7c6b5a4f';
const ENV = 'CANARY-cli-env-redis-1a2b3c4d5e6f';

async function setup() {
  const kc = new MemoryKeychain();
  const ctx = await coreWithDeployment({ keychain: kc });
  await ctx.core.inventory.store({ deploymentId: ctx.id, values: { REDIS_PASSWORD: KC }, origin: 'generated' });
  const envPath = join(ctx.folder, '.env');
  writeFileSync(envPath, `REDIS_PASSWORD=${ENV}\n`, { mode: 0o600 });
  const run = async (...argv: string[]) => {
    const { io, out, err } = cliIo();
    const code = await runCli(argv, io, { coreFactory: () => ctx.core });
    return { code, out: out(), err: err() };
  };
  return { ...ctx, kc, envPath, run };
}

describe('crucible-secrets secrets drift --repair', () => {
  it('previews without --yes (exit 1, nothing written), then writes the keychain value into .env with --yes', async () => {
    const { run, folder, envPath, home } = await setup();
    const p = await run('secrets', 'drift', folder, '--repair', 'REDIS_PASSWORD', '--to', 'env');
    expect(p.code).toBe(1);
    expect(p.out).toMatch(/-REDIS_PASSWORD=\[value withheld\].*\n\+REDIS_PASSWORD=\[value withheld\]/);
    expect(p.out).toContain('Nothing was written. Add --yes');
    expect(readFileSync(envPath, 'utf8')).toBe(`REDIS_PASSWORD=${ENV}\n`);

    const r = await run('secrets', 'drift', folder, '--repair', 'REDIS_PASSWORD', '--to', 'env', '--yes');
    expect(r.code).toBe(0);
    expect(r.out).toContain('The previous .env is kept under the app folder');
    expect(readFileSync(envPath, 'utf8')).toBe(`REDIS_PASSWORD='${KC}'\n`);
    const after = await run('secrets', 'drift', folder, '--json');
    expect(JSON.parse(after.out).items.find((i: { name: string }) => i.name === 'REDIS_PASSWORD').status).toBe(
      'in-sync',
    );
    const all = p.out + p.err + r.out + r.err + after.out + readFileSync(join(home, 'journal.jsonl'), 'utf8');
    expect(all).not.toContain('CANARY');
  });

  it('--to keychain adopts the .env value; a repeat has nothing to do (exit 65); --repair without --to is a usage error', async () => {
    const { run, folder, kc, id } = await setup();
    const r = await run(
      'secrets',
      'drift',
      folder,
      '--repair',
      'REDIS_PASSWORD',
      '--to',
      'keychain',
      '--yes',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ repaired: true, result: { direction: 'env-to-keychain' } });
    expect(await kc.get(serviceFor(id), 'REDIS_PASSWORD')).toBe(ENV);
    const again = await run('secrets', 'drift', folder, '--repair', 'REDIS_PASSWORD', '--to', 'keychain', '--yes');
    expect(again.code).toBe(65);
    expect(again.err).toContain('nothing to repair');
    const bad = await run('secrets', 'drift', folder, '--repair', 'REDIS_PASSWORD');
    expect(bad.code).toBe(64);
    expect(r.out + r.err + again.err + bad.err).not.toContain('CANARY');
  });
});
