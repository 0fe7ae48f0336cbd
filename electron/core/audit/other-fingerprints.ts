import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fingerprint } from './fingerprint';
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
      // A symlinked .env is not followed (as the audit's own read refuses it). The stamp comes from the open
      // file itself, taken before reading: a change after it gives a newer stamp, so the next audit reads again.
      const handle = await open(path, constants.O_RDONLY | ((constants as Partial<typeof constants>).O_NOFOLLOW ?? 0)).catch(() => null);
      if (handle === null) {
        cache.delete(folder);
        return null;
      }
      try {
        const st = await handle.stat();
        if (!st.isFile() || st.size > deps.maxBytes) {
          cache.delete(folder);
          return null;
        }
        const stamp = `${String(st.dev)}:${String(st.ino)}:${String(st.size)}:${String(st.mtimeMs)}:${String(st.ctimeMs)}`;
        const hit = cache.get(folder);
        if (hit?.stamp === stamp) return hit.fingerprints;
        const fingerprints = new Map<string, string>();
        for (const [k, v] of read(await handle.readFile('utf8'))) if (deps.secretVariables.has(k) && v !== '') fingerprints.set(k, fingerprint(deps.fingerprintKey, v));
        cache.set(folder, { stamp, fingerprints });
        return fingerprints;
      } finally {
        await handle.close();
      }
    },
  };
}
