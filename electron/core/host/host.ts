import type { Location } from './location';

/**
 * Where a deployment lives (ARCHITECTURE.md §4 `host/`): this computer, or a server reached with the
 * admin's own OpenSSH. Everything that touches a deployment's files or runs `docker compose`/`git` goes
 * through a DeploymentHost, so the same code works on a folder here and on a server.
 *
 * Rules every adapter keeps:
 *  - argv only, never a shell string built from values; on SSH each argument is quoted for the remote
 *    POSIX shell. Secrets never go into argv: they travel on stdin.
 *  - Every run returns its exit status; nothing is thrown for a non-zero exit (the caller diagnoses it).
 *    Transport failures (ssh could not connect, host key refused) are AppErrors with codes HOST_*.
 *  - File reads accept regular files only (a symlink, FIFO or device is refused) up to a size cap.
 */

export interface RunOptions {
  /** Working folder on the host (absolute). Default: the deployment folder. */
  cwd?: string;
  /** Sent on stdin, then stdin is closed. The only way a secret may reach a command. */
  stdin?: string | Buffer;
  /** Variables to set for the command (added to a clean, controlled environment). */
  env?: Readonly<Record<string, string>>;
  /** Killed after this long (default 120 s); the result then has `timedOut: true`. */
  timeoutMs?: number;
  /**
   * A file on THIS computer that receives stdout whole (not the 64 KiB tail): created 0600, and present
   * only when the command exits 0 (a failed dump never leaves half a file). `stdout` is then empty.
   */
  stdoutFile?: string;
  /** With `stdoutFile`: encrypt stdout to this age recipient as it arrives (database dumps; no plaintext on disk). */
  stdoutEncryptTo?: string;
}

export interface RunResult {
  /** The command's exit status (127 when it could not be started, 124 after a timeout). */
  code: number;
  /** The tail of each stream (64 KiB at most), UTF-8. */
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

export interface HostFileStat {
  kind: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
}

export interface WriteOptions {
  /** Mode of the new file (default 0600). */
  mode?: number;
  /** Refuse (HOST_FILE_CHANGED) unless the current file has this SHA-256 (null: must not exist). */
  expectedSha256?: string | null;
  /**
   * Keep the previous version (if any) as a 0600 copy in this folder on the same host, named
   * `<basename>.<UTC timestamp>` — a folder outside the deployment, so git cannot pick it up. Null: keep none.
   */
  keepPreviousIn?: string | null;
}

export interface DeploymentHost {
  readonly location: Location;
  /** For people: "this computer" or "admin@crucible.example.org". */
  readonly label: string;
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** @throws AppError HOST_FILE_NOT_FOUND, HOST_NOT_A_FILE, HOST_FILE_TOO_LARGE, HOST_* transport errors */
  readFile(path: string, options?: { maxBytes?: number }): Promise<Buffer>;
  /** lstat: null when the path does not exist. */
  stat(path: string): Promise<HostFileStat | null>;
  /**
   * Atomic on the host: temp file in the same folder, fsync, rename, mode as asked, owner of the previous
   * file preserved where permitted. A lost connection mid-write leaves the old file intact.
   * @returns where the previous version was kept, or null
   */
  writeFileAtomic(
    path: string,
    data: string | Buffer,
    options?: WriteOptions,
  ): Promise<{ previousKeptAs: string | null }>;
  /** Names in a folder (not recursive). */
  list(dir: string): Promise<string[]>;
  /** Ends the multiplexed connection (SSH); a no-op locally. Safe to call twice. */
  close(): Promise<void>;
}
