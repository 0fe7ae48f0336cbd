import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryKeychain } from '../../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../../electron/core/keychain/keychain';
import { previousVersionsFolder } from '../../../../electron/core/fs/previous-versions';
import { coreWithDeployment } from '../../../helpers/core';

const KC_JWT = 'CANARY-kc-jwt-7a1e3c5b9d2f4e6a8c0b';
const ENV_JWT = 'CANARY-env-jwt-1b3d5f7a9c2e4d6f8a0c';

/** A deployment whose keychain and `.env` disagree on ROUNDTABLE_JWT_SECRET (the real envfile writer, a MemoryKeychain). */
async function drifted() {
  const kc = new MemoryKeychain();
  const ctx = await coreWithDeployment({ keychain: kc });
  await ctx.core.inventory.store({
    deploymentId: ctx.id,
    values: { ROUNDTABLE_JWT_SECRET: KC_JWT },
    origin: 'generated',
  });
  const envPath = join(ctx.folder, '.env');
  writeFileSync(envPath, `# deployment\nPOSTGRES_USER=crucible\nROUNDTABLE_JWT_SECRET='${ENV_JWT}'\n`, { mode: 0o600 });
  /** Everything the app wrote outside the `.env` itself: journal, state, log lines. */
  const traces = () =>
    readFileSync(join(ctx.home, 'journal.jsonl'), 'utf8') +
    readFileSync(join(ctx.home, 'state.json'), 'utf8') +
    ctx.sink.lines.join('\n');
  return { ...ctx, kc, envPath, traces };
}

const status = async (core: Awaited<ReturnType<typeof drifted>>['core'], id: string, name: string) =>
  (await core.inventory.drift(id)).items.find((i) => i.name === name)?.status;

describe('drift repair', () => {
  it('keychain → .env: previews one masked line, writes the keychain value atomically and keeps the previous .env under the app home', async () => {
    const { core, id, home, envPath, traces } = await drifted();
    const preview = await core.inventory.previewDriftRepair(id, 'ROUNDTABLE_JWT_SECRET', 'keychain-to-env');
    expect(preview.diff).toMatch(
      /^--- \.env\n\+\+\+ \.env\n@@ -3 \+3 @@\n-ROUNDTABLE_JWT_SECRET=\[value withheld\] \(35 characters, fingerprint [0-9a-f]{16}\)\n\+ROUNDTABLE_JWT_SECRET=\[value withheld\]/,
    );
    expect(preview.diff).toContain(preview.keychainFingerprint ?? 'none');
    expect(JSON.stringify(preview)).not.toContain('CANARY');

    const r = await core.inventory.repairDrift(id, 'ROUNDTABLE_JWT_SECRET', 'keychain-to-env', preview.token);
    expect(r).toMatchObject({ previousKept: true, fingerprint: preview.keychainFingerprint });
    const text = readFileSync(envPath, 'utf8');
    expect(text).toBe(`# deployment\nPOSTGRES_USER=crucible\nROUNDTABLE_JWT_SECRET='${KC_JWT}'\n`);
    expect(statSync(envPath).mode & 0o777).toBe(0o600);
    const kept = readdirSync(previousVersionsFolder(home, id));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(previousVersionsFolder(home, id), kept[0] ?? ''), 'utf8')).toContain(ENV_JWT);
    expect(await status(core, id, 'ROUNDTABLE_JWT_SECRET')).toBe('in-sync');
    const journal = readFileSync(join(home, 'journal.jsonl'), 'utf8');
    expect(journal).toMatch(
      /"type":"secrets\.drift-repaired".*"subject":"ROUNDTABLE_JWT_SECRET".*"direction":"keychain-to-env"/,
    );
    expect(traces()).not.toContain('CANARY');
  });

  it('.env → keychain: adopts the .env value through the journalled store and records its fingerprint', async () => {
    const { core, id, kc, home, envPath, traces } = await drifted();
    const before = readFileSync(envPath, 'utf8');
    const preview = await core.inventory.previewDriftRepair(id, 'ROUNDTABLE_JWT_SECRET', 'env-to-keychain');
    expect(preview.diff).toBe(
      `keychain: ROUNDTABLE_JWT_SECRET fingerprint ${preview.keychainFingerprint ?? ''} → ${preview.envFingerprint ?? ''}\n`,
    );
    const r = await core.inventory.repairDrift(id, 'ROUNDTABLE_JWT_SECRET', 'env-to-keychain', preview.token);
    expect(r.fingerprint).toBe(preview.envFingerprint);
    expect(await kc.get(serviceFor(id), 'ROUNDTABLE_JWT_SECRET')).toBe(ENV_JWT);
    expect(readFileSync(envPath, 'utf8')).toBe(before);
    expect((await core.store.read()).secrets[id]?.ROUNDTABLE_JWT_SECRET).toMatchObject({
      fingerprint: preview.envFingerprint,
      generation: 2,
    });
    const ref = (await core.inventory.list(id)).refs.find((x) => x.name === 'ROUNDTABLE_JWT_SECRET');
    expect(ref?.status).toBe('ok');
    expect(await status(core, id, 'ROUNDTABLE_JWT_SECRET')).toBe('in-sync');
    expect(readFileSync(join(home, 'journal.jsonl'), 'utf8')).toMatch(
      /"type":"secrets\.drift-repaired".*"direction":"env-to-keychain"/,
    );
    expect(traces()).not.toContain('CANARY');
  });

  it('refuses a stale token (the .env or the keychain changed since the preview) with a typed error and writes nothing', async () => {
    const { core, id, kc, envPath, traces } = await drifted();
    const toEnv = await core.inventory.previewDriftRepair(id, 'ROUNDTABLE_JWT_SECRET', 'keychain-to-env');
    writeFileSync(envPath, `# edited\nROUNDTABLE_JWT_SECRET='${ENV_JWT}'\n`);
    const err = await core.inventory
      .repairDrift(id, 'ROUNDTABLE_JWT_SECRET', 'keychain-to-env', toEnv.token)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DRIFT_REPAIR_STALE' });
    expect((err as Error).message).not.toContain('CANARY');
    expect(readFileSync(envPath, 'utf8')).toBe(`# edited\nROUNDTABLE_JWT_SECRET='${ENV_JWT}'\n`);

    const toKc = await core.inventory.previewDriftRepair(id, 'ROUNDTABLE_JWT_SECRET', 'env-to-keychain');
    await kc.set(serviceFor(id), 'ROUNDTABLE_JWT_SECRET', 'CANARY-kc-changed-meanwhile-0123');
    await expect(
      core.inventory.repairDrift(id, 'ROUNDTABLE_JWT_SECRET', 'env-to-keychain', toKc.token),
    ).rejects.toMatchObject({ code: 'DRIFT_REPAIR_STALE' });
    expect(await kc.get(serviceFor(id), 'ROUNDTABLE_JWT_SECRET')).toBe('CANARY-kc-changed-meanwhile-0123');
    // A token is bound to its direction too.
    const fresh = await core.inventory.previewDriftRepair(id, 'ROUNDTABLE_JWT_SECRET', 'env-to-keychain');
    await expect(
      core.inventory.repairDrift(id, 'ROUNDTABLE_JWT_SECRET', 'keychain-to-env', fresh.token),
    ).rejects.toMatchObject({ code: 'DRIFT_REPAIR_STALE' });
    expect(traces()).not.toContain('CANARY');
  });

  it('has nothing to do for a variable in sync, and no source to take from when one side lacks it', async () => {
    const { core, id, envPath } = await drifted();
    writeFileSync(envPath, `ROUNDTABLE_JWT_SECRET='${KC_JWT}'\n`);
    await expect(
      core.inventory.previewDriftRepair(id, 'ROUNDTABLE_JWT_SECRET', 'keychain-to-env'),
    ).rejects.toMatchObject({ code: 'DRIFT_REPAIR_NOT_NEEDED' });
    await expect(core.inventory.previewDriftRepair(id, 'REDIS_PASSWORD', 'keychain-to-env')).rejects.toMatchObject({
      code: 'DRIFT_REPAIR_NOT_POSSIBLE',
    });
    await expect(core.inventory.previewDriftRepair(id, 'REDIS_PASSWORD', 'env-to-keychain')).rejects.toMatchObject({
      code: 'DRIFT_REPAIR_NOT_POSSIBLE',
    });
  });

  it('refuses at the preview a keychain value .env cannot hold faithfully, naming the character and not the value', async () => {
    const { core, id } = await drifted();
    await core.inventory.store({
      deploymentId: id,
      values: { ROUNDTABLE_JWT_SECRET: "CANARY-quote'inside-0a1b2c" },
      origin: 'imported',
    });
    const err = await core.inventory
      .previewDriftRepair(id, 'ROUNDTABLE_JWT_SECRET', 'keychain-to-env')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENV_UNSAFE_VALUE' });
    expect((err as Error).message).toContain('single quote');
    expect((err as Error).message).not.toContain('CANARY');
  });

  it('adds a line for a variable missing from .env', async () => {
    const { core, id, envPath } = await drifted();
    writeFileSync(envPath, 'POSTGRES_USER=crucible\n');
    const preview = await core.inventory.previewDriftRepair(id, 'ROUNDTABLE_JWT_SECRET', 'keychain-to-env');
    expect(preview.diff).toMatch(/@@ -1,0 \+2 @@\n\+ROUNDTABLE_JWT_SECRET=\[value withheld\]/);
    await core.inventory.repairDrift(id, 'ROUNDTABLE_JWT_SECRET', 'keychain-to-env', preview.token);
    expect(readFileSync(envPath, 'utf8')).toBe(`POSTGRES_USER=crucible\nROUNDTABLE_JWT_SECRET='${KC_JWT}'\n`);
  });

  it('login password: adopts a bcrypt hash from .env as is, and refuses a plain password in .env', async () => {
    const { core, id, kc, envPath } = await drifted();
    const bcrypt = await import('bcrypt');
    const kcHash = await bcrypt.hash('CANARY-old-login-pass', 4);
    const envHash = await bcrypt.hash('CANARY-new-login-pass', 4);
    await core.inventory.store({
      deploymentId: id,
      values: { ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: kcHash },
      origin: 'generated',
    });
    writeFileSync(envPath, `ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='${envHash}'\n`);
    const preview = await core.inventory.previewDriftRepair(
      id,
      'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
      'env-to-keychain',
    );
    await core.inventory.repairDrift(id, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', 'env-to-keychain', preview.token);
    expect(await kc.get(serviceFor(id), 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toBe(envHash);

    // The keychain → .env preview shows the hash's algorithm prefix only.
    writeFileSync(envPath, `ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='CANARY-plain-login-pass'\n`);
    const toEnv = await core.inventory.previewDriftRepair(id, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', 'keychain-to-env');
    expect(toEnv.diff).toMatch(
      /\+ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='\$2b\$04\$…' \(bcrypt hash, fingerprint [0-9a-f]{16}\)/,
    );
    expect(toEnv.diff).not.toContain('CANARY');
    const err = await core.inventory
      .previewDriftRepair(id, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', 'env-to-keychain')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DRIFT_REPAIR_NOT_POSSIBLE' });
    expect((err as Error).message).not.toContain('CANARY');
    expect(await kc.get(serviceFor(id), 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toBe(envHash);
  });
});
