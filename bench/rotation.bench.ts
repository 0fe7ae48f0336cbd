import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveCrucibleFernetKey, fernetDecrypt, fernetEncrypt } from '../electron/core/crypto/fernet';
import { runReencryptionJob } from '../electron/core/rotation/reencrypt-job';
import { measure, type Row } from './lib';

/**
 * API_KEY_ENCRYPTION_KEY rotation: Crucible's key derivation (PBKDF2-HMAC-SHA256, 100,000 iterations),
 * one Fernet round trip, and the whole re-encryption job (read export, decrypt, re-encrypt, verify, write
 * SQL) for 100 and 1,000 users with 3 provider keys each. Run: `node bench/run.mjs rotation`.
 */
export default async function rotationBench(): Promise<Row[]> {
  const oldKey = 'bench-old-key-0123456789abcdefghijklmnopq';
  const newKey = 'bench-new-key-0123456789abcdefghijklmnopq';
  const f = await deriveCrucibleFernetKey(oldKey);
  const rows: Row[] = [
    {
      group: 'rotation',
      name: 'derive the Fernet key from API_KEY_ENCRYPTION_KEY (PBKDF2 100k)',
      unit: 'ms',
      stats: await measure(() => deriveCrucibleFernetKey(oldKey), { runs: 9 }),
    },
    {
      group: 'rotation',
      name: 'Fernet encrypt + decrypt of a 73-character provider key',
      unit: 'ms',
      stats: await measure(() => fernetDecrypt(f, fernetEncrypt(f, 'sk-or-v1-'.padEnd(73, 'x'))), {
        runs: 201,
        warmup: 20,
      }),
    },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-rot-'));
  try {
    for (const users of [100, 1000]) {
      const exportFile = join(dir, `export-${users}.json`);
      const data = Array.from({ length: users }, () => ({
        id: randomUUID(),
        provider_api_keys: JSON.stringify({
          openrouter: fernetEncrypt(f, 'sk-or-v1-'.padEnd(73, 'a')),
          openai: fernetEncrypt(f, 'sk-proj-'.padEnd(60, 'b')),
          anthropic: fernetEncrypt(f, 'sk-ant-'.padEnd(100, 'c')),
        }),
      }));
      writeFileSync(exportFile, JSON.stringify(data));
      rows.push({
        group: 'rotation',
        name: `re-encryption job, ${users.toLocaleString('en')} users × 3 keys (incl. 2 key derivations, SQL written)`,
        unit: 'ms',
        stats: await measure(() => runReencryptionJob({ exportFile, sqlOut: join(dir, 'out.sql'), oldKey, newKey }), {
          runs: 5,
        }),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
