import { createHmac } from 'node:crypto';

/** A keyed fingerprint of a secret value: equal values give equal fingerprints under one key (random per process). */
function fingerprint(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('base64url').slice(0, 16);
}

/** The fingerprints of the secret variables among `values` (empty values have none). */
export function secretFingerprints(
  key: Buffer,
  secretVariables: ReadonlySet<string>,
  values: ReadonlyMap<string, string>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of values) if (secretVariables.has(k) && v !== '') out.set(k, fingerprint(key, v));
  return out;
}
