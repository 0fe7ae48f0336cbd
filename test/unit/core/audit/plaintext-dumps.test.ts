import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, materialise, target } from './helpers';

/** Issue 22: the audit flags unencrypted database dumps left in the deployment folder or its evidence folders. */
describe('plaintext database dumps', () => {
  it('flags a pg_dump beside .env and one in an incident evidence folder, not the encrypted ones', async () => {
    const dir = materialise('stock-dev');
    writeFileSync(join(dir, 'roundtable-before-rotation.sql'), 'CANARY-row\n');
    writeFileSync(join(dir, 'backup.sql.gz'), 'x');
    writeFileSync(join(dir, 'safe.sql.age'), 'age-encryption.org/v1\n');
    mkdirSync(join(dir, 'incident-evidence-20261206-ab12'));
    writeFileSync(join(dir, 'incident-evidence-20261206-ab12', 'roundtable.sql'), 'CANARY-row\n');
    const r = await audit(target(dir));
    const found = r.findings.filter((f) => f.code === 'FILES_PLAINTEXT_DUMP').map((f) => f.file);
    expect(found).toEqual([
      'backup.sql.gz',
      'incident-evidence-20261206-ab12/roundtable.sql',
      'roundtable-before-rotation.sql',
    ]);
    expect(JSON.stringify(r)).not.toContain('CANARY-row');
  });

  it('finds nothing in a clean folder', async () => {
    const r = await audit(target(materialise('stock-dev')));
    expect(r.findings.filter((f) => f.code === 'FILES_PLAINTEXT_DUMP')).toEqual([]);
  });
});
