import { AppError, type ErrorCode } from '../../common/errors';
import { serviceFor, type Keychain } from '../keychain/keychain';
import type { Redactor } from './redact';

/**
 * Free text the admin types (an incident's title and notes, a checklist tick's note) is kept in the state
 * file, the journal and reports, where secret values never go (ARCHITECTURE §3). Such text is refused, not
 * silently redacted, when it holds a secret: the admin learns to leave it out and nothing is half-stored.
 * "A secret" is what the log redactor knows: every value this process handled, the deployment's keychain
 * values (learnt here), values the caller adds (its `.env`), and secret shapes (bcrypt hashes, Fernet
 * tokens, passwords inside URLs).
 */

export interface SecretTextGuardDeps {
  redactor: Redactor;
  /** The keychain of the admin's choice; a locked or missing one leaves the other nets. */
  keychain?: () => Promise<Keychain>;
}

/** Teaches the redactor the deployment's current keychain values (ignored when the keychain cannot be read). */
export async function learnDeploymentSecrets(deps: SecretTextGuardDeps, deploymentId: string): Promise<void> {
  if (!deps.keychain) return;
  try {
    const kc = await deps.keychain();
    for (const e of await kc.list(serviceFor(deploymentId))) deps.redactor.register(e.value);
  } catch {
    // A locked keychain: the redactor still knows every value this process handled, and secret shapes.
  }
}

/**
 * Refuses texts that contain a secret value or shape.
 * @param more values to teach the redactor first (e.g. the deployment's `.env` secret values).
 * @throws AppError `code` with `message` (which must not quote the text) when any text holds a secret.
 */
export async function assertNoSecretText(
  deps: SecretTextGuardDeps,
  deploymentId: string,
  texts: ReadonlyArray<string | undefined>,
  error: { code: ErrorCode; message: string },
  more: () => Promise<Iterable<string>> = () => Promise.resolve([]),
): Promise<void> {
  const present = texts.filter((t): t is string => typeof t === 'string' && t !== '');
  if (present.length === 0) return;
  await learnDeploymentSecrets(deps, deploymentId);
  try {
    for (const v of await more()) deps.redactor.register(v);
  } catch {
    // Extra values are best effort (an unreadable .env); the other nets still apply.
  }
  for (const t of present) {
    if (deps.redactor.redact(t) !== t) throw new AppError(error.code, error.message);
  }
}
