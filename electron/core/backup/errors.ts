import { AppError } from '../../common/errors';

/**
 * Error codes of the backup module. Messages tell the admin what to do next and never contain a secret,
 * a passphrase or the file's bytes.
 */
export const BackupErrorCode = {
  /** The passphrase does not open this file (the key check failed); the file itself looks intact. */
  WrongPassphrase: 'BACKUP_WRONG_PASSPHRASE',
  /** The file was damaged or modified: checksum, length, key-check-protected header or AEAD tag failed. */
  Corrupted: 'BACKUP_CORRUPTED',
  /** A newer format version than this app reads. */
  UnsupportedVersion: 'BACKUP_UNSUPPORTED_VERSION',
  /** KDF parameters outside the bounds we accept: refused before running the KDF. */
  UnsafeParameters: 'BACKUP_UNSAFE_PARAMETERS',
  /** Decrypted fine, but the contents do not match the payload schema. */
  InvalidPayload: 'BACKUP_INVALID_PAYLOAD',
  /** The passphrase chosen for an export is too weak or the two entries differ. */
  WeakPassphrase: 'BACKUP_WEAK_PASSPHRASE',
  PassphraseMismatch: 'BACKUP_PASSPHRASE_MISMATCH',
  /** Export, verify or restore input problems. */
  NotFound: 'BACKUP_NOT_FOUND',
  TooLarge: 'BACKUP_TOO_LARGE',
  RestoreFailed: 'BACKUP_RESTORE_FAILED',
  Conflict: 'BACKUP_CONFLICT',
} as const;

export function corrupted(detail: string): AppError {
  return new AppError(
    BackupErrorCode.Corrupted,
    `This backup file is corrupted or has been modified (${detail}). Nothing was restored; use another copy of the backup.`,
  );
}

export function wrongPassphrase(): AppError {
  return new AppError(
    BackupErrorCode.WrongPassphrase,
    'The passphrase does not open this backup. Check the passphrase (it is case-sensitive) and try again; the file itself looks intact.',
  );
}
