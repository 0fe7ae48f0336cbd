import { randomBytes } from 'node:crypto';
import { KeytarKeychain, loadKeytar } from '../electron/core/keychain/keytar-keychain';
import { serviceFor } from '../electron/core/keychain/keychain';
import { measure, type Row } from './lib';

/** Listing 50 deployments × 10 secrets on the real gnome-keyring (npm run bench runs inside with-keyring.sh). */
export default async function keychain(): Promise<Row[]> {
  if (process.env.CS_IN_KEYRING !== '1') return [{ group: 'keychain', name: 'skipped: not inside scripts/with-keyring.sh', unit: 'count', stats: { median: 0, min: 0, max: 0, runs: 0 } }];
  const kc = await KeytarKeychain.open();
  const ids = Array.from({ length: 50 }, (_, i) => `bench-${i}-${randomBytes(3).toString('hex')}`);
  for (const id of ids) for (let v = 0; v < 10; v++) await kc.set(serviceFor(id), `VAR_${v}`, randomBytes(32).toString('base64url'));
  // No warm-up: each listing of 50 takes seconds; the first one is as warm as the others.
  const all = await measure(async () => {
    for (const id of ids) await kc.list(serviceFor(id));
  }, { runs: 5, warmup: 0 });
  const one = await measure(() => kc.list(serviceFor(ids[0]!)), { runs: 9 });
  // KeytarKeychain.list proves the collection writable first (a set + delete probe: on Linux, findCredentials
  // on a locked collection crashes). The same listing without the probe shows what that probe costs.
  const keytar = await loadKeytar();
  const raw = await measure(async () => {
    for (const id of ids) await keytar.findCredentials(serviceFor(id));
  }, { runs: 5, warmup: 0 });
  const probe = await measure(() => kc.ensureUsable(), { runs: 9 });
  // No clean-up: with-keyring.sh's keyring is thrown away when the run ends, and deleting 500 items one by one
  // takes as long as writing them. run.mjs runs this file last so no other bench sees the bigger keyring.
  return [
    { group: 'keychain', name: 'list 50 deployments × 10 secrets (gnome-keyring, KeytarKeychain.list)', unit: 'ms', stats: all, reference: { name: 'findCredentials alone (no write probe)', stats: raw }, note: `${(all.median / 50).toFixed(0)} ms per deployment` },
    { group: 'keychain', name: 'list one deployment (10 secrets)', unit: 'ms', stats: one },
    { group: 'keychain', name: 'the write probe before each list (set + delete, 500 items in the keyring)', unit: 'ms', stats: probe, note: 'grows with the keyring: gnome-keyring saves the whole keyring file on each change' },
  ];
}
