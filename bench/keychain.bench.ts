import { randomBytes } from 'node:crypto';
import { KeytarKeychain } from '../electron/core/keychain/keytar-keychain';
import { serviceFor } from '../electron/core/keychain/keychain';
import { measure, type Row } from './lib';

/** Listing 50 deployments × 10 secrets on the real gnome-keyring (npm run bench runs inside with-keyring.sh). */
export default async function keychain(): Promise<Row[]> {
  if (process.env.CS_IN_KEYRING !== '1') return [{ group: 'keychain', name: 'skipped: not inside scripts/with-keyring.sh', unit: 'count', stats: { median: 0, min: 0, max: 0, runs: 0 } }];
  const kc = await KeytarKeychain.open();
  const ids = Array.from({ length: 50 }, (_, i) => `bench-${i}-${randomBytes(3).toString('hex')}`);
  for (const id of ids) for (let v = 0; v < 10; v++) await kc.set(serviceFor(id), `VAR_${v}`, randomBytes(32).toString('base64url'));
  const all = await measure(async () => {
    for (const id of ids) await kc.list(serviceFor(id));
  });
  const one = await measure(() => kc.list(serviceFor(ids[0]!)), { runs: 9 });
  for (const id of ids) for (let v = 0; v < 10; v++) await kc.delete(serviceFor(id), `VAR_${v}`);
  return [
    { group: 'keychain', name: 'list 50 deployments × 10 secrets (gnome-keyring)', unit: 'ms', stats: all },
    { group: 'keychain', name: 'list one deployment (10 secrets)', unit: 'ms', stats: one },
  ];
}
