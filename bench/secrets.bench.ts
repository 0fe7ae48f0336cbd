import { mkdirSync, mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoreServices } from '../electron/core/services';
import { createLogger, nullSink } from '../electron/core/log/logger';
import { KeytarKeychain } from '../electron/core/keychain/keytar-keychain';
import { serviceFor } from '../electron/core/keychain/keychain';
import { FileVault } from '../electron/core/keychain/file-vault';
import { addDeployment } from '../electron/core/store/deployments';
import { createJournal } from '../electron/core/journal/journal';
import { hashPassword } from '../electron/core/hashing';
import { benchDeployment } from './fixtures';
import { measure, type Row } from './lib';

/** Issue 4: the secrets inventory on the real keyring, the journal, the state store and the vault KDF. */
export default async function secrets(): Promise<Row[]> {
  const rows: Row[] = [];
  const home = mkdtempSync(join(tmpdir(), 'cs-bench-secrets-'));
  const folder = join(home, 'crucible');
  mkdirSync(folder);
  const core = createCoreServices({ home, logger: createLogger({ sink: nullSink }) });
  const id = `bench-${randomBytes(3).toString('hex')}`;
  await core.store.update((s) => addDeployment(s, benchDeployment(id, folder)));
  // The login password is stored in its .env form, a bcrypt hash; the others are random values.
  const loginHash = await hashPassword(randomBytes(18).toString('base64url'), 12);
  const values = () => ({
    ...Object.fromEntries(
      [
        'API_KEY_ENCRYPTION_KEY',
        'ROUNDTABLE_JWT_SECRET',
        'ROUNDTABLE_JWT_REFRESH_SECRET',
        'POSTGRES_USER',
        'POSTGRES_PASSWORD',
        'REDIS_PASSWORD',
      ].map((k) => [k, randomBytes(32).toString('base64url')]),
    ),
    ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: loginHash,
  });
  if (process.env.CS_IN_KEYRING === '1') {
    rows.push({
      group: 'secrets',
      name: 'store 7 secrets all-or-nothing (gnome-keyring, state, journal)',
      unit: 'ms',
      stats: await measure(() => core.inventory.store({ deploymentId: id, values: values(), origin: 'generated' })),
    });
    rows.push({
      group: 'secrets',
      name: 'list one deployment (references + fingerprints)',
      unit: 'ms',
      stats: await measure(() => core.inventory.list(id), { runs: 9 }),
    });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(folder, '.env'),
      Object.entries(values())
        .map(([k, v]) => `${k}='${v}'\n`)
        .join(''),
    );
    rows.push({
      group: 'secrets',
      name: 'drift one deployment (.env parse + compare)',
      unit: 'ms',
      stats: await measure(() => core.inventory.drift(id), { runs: 9 }),
    });
    const kc = await KeytarKeychain.open();
    for (const e of await kc.list(serviceFor(id))) await kc.delete(serviceFor(id), e.account);
  }
  rows.push({
    group: 'secrets',
    name: 'state update (atomic write + backup)',
    unit: 'ms',
    stats: await measure(() => core.store.update((s) => void s.rotations.splice(0)), { runs: 9 }),
  });
  const journal = createJournal({ file: join(home, 'j.jsonl') });
  rows.push({
    group: 'secrets',
    name: 'journal append (fsync + head)',
    unit: 'ms',
    stats: await measure(() => journal.append({ type: 'file.written', subject: '.env' }), { runs: 20 }),
  });
  for (let i = 0; i < 1000; i++) await journal.append({ type: 'file.written', subject: '.env', details: { i } });
  rows.push({
    group: 'secrets',
    name: 'journal verify (~1,000 entries)',
    unit: 'ms',
    stats: await measure(() => journal.verify()),
  });
  const vaultFile = join(home, 'vault.cskv');
  await FileVault.create(vaultFile, 'correct horse battery staple');
  rows.push({
    group: 'secrets',
    name: 'vault unlock (argon2id 64 MiB, t=3, p=1)',
    unit: 'ms',
    stats: await measure(() => FileVault.unlock(vaultFile, 'correct horse battery staple'), { runs: 5 }),
  });
  return rows;
}
