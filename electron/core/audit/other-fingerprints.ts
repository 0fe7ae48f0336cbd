import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { secretFingerprints } from './fingerprint';
import { readEnvValues, type EnvReader } from './env-adapter';

/**
 * The fingerprints of the other registered deployments' `.env` files, for the cross-deployment reuse rule.
 * Every audit compares with every other deployment, so without a cache an admin with ten deployments pays
 * for parsing ten `.env` files on each audit of one of them. A file is read again only when its identity or
 * stamp (device, inode, size, mtime, ctime) changed; an atomic write renames a new inode into place, so
 * every write we or an editor make is seen. Only keyed fingerprints are kept, never values.
 */
export interface OtherFingerprints {
  /** The secret fingerprints of `folder/.env`; null when it does not exist or is not a small regular file. */
  of(folder: string): Promise<Map<string, string> | null>;
}

export interface OtherFingerprintsDeps {
  fingerprintKey: Buffer;
  secretVariables: ReadonlySet<string>;
  readEnv?: EnvReader;
  maxBytes: number;
}

const flags = constants as Partial<typeof constants>;
/** Files changed more recently than this are read again at every audit (timestamps can be 2 s coarse). */
const RACY_MS = 3000;

interface Entry {
  stamp: string;
  fingerprints: Map<string, string>;
}

export function createOtherFingerprints(deps: OtherFingerprintsDeps): OtherFingerprints {
  const cache = new Map<string, Entry>();
  const read = deps.readEnv ?? readEnvValues;

  return {
    async of(folder) {
      const path = join(folder, '.env');
      const gone = () => (cache.delete(folder), null);
      // Only a regular file, never through a symlink (as the audit's own read, lstat first: Windows has no
      // O_NOFOLLOW), and never blocking on a FIFO planted as .env (O_NONBLOCK; fstat refuses it below).
      const link = await lstat(path).catch(() => null);
      if (!link?.isFile()) return gone();
      const handle = await open(path, constants.O_RDONLY | (flags.O_NOFOLLOW ?? 0) | (flags.O_NONBLOCK ?? 0)).catch(
        () => null,
      );
      if (handle === null) return gone();
      try {
        // The stamp comes from the open file itself, taken before reading: a change after it gives a newer
        // stamp, so the next audit reads again.
        const st = await handle.stat();
        if (!st.isFile() || st.size > deps.maxBytes) return gone();
        const stamp = `${String(st.dev)}:${String(st.ino)}:${String(st.size)}:${String(st.mtimeMs)}:${String(st.ctimeMs)}`;
        const hit = cache.get(folder);
        if (hit?.stamp === stamp) return hit.fingerprints;
        const fingerprints = secretFingerprints(
          deps.fingerprintKey,
          deps.secretVariables,
          read(await handle.readFile('utf8')),
        );
        // Racy-git rule: a file changed within the last seconds may change again within the same timestamp
        // tick (coarse on FAT, SMB, HFS+) without its stamp moving, so it is not remembered yet.
        if (Date.now() - st.mtimeMs >= RACY_MS) cache.set(folder, { stamp, fingerprints });
        else cache.delete(folder);
        return fingerprints;
      } finally {
        await handle.close();
      }
    },
  };
}
