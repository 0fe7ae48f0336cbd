import type { DeploymentRef } from '../../common/model/deployment';
import { storedPasswordForm } from '../hashing/stored-form';
import { loadFingerprinter } from '../inventory/fingerprint';
import { serviceFor, type Keychain } from '../keychain/keychain';
import { generateSecret } from '../secrets/generate';
import type { Variable } from '../stack/profile';
import type { SecretMeta } from '../store/schema';
import { err, type RotationCore } from './core';
import type { RotationRun } from './record';
import { alterRoleSql } from './scram';

/**
 * The values a rotation handles: generating the new one, the form the keychain and `.env` hold (the
 * login password's bcrypt hash), the staged new and previous values in the keychain, and putting the
 * previous value back. Values are read only when needed and registered with the redactor.
 */

/**
 * A fresh value from the variable's generator.
 * @throws ROTATION_VALUE_REQUIRED for a value issued by someone else (a provider key)
 */
export function generate(core: RotationCore, v: Variable): string {
  const g = v.generator;
  const random = core.deps.random;
  if (g.type === 'random') return generateSecret({ alphabet: g.alphabet, length: g.length, random }).value;
  if (g.type === 'bcrypt-login-password')
    return generateSecret({ alphabet: g.alphabet, length: g.passwordLength, random }).value;
  throw err('ROTATION_VALUE_REQUIRED', `${v.name} is issued by someone else (a provider): type the new value.`);
}

/**
 * The stored form of a value: what the keychain and `.env` both hold. For the login password that is its
 * bcrypt hash (hashing/stored-form.ts); a plain value staged by an older version is hashed here, so no
 * path writes it to `.env` (or the keychain) as is.
 */
export async function storedForm(core: RotationCore, v: Variable, value: string): Promise<string> {
  return v.kind === 'login-password' ? storedPasswordForm(value, core.hash, core.isHash) : value;
}

/** Whether `.env`'s value is `value` (for a plain login password: its hash). */
export async function envHolds(
  core: RotationCore,
  v: Variable,
  envValue: string | undefined,
  value: string,
): Promise<boolean> {
  if (envValue === undefined) return false;
  if (v.kind === 'login-password' && !core.isHash(value)) return core.verifyHash(value, envValue);
  return envValue === value;
}

/**
 * The staged new value (registered with the redactor).
 * @throws ROTATION_STAGED_VALUE_MISSING when the keychain lost it
 */
export async function nextValue(core: RotationCore, kc: Keychain, run: RotationRun): Promise<string> {
  const next = await core.staging(kc, run).get('next');
  if (next === null)
    throw err(
      'ROTATION_STAGED_VALUE_MISSING',
      `The staged new value of ${run.variable} is missing from the keychain. Roll this rotation back and start again.`,
    );
  core.deps.logger.redactor.register(next);
  return next;
}

/** The encryption key the stored provider keys are encrypted with before the rotation. */
export async function oldEncryptionKey(core: RotationCore, kc: Keychain, run: RotationRun): Promise<string> {
  const prev = run.previous?.inEnv ? await core.staging(kc, run).get('previous-env') : null;
  // Unset in `.env`: Crucible encrypts with its built-in fallback key (docs/crucible.md, service/app/core/encryption.py).
  return prev ?? core.deps.profile.fallbackEncryptionKey;
}

/** The secret's metadata once `value` is live (fingerprint, generation, dates). */
export async function metaAfterWrite(
  core: RotationCore,
  kc: Keychain,
  run: RotationRun,
  value: string,
): Promise<SecretMeta> {
  const fp = await loadFingerprinter(kc, { create: true, random: core.deps.random });
  const at = core.now();
  const before = run.metaBefore;
  return before
    ? { ...before, fingerprint: fp(value), generation: run.generation, lastRotated: at }
    : {
        variable: run.variable,
        fingerprint: fp(value),
        generation: run.generation,
        created: at,
        lastRotated: at,
        origin: 'generated' as const,
      };
}

/**
 * Puts the keychain's value from before the rotation back (or removes the entry it did not have).
 * @throws ROTATION_PREVIOUS_MISSING when the saved previous value is gone
 */
export async function restoreKeychain(core: RotationCore, kc: Keychain, run: RotationRun): Promise<void> {
  if (run.previous === null) return; // nothing live was touched
  const live = serviceFor(run.deploymentId);
  const prev = run.previous.inKeychain ? await core.staging(kc, run).get('previous') : null;
  if (run.previous.inKeychain) {
    if (prev === null)
      throw err(
        'ROTATION_PREVIOUS_MISSING',
        `The saved previous value of ${run.variable} is missing from the keychain; restore it from a backup.`,
      );
    await kc.set(live, run.variable, prev);
  } else {
    await kc.delete(live, run.variable);
  }
}

/**
 * POSTGRES_PASSWORD: the ALTER ROLE setting the role's password to the staged new (`next`) or the saved
 * previous value, as a SCRAM verifier (scram.ts), never the password itself.
 * @throws ROTATION_POSTGRES_USER_MISSING, ROTATION_PREVIOUS_MISSING, ROTATION_STAGED_VALUE_MISSING
 */
export async function alterRoleSqlFor(
  core: RotationCore,
  run: RotationRun,
  d: DeploymentRef,
  kc: Keychain,
  which: 'next' | 'previous',
): Promise<string> {
  const user = (await core.access.readEnv(d)).values.get('POSTGRES_USER');
  if (!user)
    throw err('ROTATION_POSTGRES_USER_MISSING', 'POSTGRES_USER is not set in .env, so the role to change is unknown.');
  const pw = which === 'next' ? await nextValue(core, kc, run) : await core.staging(kc, run).get('previous-env');
  if (pw === null)
    throw err('ROTATION_PREVIOUS_MISSING', 'The previous POSTGRES_PASSWORD is not in the keychain any more.');
  return alterRoleSql(user, pw);
}
