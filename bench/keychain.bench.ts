import { randomBytes } from 'node:crypto';
import { KeytarKeychain, loadKeytar } from '../electron/core/keychain/keytar-keychain';
import { serviceFor } from '../electron/core/keychain/keychain';
import { sharedLockCheck } from '../electron/core/keychain/secret-service-lock';
import { interleaved, measure, wallMs, type Row } from './lib';

/** Listing 50 deployments × 10 secrets on the real gnome-keyring (npm run bench runs inside with-keyring.sh). */
export default async function keychain(): Promise<Row[]> {
  if (process.env.CS_IN_KEYRING !== '1')
    return [
      {
        group: 'keychain',
        name: 'skipped: not inside scripts/with-keyring.sh',
        unit: 'count',
        stats: { median: 0, min: 0, max: 0, runs: 0 },
      },
    ];
  const kc = await KeytarKeychain.open();
  const ids = Array.from({ length: 50 }, (_, i) => `bench-${i}-${randomBytes(3).toString('hex')}`);
  for (const id of ids)
    for (let v = 0; v < 10; v++) await kc.set(serviceFor(id), `VAR_${v}`, randomBytes(32).toString('base64url'));
  // KeytarKeychain.list first proves the collection unlocked (on Linux, findCredentials on a locked collection
  // crashes): by the D-Bus Locked property, cached until the service signals a change (secret-service-lock.ts).
  // No warm-up: each listing of 50 takes seconds; the first one is as warm as the others.
  const all = await measure(
    async () => {
      for (const id of ids) await kc.list(serviceFor(id));
    },
    { runs: 5, warmup: 0 },
  );
  const keytar = await loadKeytar();
  // The measure: listing one deployment against the keychain read alone, runs alternating.
  const [one, read] = await interleaved(
    () => wallMs(() => kc.list(serviceFor(ids[0]!))),
    () => wallMs(() => keytar.findCredentials(serviceFor(ids[0]!))),
    { runs: 21, warmup: 2 },
  );
  const raw = await measure(
    async () => {
      for (const id of ids) await keytar.findCredentials(serviceFor(id));
    },
    { runs: 5, warmup: 0 },
  );
  // What each check costs when it does run: the D-Bus Locked property (once per lock/unlock signal) and the
  // old write probe (still the fallback where gdbus is missing; set + delete).
  const lockCheck = sharedLockCheck();
  const dbus = await measure(
    async () => {
      lockCheck.invalidate();
      await lockCheck.isLocked();
    },
    { runs: 9 },
  );
  const probe = await measure(() => kc.ensureUsable(), { runs: 9 });
  // No clean-up: with-keyring.sh's keyring is thrown away when the run ends, and deleting 500 items one by one
  // takes as long as writing them. run.mjs runs this file last so no other bench sees the bigger keyring.
  return [
    {
      group: 'keychain',
      name: 'list one deployment (10 secrets, gnome-keyring, KeytarKeychain.list)',
      unit: 'ms',
      stats: one,
      reference: { name: 'the read alone (findCredentials), runs alternating', stats: read },
      note: 'target ratio ≤ 1.3; 500 items in the keyring',
    },
    {
      group: 'keychain',
      name: 'list 50 deployments × 10 secrets (KeytarKeychain.list)',
      unit: 'ms',
      stats: all,
      reference: { name: 'findCredentials alone', stats: raw },
      note: `${(all.median / 50).toFixed(0)} ms per deployment`,
    },
    {
      group: 'keychain',
      name: 'lock check when not cached (D-Bus Locked property via gdbus)',
      unit: 'ms',
      stats: dbus,
      note: 'runs once, then again only after a lock/unlock signal',
    },
    {
      group: 'keychain',
      name: 'the write probe (set + delete, 500 items in the keyring), fallback only',
      unit: 'ms',
      stats: probe,
      note: 'no longer run before a list when gdbus answers',
    },
  ];
}
