import { posix } from 'node:path';
import { AppError } from '../../common/errors';
import { sha256 } from '../fs/atomic-write';
import { keepPreviousVersion } from '../fs/previous-versions';
import type { DeploymentHost } from '../host/host';
import { applyEnvChanges } from './edit';
import { decodeEnvBytes } from './read';
import { parseEnv } from './parse';
import type { EnvChange, EnvDoc } from './types';

/**
 * A deployment's `.env` where it lives (host/): read and rewrite it through a DeploymentHost, so the same
 * code serves a folder here and one on a server. The edit rules are envfile's own (applyEnvChanges); the
 * write is the host's atomic write, refused when the file changed since it was read. The previous version
 * is kept on this computer, under the app home (0600 in a 0700 folder), where git cannot pick it up.
 */

/** A `.env` is a few kilobytes; anything this large is not one. */
const MAX_ENV_BYTES = 1024 * 1024;

export interface HostEnvRead {
  doc: EnvDoc;
  /** SHA-256 of the bytes read: pass it back as `expectedSha256` when writing. */
  sha256: string;
  /** The bytes as read (kept as the previous version, byte for byte). */
  bytes: Buffer;
}

/**
 * Reads and parses the `.env` at `path` on the host; null when there is none.
 * @throws AppError HOST_* (not a regular file, too large, unreachable)
 */
export async function readEnvOnHost(host: DeploymentHost, path: string): Promise<HostEnvRead | null> {
  let buf: Buffer;
  try {
    buf = await host.readFile(path, { maxBytes: MAX_ENV_BYTES });
  } catch (e) {
    if (e instanceof AppError && e.code === 'HOST_FILE_NOT_FOUND') return null;
    throw e;
  }
  return { doc: decodeEnvBytes(buf), sha256: sha256(buf), bytes: buf };
}

export interface WriteEnvOnHostOptions {
  /** SHA-256 of the content the change was based on; null when the file must not exist yet. */
  expectedSha256: string | null;
  /** Folder on this computer for the previous version (0600); none kept when null. */
  keepPreviousIn: string | null;
  clock?: () => Date;
  /** The file as the caller just read it (saves a round trip); used only when its SHA-256 is the expected one. */
  current?: HostEnvRead | null;
}

/**
 * Applies `changes` to the `.env` at `path` on the host, atomically there (mode 0600).
 * @returns where the previous version was kept on this computer, or null
 * @throws AppError FS_CHANGED_ON_DISK when the file changed since it was read (nothing written);
 *   ENV_UNSAFE_VALUE / ENV_INVALID_KEY (nothing written); HOST_* from the host.
 */
export async function writeEnvOnHost(
  host: DeploymentHost,
  path: string,
  changes: readonly EnvChange[],
  options: WriteEnvOnHostOptions,
): Promise<{ previousKeptAs: string | null; sha256: string }> {
  // The server refuses the write anyway if the file changed since (expectedSha256 is checked there).
  const given = options.current;
  const current =
    given !== undefined && given !== null && given.sha256 === options.expectedSha256
      ? given
      : await readEnvOnHost(host, path);
  if ((current?.sha256 ?? null) !== options.expectedSha256) {
    throw new AppError(
      'FS_CHANGED_ON_DISK',
      `${posix.basename(path)} on ${host.label} changed since it was read. Nothing was written; reload it and apply your change again.`,
    );
  }
  const doc = current?.doc ?? parseEnv('');
  const applied = applyEnvChanges(doc.text, changes, doc);
  let previousKeptAs: string | null = null;
  if (current && options.keepPreviousIn !== null) {
    // Kept before the write: a failed write then leaves both the old file and its copy.
    previousKeptAs = await keepPreviousVersion(
      options.keepPreviousIn,
      posix.basename(path),
      current.bytes,
      options.clock,
    );
  }
  await host.writeFileAtomic(path, applied.text, {
    mode: 0o600,
    expectedSha256: options.expectedSha256,
    keepPreviousIn: null,
  });
  return { previousKeptAs, sha256: sha256(applied.text) };
}
