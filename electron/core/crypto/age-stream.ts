import type { FileHandle } from 'node:fs/promises';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { AppError } from '../../common/errors';
import { writeFileAtomic } from '../fs/atomic-write';

/**
 * Database dumps are encrypted as they arrive, in the age format (age-encryption.org/v1) to an X25519
 * recipient: a standard, audited format that the admin can also open with the `age` tool
 * (`age -d -i key.txt dump.sql.age`), and that needs only the public half to write. Plaintext never
 * touches the disk.
 */

/** Where bytes of a program's output go, one chunk at a time, in order. */
export interface ChunkSink {
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes everything written (and the final age chunk). */
  end(): Promise<void>;
}

/** A sink that writes each chunk as it is to `fh` (the plaintext case). */
export function fileSink(fh: FileHandle): ChunkSink {
  return {
    write: async (chunk) => {
      await fh.write(chunk);
    },
    end: () => Promise.resolve(),
  };
}

const RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/** @throws AppError DUMP_RECIPIENT_INVALID unless `s` is an X25519 age recipient (`age1…`, 62 characters). */
export function assertAgeRecipient(s: string): void {
  if (!RECIPIENT.test(s))
    throw new AppError(
      'DUMP_RECIPIENT_INVALID',
      'The dump recipient must be an age X25519 public key: "age1" and 58 more characters (make one with `age-keygen`).',
    );
}

/** A new identity (`AGE-SECRET-KEY-1…`, secret) and its recipient (`age1…`, public). */
export async function newAgeIdentity(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** The recipient of an identity, to check that a stored key pair belongs together. */
export function recipientOf(identity: string): Promise<string> {
  return identityToRecipient(identity);
}

/** A sink that encrypts to `recipient` and writes the ciphertext to `fh`. */
export async function ageEncryptingSink(recipient: string, fh: FileHandle): Promise<ChunkSink> {
  assertAgeRecipient(recipient);
  const e = new Encrypter();
  e.addRecipient(recipient);
  const plain = new TransformStream<Uint8Array, Uint8Array>();
  const cipher = await e.encrypt(plain.readable);
  const pump = (async () => {
    const reader = cipher.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      await fh.write(value);
    }
  })();
  // An error in the pump must not go unhandled while the writer is still feeding chunks.
  pump.catch(() => undefined);
  const writer = plain.writable.getWriter();
  return {
    write: async (chunk) => {
      await writer.write(chunk);
    },
    end: async () => {
      await writer.close();
      await pump;
    },
  };
}

/**
 * Decrypts a whole age file with `identity`, chunk by chunk into `out`.
 * @throws AppError DUMP_DECRYPT_FAILED when the identity does not open it or the file is damaged
 */
export async function ageDecryptTo(identity: string, input: ReadableStream<Uint8Array>, out: ChunkSink): Promise<void> {
  const d = new Decrypter();
  d.addIdentity(identity);
  try {
    const plain = await d.decrypt(input);
    const reader = plain.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await out.write(value);
    }
    await out.end();
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError(
      'DUMP_DECRYPT_FAILED',
      'The dump could not be decrypted: it was made for another key, or the file is damaged. Nothing was written.',
    );
  }
}

/**
 * Encrypts `data` (already whole in memory) to `recipient` into a 0600 file at `path`, through the atomic
 * writer (temp, fsync, rename, folder fsync; a symlink refused).
 */
export async function writeEncryptedFile(path: string, data: string | Uint8Array, recipient: string): Promise<void> {
  assertAgeRecipient(recipient);
  const e = new Encrypter();
  e.addRecipient(recipient);
  await writeFileAtomic(path, await e.encrypt(data), { mode: 0o600, keepPrevious: false });
}
