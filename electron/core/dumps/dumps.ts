import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { AppError } from '../../common/errors';
import {
  ageDecryptTo,
  ageEncryptingSink,
  assertAgeRecipient,
  fileSink,
  newAgeIdentity,
  recipientOf,
} from '../crypto/age-stream';
import type { Journal } from '../journal/journal';
import type { Keychain } from '../keychain/keychain';
import type { StateStore } from '../store/state-store';

/**
 * Database dumps taken before a rotation or during an incident. They hold every user's data and encrypted
 * provider keys, so they are written encrypted as they arrive (age format, crypto/age-stream.ts) under the
 * app home, `dumps/<deployment id>/`, 0600 — never in the deployment folder, never in plaintext. Listed and
 * deleted from the app; decrypted only on request, to a new 0600 file.
 *
 * Key: by default the app's own age key, made on first use, its private half in the keychain (the same trust
 * as the secrets themselves). An admin who wants dumps the workstation alone cannot open sets their own public
 * key (`crucible-secrets dumps key --recipient age1…`) and decrypts with the `age` tool.
 */

/** Keychain service and account of the app's dump key (the private half). */
export const DUMP_KEY_SERVICE = 'crucible-secrets/dumps';
export const DUMP_KEY_ACCOUNT = 'age-identity';

export const ENCRYPTED_SUFFIX = '.age';

export interface DumpInfo {
  /** The file name inside the deployment's dump folder: the id used to delete or decrypt it. */
  id: string;
  size: number;
  createdAt: string;
  encrypted: boolean;
}

export interface DumpKey {
  recipient: string;
  /** True when the private half is in the keychain (the app can decrypt). */
  appHoldsKey: boolean;
}

export interface DumpsDeps {
  home: string;
  store: StateStore;
  keychain: () => Promise<Keychain>;
  journal: Pick<Journal, 'append'>;
}

export interface Dumps {
  /** The folder of a deployment's dumps. */
  folder(deploymentId: string): string;
  /** Who new dumps are encrypted to; makes the app's key on first use. @throws KEYCHAIN_* */
  recipient(): Promise<DumpKey>;
  /** Encrypts new dumps to the admin's own public key from now on (null: back to the app's key). */
  setRecipient(recipient: string | null): Promise<DumpKey>;
  list(deploymentId: string): Promise<DumpInfo[]>;
  /** @throws AppError DUMP_NOT_FOUND */
  remove(deploymentId: string, id: string): Promise<void>;
  /**
   * Decrypts a dump into `out` (a new 0600 file; an existing one is refused).
   * @throws AppError DUMP_NOT_FOUND, DUMP_KEY_MISSING (encrypted to the admin's key), DUMP_OUT_EXISTS, DUMP_DECRYPT_FAILED
   */
  decrypt(deploymentId: string, id: string, out: string): Promise<void>;
  /** Encrypts a stream (a dump piped in by hand) to the current recipient into a new 0600 file `out`. */
  encryptStream(input: Readable, out: string): Promise<void>;
}

function dumpError(id: string): AppError {
  return new AppError(
    'DUMP_NOT_FOUND',
    `There is no dump ${JSON.stringify(id.slice(0, 120))} for this deployment. List them with \`crucible-secrets dumps list\`.`,
  );
}

/** Writes through `fill` into a new 0600 file: a temp file beside it, fsynced, renamed; removed on failure. */
async function writeNewFile(out: string, fill: (fh: fsp.FileHandle) => Promise<void>): Promise<void> {
  try {
    await fsp.lstat(out);
    throw new AppError('DUMP_OUT_EXISTS', `${out} already exists; choose a new file name (nothing was written).`);
  } catch (e) {
    if (e instanceof AppError) throw e;
  }
  const temp = `${out}.part-${String(process.pid)}-${String(Date.now())}`;
  const fh = await fsp.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await fill(fh);
    await fh.sync();
    await fh.close();
    await fsp.link(temp, out).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new AppError('DUMP_OUT_EXISTS', `${out} already exists; choose a new file name (nothing was written).`);
      throw e;
    });
    await fsp.unlink(temp);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fsp.unlink(temp).catch(() => undefined);
    throw e;
  }
}

export function createDumps(deps: DumpsDeps): Dumps {
  const folder = (id: string) => join(deps.home, 'dumps', id);

  async function appKey(create: boolean): Promise<string | null> {
    const kc = await deps.keychain();
    const existing = await kc.get(DUMP_KEY_SERVICE, DUMP_KEY_ACCOUNT);
    if (existing !== null || !create) return existing === null ? null : recipientOf(existing);
    const made = await newAgeIdentity();
    await kc.set(DUMP_KEY_SERVICE, DUMP_KEY_ACCOUNT, made.identity);
    return made.recipient;
  }

  async function find(deploymentId: string, id: string): Promise<DumpInfo> {
    const found = (await list(deploymentId)).find((d) => d.id === id);
    if (!found) throw dumpError(id);
    return found;
  }

  async function list(deploymentId: string): Promise<DumpInfo[]> {
    let names: string[];
    try {
      names = await fsp.readdir(folder(deploymentId));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: DumpInfo[] = [];
    for (const id of names) {
      if (id.includes('.part-')) continue;
      const st = await fsp.lstat(join(folder(deploymentId), id)).catch(() => null);
      if (!st?.isFile()) continue;
      out.push({ id, size: st.size, createdAt: st.mtime.toISOString(), encrypted: id.endsWith(ENCRYPTED_SUFFIX) });
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async function recipient(): Promise<DumpKey> {
    const chosen = (await deps.store.read()).settings.dumpRecipient;
    if (chosen?.kind === 'admin') return { recipient: chosen.recipient, appHoldsKey: false };
    const r = await appKey(true);
    if (r === null) throw new AppError('DUMP_KEY_MISSING', 'The dump key could not be made in the keychain.');
    if (chosen?.recipient !== r)
      await deps.store.update((s) => void (s.settings.dumpRecipient = { kind: 'app', recipient: r }));
    return { recipient: r, appHoldsKey: true };
  }

  return {
    folder,
    recipient,
    async setRecipient(r) {
      if (r === null) {
        await deps.store.update((s) => {
          delete s.settings.dumpRecipient;
        });
        return recipient();
      }
      assertAgeRecipient(r);
      await deps.store.update((s) => void (s.settings.dumpRecipient = { kind: 'admin', recipient: r }));
      return { recipient: r, appHoldsKey: false };
    },
    list,
    async remove(deploymentId, id) {
      const d = await find(deploymentId, id);
      await fsp.unlink(join(folder(deploymentId), d.id));
      await deps.journal.append({
        type: 'dump.deleted',
        deploymentId,
        subject: d.id,
        details: { encrypted: d.encrypted },
      });
    },
    async decrypt(deploymentId, id, out) {
      const d = await find(deploymentId, id);
      if (!d.encrypted)
        throw new AppError(
          'DUMP_NOT_FOUND',
          `${d.id} is not encrypted; it can be read as it is (and should be deleted once it is no longer needed).`,
        );
      const path = join(folder(deploymentId), d.id);
      const byHand = `If it was encrypted to your own key, decrypt it with: age -d -i <your key file> -o <out.sql> '${path}'`;
      const identity = await (await deps.keychain()).get(DUMP_KEY_SERVICE, DUMP_KEY_ACCOUNT);
      if (identity === null)
        throw new AppError('DUMP_KEY_MISSING', `The app's dump key is not in this keychain. ${byHand}`);
      const input = Readable.toWeb((await fsp.open(path)).createReadStream()) as ReadableStream<Uint8Array>;
      await writeNewFile(out, (fh) => ageDecryptTo(identity, input, fileSink(fh))).catch((e: unknown) => {
        if (e instanceof AppError && e.code === 'DUMP_DECRYPT_FAILED')
          throw new AppError('DUMP_DECRYPT_FAILED', `${e.message} ${byHand}`);
        throw e;
      });
      await deps.journal.append({ type: 'dump.decrypted', deploymentId, subject: d.id, details: {} });
    },
    async encryptStream(input, out) {
      const { recipient: r } = await recipient();
      await writeNewFile(out, async (fh) => {
        const sink = await ageEncryptingSink(r, fh);
        for await (const chunk of input) await sink.write(chunk as Uint8Array);
        await sink.end();
      });
    },
  };
}
