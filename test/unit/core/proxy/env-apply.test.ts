import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEnvFollowUps } from '../../../../electron/core/proxy/env-apply';
import { readOriginKeys } from '../../../../electron/core/proxy/env-followup';

describe('writing the .env follow-ups', () => {
  it('sets CORS and the frontend URL to the origin, keeping comments and the other lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-env-'));
    writeFileSync(
      join(dir, '.env'),
      "# Crucible\nPOSTGRES_PASSWORD='CANARY-pg-secret'\nROUNDTABLE_CORS_ORIGINS=http://localhost:3000\n",
      { mode: 0o600 },
    );
    const keep = join(mkdtempSync(join(tmpdir(), 'proxy-env-home-')), 'previous', 'd');
    const r = await applyEnvFollowUps(dir, 'https://crucible.example.com', keep);
    expect(r.changed).toEqual(['ROUNDTABLE_CORS_ORIGINS', 'ROUNDTABLE_FRONTEND_URL']);
    // The previous .env is kept under the app home, not beside the file where git could pick it up.
    expect(r.backupName).toMatch(/^\.env\.\d{8}T\d{9}Z$/);
    expect(readdirSync(keep)).toEqual([r.backupName]);
    expect(readdirSync(dir)).toEqual(['.env']);
    const text = readFileSync(join(dir, '.env'), 'utf8');
    expect(text).toContain("# Crucible\nPOSTGRES_PASSWORD='CANARY-pg-secret'\n");
    expect(await readOriginKeys(dir)).toEqual(
      new Map([
        ['ROUNDTABLE_CORS_ORIGINS', 'https://crucible.example.com'],
        ['ROUNDTABLE_FRONTEND_URL', 'https://crucible.example.com'],
      ]),
    );
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(r)).not.toContain('CANARY');
  });

  it('refuses a folder without .env and creates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-env-'));
    await expect(applyEnvFollowUps(dir, 'https://crucible.example.com', join(dir, 'keep'))).rejects.toMatchObject({
      code: 'PROXY_NO_ENV',
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});
