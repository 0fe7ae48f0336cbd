import { mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createOtherFingerprints } from '../../../../electron/core/audit/other-fingerprints';
import { readEnvValues } from '../../../../electron/core/audit/env-adapter';

const key = Buffer.alloc(32, 3);
const secretVariables = new Set(['POSTGRES_PASSWORD', 'REDIS_PASSWORD']);

function setup(maxBytes = 1024) {
  let parses = 0;
  const cache = createOtherFingerprints({
    fingerprintKey: key,
    secretVariables,
    maxBytes,
    readEnv: (t) => (parses++, readEnvValues(t)),
  });
  return { cache, parses: () => parses };
}

describe("other deployments' fingerprints", () => {
  it('parses an unchanged .env once and again after any change, keeping only secret fingerprints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-otherfp-'));
    const env = join(dir, '.env');
    const ago = (s: number) => new Date(Date.now() - s * 1000);
    writeFileSync(env, "POSTGRES_PASSWORD='pg-CANARY-1'\nREDIS_PASSWORD=\nNODE_ENV=production\n");
    utimesSync(env, ago(60), ago(60));
    const { cache, parses } = setup();
    const first = await cache.of(dir);
    expect([...first!.keys()]).toEqual(['POSTGRES_PASSWORD']);
    expect(JSON.stringify([...first!.values()])).not.toContain('CANARY');
    expect(await cache.of(dir)).toBe(first);
    expect(parses()).toBe(1);
    // Rewritten in place with the same size (same inode): read again.
    writeFileSync(env, "POSTGRES_PASSWORD='pg-CANARY-2'\nREDIS_PASSWORD=\nNODE_ENV=production\n");
    utimesSync(env, ago(30), ago(30));
    const second = await cache.of(dir);
    expect(parses()).toBe(2);
    expect(second!.get('POSTGRES_PASSWORD')).not.toBe(first!.get('POSTGRES_PASSWORD'));
  });

  it('does not remember a file changed in the last seconds (its timestamp may not move on the next change)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-otherfp-'));
    writeFileSync(join(dir, '.env'), "POSTGRES_PASSWORD='pg-CANARY-3'\n");
    const { cache, parses } = setup();
    await cache.of(dir);
    await cache.of(dir);
    expect(parses()).toBe(2);
  });

  it('never blocks on a FIFO planted as .env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-otherfp-'));
    execFileSync('mkfifo', [join(dir, '.env')]);
    const { cache, parses } = setup();
    expect(await cache.of(dir)).toBeNull();
    expect(parses()).toBe(0);
  });

  it('gives null for a missing, oversized or symlinked .env', async () => {
    const { cache, parses } = setup(64);
    const missing = mkdtempSync(join(tmpdir(), 'cs-otherfp-'));
    expect(await cache.of(missing)).toBeNull();
    const big = mkdtempSync(join(tmpdir(), 'cs-otherfp-'));
    writeFileSync(join(big, '.env'), `POSTGRES_PASSWORD='${'x'.repeat(100)}'\n`);
    expect(await cache.of(big)).toBeNull();
    const linked = mkdtempSync(join(tmpdir(), 'cs-otherfp-'));
    writeFileSync(join(linked, 'real.env'), "POSTGRES_PASSWORD='p'\n");
    symlinkSync(join(linked, 'real.env'), join(linked, '.env'));
    expect(await cache.of(linked)).toBeNull();
    expect(parses()).toBe(0);
  });
});
