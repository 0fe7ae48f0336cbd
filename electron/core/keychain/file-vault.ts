import { createCipheriv, createDecipheriv, randomBytes as nodeRandomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../common/errors';
import { KDF_BOUNDS } from '../backup/kdf';
import { sha256, writeFileAtomic } from '../fs/atomic-write';
import type { Keychain, KeychainEntry } from './keychain';

/**
 * The passphrase-protected file vault (ARCHITECTURE.md §4 `keychain/`), for machines where no OS keychain
 * is usable. The admin chooses it explicitly; the app never falls back to it on its own.
 *
 * Format (one JSON document, written atomically, mode 0600):
 *   { format: "crucible-secrets-vault", version: 1,
 *     kdf: { name: "argon2id", memoryKiB, iterations, parallelism, salt (base64, 16 bytes) },
 *     cipher: { name: "aes-256-gcm", nonce (base64, 12 bytes) }, ciphertext (base64), tag (base64, 16 bytes) }
 * The key is argon2id(passphrase, salt) → 32 bytes. The plaintext is `{ services: { <service>: { <account>: value } } }`.
 * The header (format, version, kdf, cipher name) is the GCM associated data, so changing a KDF parameter
 * or the version is detected like any other tampering. Every write uses a fresh random nonce.
 */

export const VAULT_FORMAT = 'crucible-secrets-vault' as const;

export interface VaultKdfParams {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** OWASP's argon2id baseline (64 MiB, t=3, p=1): about a quarter of a second on a laptop. */
export const DEFAULT_VAULT_KDF: VaultKdfParams = { memoryKiB: 65536, iterations: 3, parallelism: 1 };

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const VaultFile = z.object({
  format: z.literal(VAULT_FORMAT),
  version: z.literal(1),
  kdf: z.object({
    name: z.literal('argon2id'),
    memoryKiB: z
      .number()
      .int()
      .min(8)
      .max(4 * 1024 * 1024),
    iterations: z.number().int().min(1).max(100),
    parallelism: z.number().int().min(1).max(64),
    salt: b64,
  }),
  cipher: z.object({ name: z.literal('aes-256-gcm'), nonce: b64 }),
  ciphertext: b64,
  tag: b64,
});
type VaultFile = z.infer<typeof VaultFile>;

const Plain = z.object({ services: z.record(z.string(), z.record(z.string(), z.string())) });
type Plain = z.infer<typeof Plain>;

export interface VaultOptions {
  kdf?: VaultKdfParams;
  random?: (n: number) => Buffer;
}

const MIN_PASSPHRASE_CHARS = 12;

/**
 * Refuses KDF parameters above the backup format's bounds ({@link KDF_BOUNDS}: memory, passes, lanes and
 * memory × passes), so an edited vault file cannot make the unlock allocate gigabytes or spin for minutes.
 * Runs before the KDF. (The header is authenticated, but only after the key is derived.)
 * @throws AppError KEYCHAIN_VAULT_UNSAFE_PARAMETERS
 */
export function assertVaultKdf(kdf: VaultKdfParams, file: string): void {
  const ok =
    Number.isInteger(kdf.memoryKiB) &&
    Number.isInteger(kdf.iterations) &&
    Number.isInteger(kdf.parallelism) &&
    kdf.parallelism >= 1 &&
    kdf.parallelism <= KDF_BOUNDS.maxParallelism &&
    kdf.memoryKiB >= 8 * kdf.parallelism &&
    kdf.memoryKiB <= KDF_BOUNDS.maxMemoryKiB &&
    kdf.iterations >= 1 &&
    kdf.iterations <= KDF_BOUNDS.maxIterations &&
    kdf.memoryKiB * kdf.iterations <= KDF_BOUNDS.maxWork;
  if (!ok) {
    throw new AppError(
      'KEYCHAIN_VAULT_UNSAFE_PARAMETERS',
      `The vault file ${basename(file)} asks for key-derivation parameters outside the accepted range (memory ${kdf.memoryKiB} KiB, ${kdf.iterations} iterations, ${kdf.parallelism} lanes). It was not opened: it was not made by this app or was edited. Restore it from a backup.`,
    );
  }
}

async function deriveKey(passphrase: string, kdf: VaultFile['kdf'], file: string): Promise<Buffer> {
  assertVaultKdf(kdf, file);
  const argon2 = await import('argon2');
  return argon2.hash(passphrase, {
    type: argon2.argon2id,
    raw: true,
    hashLength: 32,
    memoryCost: kdf.memoryKiB,
    timeCost: kdf.iterations,
    parallelism: kdf.parallelism,
    salt: Buffer.from(kdf.salt, 'base64'),
  });
}

function aad(doc: Pick<VaultFile, 'format' | 'version' | 'kdf' | 'cipher'>): Buffer {
  return Buffer.from(
    JSON.stringify({ format: doc.format, version: doc.version, kdf: doc.kdf, cipher: doc.cipher.name }),
    'utf8',
  );
}

function corrupted(file: string): AppError {
  return new AppError(
    'KEYCHAIN_VAULT_CORRUPTED',
    `The vault file ${basename(file)} is damaged or not a vault. Restore it from a backup; nothing was changed.`,
  );
}

async function readVaultFile(file: string): Promise<{ doc: VaultFile; sha: string }> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError(
        'KEYCHAIN_VAULT_MISSING',
        `The vault file ${basename(file)} does not exist. Create a vault first, or choose the OS keychain.`,
      );
    }
    throw new AppError(
      'KEYCHAIN_VAULT_UNREADABLE',
      `The vault file ${basename(file)} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'EIO'}).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw corrupted(file);
  }
  const parsed = VaultFile.safeParse(json);
  if (!parsed.success) throw corrupted(file);
  return { doc: parsed.data, sha: sha256(raw) };
}

/**
 * Checks a vault file without its passphrase: it exists, is readable, is a vault of this format, and asks
 * for key-derivation parameters within bounds. Returns its KDF parameters.
 * @throws AppError KEYCHAIN_VAULT_MISSING, KEYCHAIN_VAULT_UNREADABLE, KEYCHAIN_VAULT_CORRUPTED, KEYCHAIN_VAULT_UNSAFE_PARAMETERS
 */
export async function inspectVaultFile(file: string): Promise<VaultKdfParams> {
  const { doc } = await readVaultFile(file);
  assertVaultKdf(doc.kdf, file);
  return { memoryKiB: doc.kdf.memoryKiB, iterations: doc.kdf.iterations, parallelism: doc.kdf.parallelism };
}

/**
 * A Keychain kept in one encrypted file. Create it with {@link FileVault.create}, open it with
 * {@link FileVault.unlock}; {@link FileVault.lock} wipes the key from memory. Each operation re-reads the
 * file, so the app and the CLI can share it; writes refuse to replace a file that changed in between.
 */
export class FileVault implements Keychain {
  readonly backend = 'file-vault' as const;
  private key: Buffer | null;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    key: Buffer,
    private salt: string,
    private readonly random: (n: number) => Buffer,
  ) {
    this.key = key;
  }

  /**
   * Creates a new, empty vault protected by `passphrase`.
   * @throws AppError KEYCHAIN_VAULT_EXISTS if the file exists; KEYCHAIN_VAULT_WEAK_PASSPHRASE if shorter than 12 characters;
   *   KEYCHAIN_VAULT_UNSAFE_PARAMETERS if `options.kdf` is above the bounds.
   */
  static async create(file: string, passphrase: string, options: VaultOptions = {}): Promise<FileVault> {
    if (Array.from(passphrase).length < MIN_PASSPHRASE_CHARS) {
      throw new AppError(
        'KEYCHAIN_VAULT_WEAK_PASSPHRASE',
        `The vault passphrase must be at least ${MIN_PASSPHRASE_CHARS} characters; a few unrelated words work well.`,
      );
    }
    const random = options.random ?? nodeRandomBytes;
    const kdf = {
      name: 'argon2id' as const,
      ...(options.kdf ?? DEFAULT_VAULT_KDF),
      salt: random(16).toString('base64'),
    };
    const key = await deriveKey(passphrase, kdf, file);
    const vault = new FileVault(file, key, kdf.salt, random);
    const doc = vault.seal({ services: {} }, kdf);
    try {
      await writeFileAtomic(file, JSON.stringify(doc, null, 1) + '\n', { expectedSha256: null, keepPrevious: false });
    } catch (e) {
      if (e instanceof AppError && e.code === 'FS_CHANGED_ON_DISK') {
        throw new AppError(
          'KEYCHAIN_VAULT_EXISTS',
          `A vault already exists at ${basename(file)}. Unlock it with its passphrase instead of creating a new one.`,
        );
      }
      throw e;
    }
    return vault;
  }

  /**
   * Opens an existing vault.
   * @throws AppError KEYCHAIN_VAULT_WRONG_PASSPHRASE; KEYCHAIN_VAULT_CORRUPTED; KEYCHAIN_VAULT_MISSING;
   *   KEYCHAIN_VAULT_UNSAFE_PARAMETERS (KDF parameters a crafted file could hang the app with; checked before the KDF).
   */
  static async unlock(
    file: string,
    passphrase: string,
    options: Pick<VaultOptions, 'random'> = {},
  ): Promise<FileVault> {
    const { doc } = await readVaultFile(file);
    const key = await deriveKey(passphrase, doc.kdf, file);
    const vault = new FileVault(file, key, doc.kdf.salt, options.random ?? nodeRandomBytes);
    vault.open(doc); // proves the passphrase (GCM tag) before anyone uses the vault
    return vault;
  }

  get unlocked(): boolean {
    return this.key !== null;
  }

  /** Wipes the key from memory; every later call fails with KEYCHAIN_VAULT_LOCKED. */
  lock(): void {
    this.key?.fill(0);
    this.key = null;
  }

  private requireKey(): Buffer {
    if (!this.key)
      throw new AppError(
        'KEYCHAIN_VAULT_LOCKED',
        'The vault is locked. Unlock it with its passphrase, then try again.',
      );
    return this.key;
  }

  private seal(plain: Plain, kdf: VaultFile['kdf']): VaultFile {
    const nonce = this.random(12);
    const header = {
      format: VAULT_FORMAT,
      version: 1 as const,
      kdf,
      cipher: { name: 'aes-256-gcm' as const, nonce: nonce.toString('base64') },
    };
    const c = createCipheriv('aes-256-gcm', this.requireKey(), nonce);
    c.setAAD(aad(header));
    const ct = Buffer.concat([c.update(JSON.stringify(plain), 'utf8'), c.final()]);
    return { ...header, ciphertext: ct.toString('base64'), tag: c.getAuthTag().toString('base64') };
  }

  private open(doc: VaultFile): Plain {
    const key = this.requireKey();
    if (doc.kdf.salt !== this.salt) {
      throw new AppError(
        'KEYCHAIN_VAULT_REPLACED',
        'The vault file was replaced by another vault since it was unlocked. Unlock it again.',
      );
    }
    let text: string;
    try {
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(doc.cipher.nonce, 'base64'));
      d.setAAD(aad(doc));
      d.setAuthTag(Buffer.from(doc.tag, 'base64'));
      text = Buffer.concat([d.update(Buffer.from(doc.ciphertext, 'base64')), d.final()]).toString('utf8');
    } catch {
      // GCM cannot tell a wrong key from an altered file; the message covers both.
      throw new AppError(
        'KEYCHAIN_VAULT_WRONG_PASSPHRASE',
        'The passphrase is wrong, or the vault file was altered. Nothing was changed.',
      );
    }
    const parsed = Plain.safeParse(JSON.parse(text));
    if (!parsed.success) throw corrupted(this.file);
    return parsed.data;
  }

  private async load(): Promise<{ plain: Plain; doc: VaultFile; sha: string }> {
    this.requireKey();
    const { doc, sha } = await readVaultFile(this.file);
    return { plain: this.open(doc), doc, sha };
  }

  /** Read-modify-write, one at a time, refusing to replace a file another process changed meanwhile. */
  private mutate<T>(fn: (plain: Plain) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const { plain, doc, sha } = await this.load();
      const result = fn(plain);
      const next = this.seal(plain, doc.kdf);
      await writeFileAtomic(this.file, JSON.stringify(next, null, 1) + '\n', {
        expectedSha256: sha,
        keepPrevious: false,
      });
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async ensureUsable(): Promise<void> {
    await this.load();
  }

  async get(service: string, account: string): Promise<string | null> {
    const { plain } = await this.load();
    return plain.services[service]?.[account] ?? null;
  }

  set(service: string, account: string, value: string): Promise<void> {
    return this.mutate((plain) => {
      (plain.services[service] ??= {})[account] = value;
    });
  }

  delete(service: string, account: string): Promise<boolean> {
    return this.mutate((plain) => {
      const s = plain.services[service];
      if (!s || !(account in s)) return false;
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- accounts are data keys
      delete s[account];
      if (Object.keys(s).length === 0) {
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- services are data keys
        delete plain.services[service];
      }
      return true;
    });
  }

  async list(service: string): Promise<KeychainEntry[]> {
    const { plain } = await this.load();
    return Object.entries(plain.services[service] ?? {}).map(([account, value]) => ({ account, value }));
  }
}
