import { createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';
import { AppError } from '../../common/errors';
import { APP_SERVICE, type Keychain } from '../keychain/keychain';

/**
 * Fingerprints (ARCHITECTURE.md §3): a short keyed hash that tells two values apart without revealing
 * either. HMAC-SHA256 under a 32-byte key that lives in the keychain beside the secrets (never in the state
 * file), truncated to 64 bits. Without the key a fingerprint cannot be used to test guesses of the value.
 * The same value has the same fingerprint in every deployment and variable, so reuse is visible.
 */
export const FINGERPRINT_KEY_ACCOUNT = 'fingerprint-key';
const DOMAIN = 'crucible-secrets/fingerprint/v1\0';

export type FingerprintFn = (value: string) => string;

/** The fingerprint of `value` under `key`: 16 lowercase hex characters. */
export function fingerprintWith(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(DOMAIN).update(value, 'utf8').digest('hex').slice(0, 16);
}

/**
 * Reads the fingerprint key from the keychain, creating it on first use when `create` is true.
 * @throws AppError FINGERPRINT_KEY_MISSING when absent and `create` is false; KEYCHAIN_* from the backend.
 */
export async function loadFingerprinter(
  keychain: Keychain,
  options: { create: boolean; random?: (n: number) => Buffer },
): Promise<FingerprintFn> {
  let stored = await keychain.get(APP_SERVICE, FINGERPRINT_KEY_ACCOUNT);
  if (stored === null || !/^[A-Za-z0-9_-]{43}$/.test(stored)) {
    if (!options.create) {
      throw new AppError(
        'FINGERPRINT_KEY_MISSING',
        'The fingerprint key is missing from the keychain, so stored fingerprints cannot be checked. Run setup or a rotation to create it.',
      );
    }
    stored = (options.random ?? nodeRandomBytes)(32).toString('base64url');
    await keychain.set(APP_SERVICE, FINGERPRINT_KEY_ACCOUNT, stored);
  }
  const key = Buffer.from(stored, 'base64url');
  return (value) => fingerprintWith(key, value);
}
