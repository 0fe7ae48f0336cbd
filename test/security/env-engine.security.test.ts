import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv, readEnvFile, writeEnvFile } from '../../electron/core/envfile';
import { hashPassword } from '../../electron/core/hashing';
import { crucibleCeProfile } from '../../electron/core/stack';
import { checkEnv } from '../../electron/core/validation';

describe('.env engine security regressions', () => {
  it('T-ENV-01: findings never contain a secret value, whatever the file holds', () => {
    const canary = 'CANARY-sec-0b7c1e9d';
    const text =
      crucibleCeProfile.variables.map((v) => `${v.name}=${canary}-${v.name.length}$X #`).join('\n') +
      `\nBROKEN="${canary}\n`;
    for (const environment of ['production', 'staging', 'development'] as const) {
      expect(JSON.stringify(checkEnv(parseEnv(text), { profile: crucibleCeProfile, environment }))).not.toContain(
        'CANARY',
      );
    }
  });

  it("T-ENV-02: a value with ' \\ ${ CR LF NUL is refused and nothing is written (no injection of extra variables)", async () => {
    const d = mkdtempSync(join(tmpdir(), 'cs-sec-env-'));
    const f = join(d, '.env');
    writeFileSync(f, "A='1'\n");
    const { sha256 } = await readEnvFile(f);
    for (const value of ["x'\nEVIL='1", 'x\nEVIL=1', 'x\rEVIL=1', 'x\\', '${EVIL}', 'x\0y']) {
      await expect(
        writeEnvFile(f, [{ op: 'set', key: 'A', value }], {
          expectedSha256: sha256,
          keepPreviousIn: join(d, '..', `${d.split('/').pop() ?? 'x'}-previous`),
        }),
      ).rejects.toMatchObject({ code: 'ENV_UNSAFE_VALUE' });
    }
    expect(readFileSync(f, 'utf8')).toBe("A='1'\n");
    expect(readdirSync(d)).toEqual(['.env']);
  });

  it('T-ENV-03: a .env changed on disk after it was read is never overwritten', async () => {
    const d = mkdtempSync(join(tmpdir(), 'cs-sec-env-'));
    const f = join(d, '.env');
    writeFileSync(f, "A='1'\n");
    const { sha256 } = await readEnvFile(f);
    writeFileSync(f, "A='changed by someone else'\n");
    await expect(
      writeEnvFile(f, [{ op: 'set', key: 'A', value: '2' }], {
        expectedSha256: sha256,
        keepPreviousIn: join(d, '..', `${d.split('/').pop() ?? 'x'}-previous`),
      }),
    ).rejects.toMatchObject({ code: 'FS_CHANGED_ON_DISK' });
    expect(readFileSync(f, 'utf8')).toBe("A='changed by someone else'\n");
  });

  it('T-HASH-01: a login password over 72 bytes is refused instead of being silently truncated', async () => {
    await expect(hashPassword(`${'a'.repeat(72)}tail-that-bcrypt-would-ignore`)).rejects.toMatchObject({
      code: 'HASH_PASSWORD_TOO_LONG',
    });
  });
});
