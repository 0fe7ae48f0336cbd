import { createHmac } from 'node:crypto';

/** A keyed fingerprint of a secret value: equal values give equal fingerprints under one key (random per process). */
export function fingerprint(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('base64url').slice(0, 16);
}
