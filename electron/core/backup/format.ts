import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../common/errors';
import { BackupErrorCode, corrupted } from './errors';

/**
 * The binary container of a backup, version 1 (docs/backup-format.md is the normative description; keep the
 * two in step). All integers are big-endian.
 *
 *   off  len  field
 *     0    8  magic "CSBACKUP"
 *     8    2  format version (1)
 *    10    2  header length (140 for version 1)
 *    12    1  KDF id (1 = Argon2id, version 0x13)
 *    13    1  AEAD id (1 = AES-256-GCM)
 *    14    2  reserved, 0
 *    16    4  Argon2 memory, KiB
 *    20    4  Argon2 iterations
 *    24    4  Argon2 parallelism (lanes)
 *    28   32  salt
 *    60   12  GCM nonce
 *    72    4  ciphertext length (bytes, without the 16-byte tag)
 *    76   32  key check = HMAC-SHA256(mac key, bytes 0..75)
 *   108   32  header checksum = SHA-256(bytes 0..107)
 *   140    n  ciphertext, then the 16-byte GCM tag; AAD = bytes 0..139
 */

export const MAGIC = Buffer.from('CSBACKUP', 'ascii');
export const FORMAT_VERSION = 1;
export const HEADER_LENGTH_V1 = 140;
export const KDF_ARGON2ID = 1;
export const AEAD_AES_256_GCM = 1;
export const SALT_LENGTH = 32;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
export const KEY_CHECK_OFFSET = 76;
export const CHECKSUM_OFFSET = 108;
/** A payload bigger than this is not a backup of secrets; refusing it bounds memory use on read. */
export const MAX_CIPHERTEXT_LENGTH = 64 * 1024 * 1024;
/** The first 12 bytes (magic, version, header length) are layout-independent so any version can be identified. */
const PREAMBLE_LENGTH = 12;
const MAX_HEADER_LENGTH = 4096;

export interface KdfParams {
  /** Memory in KiB. */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export interface BackupHeader {
  version: number;
  kdf: KdfParams;
  salt: Buffer;
  nonce: Buffer;
  ciphertextLength: number;
  keyCheck: Buffer;
  /** The exact header bytes (0..139): the AEAD's associated data. */
  raw: Buffer;
}

/** Builds a header without its key check and checksum; `sealHeader` fills them in. */
export function encodeHeader(fields: {
  kdf: KdfParams;
  salt: Buffer;
  nonce: Buffer;
  ciphertextLength: number;
}): Buffer {
  if (fields.salt.length !== SALT_LENGTH || fields.nonce.length !== NONCE_LENGTH)
    throw new Error('bad salt or nonce length');
  const h = Buffer.alloc(HEADER_LENGTH_V1);
  MAGIC.copy(h, 0);
  h.writeUInt16BE(FORMAT_VERSION, 8);
  h.writeUInt16BE(HEADER_LENGTH_V1, 10);
  h.writeUInt8(KDF_ARGON2ID, 12);
  h.writeUInt8(AEAD_AES_256_GCM, 13);
  h.writeUInt16BE(0, 14);
  h.writeUInt32BE(fields.kdf.memoryKiB, 16);
  h.writeUInt32BE(fields.kdf.iterations, 20);
  h.writeUInt32BE(fields.kdf.parallelism, 24);
  fields.salt.copy(h, 28);
  fields.nonce.copy(h, 60);
  h.writeUInt32BE(fields.ciphertextLength, 72);
  return h;
}

/** Writes the key check and then the checksum (which covers the key check) into a header from `encodeHeader`. */
export function sealHeader(header: Buffer, keyCheck: Buffer): void {
  keyCheck.copy(header, KEY_CHECK_OFFSET);
  createHash('sha256').update(header.subarray(0, CHECKSUM_OFFSET)).digest().copy(header, CHECKSUM_OFFSET);
}

/**
 * Parses and checks everything that can be checked without the passphrase: magic, checksum, version,
 * algorithm ids and the exact file length. Cheap, so a damaged file is rejected before the KDF runs.
 * @throws AppError BACKUP_CORRUPTED, BACKUP_UNSUPPORTED_VERSION.
 */
export function parseHeader(file: Uint8Array): BackupHeader {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < PREAMBLE_LENGTH) throw corrupted('the file is too short to be a backup');
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) throw corrupted('it does not start like a Crucible Secrets backup');
  const headerLength = buf.readUInt16BE(10);
  if (headerLength < PREAMBLE_LENGTH + 32 || headerLength > MAX_HEADER_LENGTH)
    throw corrupted('the header length is invalid');
  if (buf.length < headerLength) throw corrupted('the file is truncated inside its header');
  // The checksum sits in the last 32 bytes of the header in every version, so a damaged header is reported
  // as damage even when its version field is what got hit.
  const sumAt = headerLength - 32;
  const expected = createHash('sha256').update(buf.subarray(0, sumAt)).digest();
  if (!timingSafeEqual(expected, buf.subarray(sumAt, headerLength)))
    throw corrupted('the header checksum does not match');
  const version = buf.readUInt16BE(8);
  if (version !== FORMAT_VERSION) {
    throw new AppError(
      BackupErrorCode.UnsupportedVersion,
      `This backup uses format version ${version}, which this version of the app cannot read. Update Crucible Secrets and try again.`,
    );
  }
  if (headerLength !== HEADER_LENGTH_V1) throw corrupted('the header length does not match its version');
  if (buf.readUInt8(12) !== KDF_ARGON2ID || buf.readUInt8(13) !== AEAD_AES_256_GCM || buf.readUInt16BE(14) !== 0) {
    throw corrupted('unknown algorithm identifiers');
  }
  const ciphertextLength = buf.readUInt32BE(72);
  if (ciphertextLength > MAX_CIPHERTEXT_LENGTH) throw corrupted('the declared payload size is implausible');
  const total = HEADER_LENGTH_V1 + ciphertextLength + TAG_LENGTH;
  if (buf.length < total) throw corrupted('the file is truncated');
  if (buf.length > total) throw corrupted('there are extra bytes after the end of the backup');
  return {
    version,
    kdf: { memoryKiB: buf.readUInt32BE(16), iterations: buf.readUInt32BE(20), parallelism: buf.readUInt32BE(24) },
    salt: Buffer.from(buf.subarray(28, 60)),
    nonce: Buffer.from(buf.subarray(60, 72)),
    ciphertextLength,
    keyCheck: Buffer.from(buf.subarray(KEY_CHECK_OFFSET, KEY_CHECK_OFFSET + 32)),
    raw: Buffer.from(buf.subarray(0, HEADER_LENGTH_V1)),
  };
}

/** A short, non-secret identifier of a backup file for the recovery sheet: SHA-256 of the whole file. */
export function backupFingerprint(file: Uint8Array): string {
  const hex = createHash('sha256').update(file).digest('hex').slice(0, 32);
  return hex.match(/.{4}/g)?.join('-') ?? hex;
}
