import type { FingerprintFn } from './fingerprint';

/**
 * Drift: does the `.env` on disk hold what the keychain holds? Compared by fingerprint, so the result can be
 * shown and logged without either value. Pure; the caller supplies the parsed `.env` and the keychain entries.
 */

/** Reads a `.env` text into variable → value (the envfile module's parser; swappable for tests). */
export type EnvReader = (text: string) => Map<string, string>;

export type DriftStatus = 'in-sync' | 'differs' | 'keychain-missing' | 'env-missing' | 'both-missing';

export interface DriftItem {
  name: string;
  status: DriftStatus;
  keychainFingerprint: string | null;
  envFingerprint: string | null;
}

export interface DriftInput {
  /** Every variable the app manages for this deployment. */
  names: readonly string[];
  keychain: ReadonlyMap<string, string>;
  /** null when the deployment has no `.env` (every variable is then env-missing). */
  env: ReadonlyMap<string, string> | null;
  fingerprint: FingerprintFn;
  /**
   * Second chance for values that differ: true when the `.env` holds a derived form of the keychain value
   * (the login password's bcrypt hash). Default: none.
   */
  matchesDerived?: (keychainValue: string, envValue: string) => Promise<boolean>;
}

const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/** The `.env` holds the bcrypt hash of the keychain's password (the login password's normal form). */
export async function bcryptMatches(keychainValue: string, envValue: string): Promise<boolean> {
  if (!BCRYPT.test(envValue) || BCRYPT.test(keychainValue)) return false;
  const bcrypt = await import('bcrypt');
  return bcrypt.compare(keychainValue, envValue);
}

export async function compareDrift(input: DriftInput): Promise<DriftItem[]> {
  const out: DriftItem[] = [];
  for (const name of [...new Set(input.names)].sort()) {
    const k = input.keychain.get(name);
    const e = input.env?.get(name);
    const kf = k === undefined ? null : input.fingerprint(k);
    const ef = e === undefined ? null : input.fingerprint(e);
    let status: DriftStatus;
    if (k === undefined && e === undefined) status = 'both-missing';
    else if (k === undefined) status = 'keychain-missing';
    else if (e === undefined) status = 'env-missing';
    else if (kf === ef) status = 'in-sync';
    else status = input.matchesDerived && (await input.matchesDerived(k, e)) ? 'in-sync' : 'differs';
    out.push({ name, status, keychainFingerprint: kf, envFingerprint: ef });
  }
  return out;
}
