import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, dirname } from 'node:path';
import { AppError } from '../../common/errors';
import { listBackups, sha256, writeFileAtomic, type FsOps } from '../fs/atomic-write';
import type { Logger } from '../log/logger';
import { migrateState } from './migrations';
import { AppState, emptyState } from './schema';

/** Told to the admin when the state had to be read from an earlier copy (shown by the UI and the CLI). */
export interface StateNotice {
  code: 'STATE_RECOVERED';
  message: string;
}

export interface StateStore {
  readonly file: string;
  /**
   * The current state, migrated to the current version. Read from disk each time, so the app and the
   * CLI see each other's changes.
   * @throws AppError STATE_CORRUPTED when the file is damaged and no earlier good copy exists;
   *   STATE_TOO_NEW when a newer app wrote it. Neither case changes anything on disk.
   */
  read(): Promise<AppState>;
  /**
   * The current state as a frozen object shared by every caller (no copy): for reads that only look, such as
   * listing deployments, which then cost a file read and a hash instead of a deep copy.
   * @throws as read().
   */
  view(): Promise<DeepReadonly<AppState>>;
  /**
   * Applies `change` to a copy of the current state and writes the result atomically (one change at a
   * time; the previous file is kept as a backup). If `change` throws, nothing is written.
   * @throws AppError STATE_INVALID if the change produced an invalid state; FS_* on write failure.
   */
  update<T>(change: (draft: AppState) => T | Promise<T>): Promise<T>;
  /** Set when the last read had to fall back to an earlier copy; null otherwise. */
  notice(): StateNotice | null;
  /**
   * Marks a write-ahead record (`pendingKeychainWrites`) as belonging to a write still running in this
   * process; recovery leaves such records alone, so opening the Secrets page while a long keychain write
   * runs does not undo it half-way. Call the returned function when the write ends, however it ends.
   */
  markWriteRunning(id: string): () => void;
  isWriteRunning(id: string): boolean;
}

export interface StateStoreDeps {
  file: string;
  logger: Logger;
  clock?: () => Date;
  fs?: FsOps;
}

export type DeepReadonly<T> = T extends (infer E)[]
  ? ReadonlyArray<DeepReadonly<E>>
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

interface Loaded {
  state: AppState;
  /** SHA-256 of the bytes read, or null when there was no file: the write must find the same. */
  sha: string | null;
}

function describe(e: unknown): string {
  if (e instanceof AppError) return e.message;
  if (e instanceof SyntaxError) return 'it is not valid JSON';
  return 'it cannot be read';
}

/**
 * The state store: one versioned JSON document (schema.ts) written with writeFileAtomic. A damaged file
 * is never reset: the newest good backup (`state.json.bak-*`) is used, the damaged file is kept beside it
 * as `state.json.damaged-<hash>`, and notice() tells the admin what happened.
 */
export function createStateStore(deps: StateStoreDeps): StateStore {
  const { file, logger } = deps;
  const now = deps.clock ?? (() => new Date());
  let lastNotice: StateNotice | null = null;
  const running = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();
  // Backups are named by millisecond; two writes in the same millisecond must not collide.
  let lastStamp = 0;
  const backupClock = () => {
    lastStamp = Math.max(now().getTime(), lastStamp + 1);
    return new Date(lastStamp);
  };

  const parseBytes = (bytes: Buffer) => migrateState(JSON.parse(bytes.toString('utf8')));
  // The last good state by the SHA-256 of its bytes: unchanged bytes are not parsed and validated again
  // (a few ms per read with a thousand secrets, several reads per operation). Frozen: read() hands out
  // copies, view() this object itself.
  let parsed: { sha: string; state: AppState } | null = null;
  const remember = (sha: string, state: AppState) => (parsed = { sha, state: deepFreeze(structuredClone(state)) });

  /** `copy: false` returns the frozen cached state itself when the bytes on disk are the cached ones. */
  async function load(copy = true): Promise<Loaded> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        lastNotice = null;
        return { state: emptyState(), sha: null };
      }
      throw new AppError(
        'STATE_UNREADABLE',
        `The state file ${basename(file)} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'EIO'}). Check its permissions.`,
      );
    }
    const sha = sha256(bytes);
    if (parsed?.sha === sha) {
      lastNotice = null;
      return { state: copy ? structuredClone(parsed.state) : parsed.state, sha };
    }
    try {
      const { state, fromVersion } = parseBytes(bytes);
      if (fromVersion !== state.version) logger.info('state.migrated', { from: fromVersion, to: state.version });
      lastNotice = null;
      // view() always gets the frozen shared object, so a caller cannot mutate it once and fail the next time.
      return { state: copy ? state : remember(sha, state).state, sha };
    } catch (e) {
      if (e instanceof AppError && e.code === 'STATE_TOO_NEW') throw e;
      return recover(bytes, sha, describe(e));
    }
  }

  async function recover(bytes: Buffer, sha: string, reason: string): Promise<Loaded> {
    const kept = `${file}.damaged-${sha.slice(0, 12)}`;
    await copyFile(file, kept, constants.COPYFILE_EXCL).catch(() => undefined); // already kept: fine
    for (const backup of await listBackups(file).catch(() => [])) {
      try {
        const { state } = parseBytes(await readFile(backup));
        lastNotice = {
          code: 'STATE_RECOVERED',
          message: `The app state file was damaged (${reason}). The last good copy (${basename(backup)}) is in use; changes made after it was saved are missing, so check your deployments. The damaged file was kept as ${basename(kept)}.`,
        };
        logger.warn('state.recovered', { from: basename(backup), reason, kept: basename(kept), bytes: bytes.length });
        // The write that follows replaces the damaged file, so it must expect the damaged bytes.
        return { state, sha };
      } catch {
        /* try an older copy */
      }
    }
    logger.error('state.corrupted', { reason, kept: basename(kept) });
    throw new AppError(
      'STATE_CORRUPTED',
      `The app state file ${basename(file)} is damaged (${reason}) and no earlier good copy exists. Nothing was changed. A copy was kept as ${basename(kept)}; move ${basename(file)} aside to start with an empty state.`,
    );
  }

  function serial<T>(op: () => Promise<T>): Promise<T> {
    const run = queue.then(op);
    queue = run.catch(() => undefined);
    return run;
  }

  return {
    file,
    read: () => load().then((l) => l.state),
    view: () => load(false).then((l) => l.state as DeepReadonly<AppState>),
    notice: () => lastNotice,
    markWriteRunning(id) {
      running.add(id);
      return () => running.delete(id);
    },
    isWriteRunning: (id) => running.has(id),
    update<T>(change: (draft: AppState) => T | Promise<T>): Promise<T> {
      const attempt = async () => {
        // load() hands out a private copy: it is the draft.
        const { state: draft, sha } = await load();
        const result = await change(draft);
        const checked = AppState.safeParse(draft);
        if (!checked.success) {
          const where = checked.error.issues
            .slice(0, 3)
            .map((i) => i.path.join('.'))
            .join(', ');
          throw new AppError(
            'STATE_INVALID',
            `The change would make the app state invalid (at ${where}); nothing was written.`,
          );
        }
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        const text = JSON.stringify(checked.data, null, 2) + '\n';
        await writeFileAtomic(file, text, { expectedSha256: sha, clock: backupClock, fs: deps.fs, maxBackups: 5 });
        remember(sha256(text), checked.data);
        return result;
      };
      // Another process (the CLI beside the app) may have written in between: apply the change again on
      // top of its version, once.
      return serial(() =>
        attempt().catch((e: unknown) => {
          if (e instanceof AppError && e.code === 'FS_CHANGED_ON_DISK') return attempt();
          throw e;
        }),
      );
    },
  };
}
