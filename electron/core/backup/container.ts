import { createCipheriv, createDecipheriv, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../common/errors';
import { BackupErrorCode, corrupted, wrongPassphrase } from './errors';
import {
  encodeHeader,
  parseHeader,
  sealHeader,
  CHECKSUM_OFFSET,
  HEADER_LENGTH_V1,
  KEY_CHECK_OFFSET,
  MAX_CIPHERTEXT_LENGTH,
  NONCE_LENGTH,
  SALT_LENGTH,
  TAG_LENGTH,
  type BackupHeader,
  type KdfParams,
} from './format';
import { DEFAULT_KDF, deriveKeys, keyCheck, assertKdfParams, type DerivedKeys, type KdfPolicy } from './kdf';
import { BackupPayload, type BackupPayloadInput } from './payload';

/**
 * Sealing and opening a backup file: Argon2id → key check → AES-256-GCM over the JSON payload with the whole
 * header as associated data. Node's crypto and the argon2 addon do all cryptography; this file only arranges
 * bytes.
 */

export interface SealOptions extends KdfPolicy {
  kdf?: KdfParams;
  /** Injected for deterministic test vectors; the CSPRNG otherwise. */
  randomBytes?: (n: number) => Buffer;
  /** Called when the KDF starts and ends, so a UI can show progress while it runs. */
  onPhase?: (phase: 'kdf' | 'encrypt') => void;
  /** Tests only: a KDF whose end the test controls. */
  deriveKeys?: typeof deriveKeys;
}

export interface OpenOptions extends KdfPolicy {
  onPhase?: (phase: 'check' | 'kdf' | 'decrypt') => void;
}

/**
 * Encrypts a payload into a complete backup file. The KDF needs only the passphrase and the salt, so it
 * starts first and the payload (which may still be being gathered from the keychain) is validated and
 * serialised while it runs: an export then costs little more than the KDF itself.
 * @throws AppError BACKUP_UNSAFE_PARAMETERS for KDF parameters outside the bounds; BACKUP_INVALID_PAYLOAD
 *   when the payload does not match its schema; BACKUP_TOO_LARGE past 64 MiB; whatever the payload's
 *   promise rejects with.
 */
export async function sealBackup(
  payload: BackupPayloadInput | PromiseLike<BackupPayloadInput>,
  passphrase: string,
  options: SealOptions = {},
): Promise<Buffer> {
  const kdf = options.kdf ?? DEFAULT_KDF;
  assertKdfParams(kdf, options);
  const rnd = options.randomBytes ?? nodeRandomBytes;
  const salt = rnd(SALT_LENGTH);
  const nonce = rnd(NONCE_LENGTH);
  options.onPhase?.('kdf');
  const derived = (options.deriveKeys ?? deriveKeys)(passphrase, salt, kdf, options);
  // Handled now, acted on below: the payload may take long (a keychain asking to be unlocked), and a KDF
  // failing meanwhile must not become an unhandled rejection, which would end the main process.
  derived.catch(() => undefined);
  let plaintext: Buffer;
  try {
    plaintext = serialise(await payload);
  } catch (e) {
    // Nothing will use the key: let the KDF finish in the background and wipe what it derives.
    derived.then(wipe, () => undefined);
    throw e;
  }
  let keys: DerivedKeys | undefined;
  try {
    keys = await derived;
    options.onPhase?.('encrypt');
    const header = encodeHeader({ kdf, salt, nonce, ciphertextLength: plaintext.length });
    sealHeader(header, keyCheck(keys.macKey, header.subarray(0, KEY_CHECK_OFFSET)));
    const cipher = createCipheriv('aes-256-gcm', keys.encKey, nonce, { authTagLength: TAG_LENGTH });
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return Buffer.concat([header, body]);
  } finally {
    plaintext.fill(0);
    if (keys) wipe(keys);
  }
}

function wipe(keys: DerivedKeys): void {
  keys.encKey.fill(0);
  keys.macKey.fill(0);
}

/** The payload as the UTF-8 JSON that is encrypted, after validation. */
function serialise(payload: BackupPayloadInput): Buffer {
  const parsed = BackupPayload.safeParse(payload);
  if (!parsed.success)
    throw new AppError(
      BackupErrorCode.InvalidPayload,
      'The data to back up is not valid; nothing was written. Please report this.',
    );
  const plaintext = Buffer.from(JSON.stringify(parsed.data), 'utf8');
  if (plaintext.length > MAX_CIPHERTEXT_LENGTH) {
    plaintext.fill(0);
    throw new AppError(
      BackupErrorCode.TooLarge,
      'The backup would be larger than 64 MiB; back up fewer deployments at a time.',
    );
  }
  return plaintext;
}

/**
 * Checks a file's structure without the passphrase (no KDF): what `openBackup` does first.
 * @throws AppError BACKUP_CORRUPTED, BACKUP_UNSUPPORTED_VERSION, BACKUP_UNSAFE_PARAMETERS.
 */
export function inspectBackup(file: Uint8Array, policy: KdfPolicy = {}): BackupHeader {
  const header = parseHeader(file);
  assertKdfParams(header.kdf, policy);
  return header;
}

/**
 * Decrypts and validates a backup in memory. Order matters: structure and checksum (cheap) → parameter
 * bounds → KDF → key check (wrong passphrase) → AEAD (corruption of the payload) → schema.
 * @throws AppError BACKUP_CORRUPTED, BACKUP_WRONG_PASSPHRASE, BACKUP_UNSUPPORTED_VERSION,
 *   BACKUP_UNSAFE_PARAMETERS, BACKUP_INVALID_PAYLOAD.
 */
export async function openBackup(
  file: Uint8Array,
  passphrase: string,
  options: OpenOptions = {},
): Promise<BackupPayload> {
  options.onPhase?.('check');
  const header = inspectBackup(file, options);
  options.onPhase?.('kdf');
  const keys = await deriveKeys(passphrase, header.salt, header.kdf, options);
  let plaintext: Buffer | undefined;
  try {
    const expected = keyCheck(keys.macKey, header.raw.subarray(0, KEY_CHECK_OFFSET));
    if (!timingSafeEqual(expected, header.keyCheck)) throw wrongPassphrase();
    options.onPhase?.('decrypt');
    const start = HEADER_LENGTH_V1;
    const end = start + header.ciphertextLength;
    const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
    try {
      const decipher = createDecipheriv('aes-256-gcm', keys.encKey, header.nonce, { authTagLength: TAG_LENGTH });
      decipher.setAAD(header.raw);
      decipher.setAuthTag(buf.subarray(end, end + TAG_LENGTH));
      plaintext = Buffer.concat([decipher.update(buf.subarray(start, end)), decipher.final()]);
    } catch {
      throw corrupted('the encrypted contents fail authentication');
    }
    let json: unknown;
    try {
      json = JSON.parse(plaintext.toString('utf8'));
    } catch {
      throw new AppError(
        BackupErrorCode.InvalidPayload,
        'The backup decrypted, but its contents are not valid JSON. It was not made by this app.',
      );
    }
    const parsed = BackupPayload.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') ?? '';
      throw new AppError(
        BackupErrorCode.InvalidPayload,
        `The backup decrypted, but its contents do not match the backup format (at ${where || 'the top level'}). Nothing was restored.`,
      );
    }
    return parsed.data;
  } finally {
    plaintext?.fill(0);
    keys.encKey.fill(0);
    keys.macKey.fill(0);
  }
}

/** Exposed for documentation tests: where each region of a v1 file begins. */
export const LAYOUT_V1 = Object.freeze({
  keyCheck: KEY_CHECK_OFFSET,
  checksum: CHECKSUM_OFFSET,
  body: HEADER_LENGTH_V1,
  tag: TAG_LENGTH,
});
