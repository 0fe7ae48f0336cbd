import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:os';
import { ageEncryptingSink, fileSink, type ChunkSink } from '../crypto/age-stream';

/**
 * One way to run a program for the host adapters: argv (never a shell), stdin written then closed, each
 * output stream capped, a timeout that ends in exit status 124, and a program that cannot be started
 * reported as 127 with the reason, like a shell would.
 */

/** Output kept per stream by default (the tail): command output is shown to the admin, not stored whole. */
export const OUTPUT_TAIL_BYTES = 64 * 1024;
/** Time between SIGTERM and SIGKILL after a timeout. */
const KILL_GRACE_MS = 3_000;
/** A grandchild (e.g. a backgrounded ssh master) may keep our pipes open after the child exits; wait this long. */
const PIPE_GRACE_MS = 1_000;

export interface CaptureOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  stdin?: string | Buffer;
  timeoutMs: number;
  /** Bytes of stdout kept (default 64 KiB) and which end: the tail (default) or the head. */
  stdoutCap?: number;
  stdoutKeep?: 'head' | 'tail';
  /**
   * Stream stdout, whole, into this local file instead of keeping it: written 0600 to a temp file beside
   * it, fsynced, and renamed into place only when the program exits 0 (otherwise removed).
   */
  stdoutFile?: string;
  /**
   * With `stdoutFile`: encrypt the output to this age recipient (`age1…`) as it arrives, so the plaintext
   * never reaches the disk (crypto/age-stream.ts). Used for database dumps.
   */
  stdoutEncryptTo?: string;
}

export interface Captured {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
  /** Why the program could not be started (ENOENT, EACCES…), when it could not. */
  spawnError: string | null;
}

/** Keeps at most `cap` bytes of a stream: its first or its last ones. */
class Capped {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(
    private readonly cap: number,
    private readonly keep: 'head' | 'tail',
  ) {}

  push(chunk: Buffer): void {
    if (this.keep === 'head') {
      if (this.size >= this.cap) return;
      const part = chunk.subarray(0, this.cap - this.size);
      this.chunks.push(part);
      this.size += part.length;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.cap && this.chunks.length > 0) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.cap;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  value(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function signalCode(signal: NodeJS.Signals | null): number {
  if (signal === null) return 1;
  return 128 + ((constants.signals[signal] as number | undefined) ?? 0);
}

/**
 * Runs `file args…` and collects its exit status and output. Never rejects (a stdout file that cannot be
 * written turns into exit status 74 with the reason on stderr).
 */
export async function spawnCapture(file: string, args: readonly string[], options: CaptureOptions): Promise<Captured> {
  if (options.stdoutFile === undefined) return spawnCaptureTo(file, args, options, null);
  const target = options.stdoutFile;
  const temp = `${target}.part-${randomBytes(6).toString('hex')}`;
  let fh: FileHandle | null = null;
  try {
    fh = await open(temp, 'wx', 0o600);
    const out = fh;
    const sink: ChunkSink =
      options.stdoutEncryptTo === undefined ? fileSink(out) : await ageEncryptingSink(options.stdoutEncryptTo, out);
    const r = await spawnCaptureTo(file, args, options, sink);
    await sink.end();
    await fh.sync();
    await fh.close();
    fh = null;
    if (r.code === 0) await rename(temp, target);
    else await unlink(temp);
    return r;
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    const why = (e as NodeJS.ErrnoException).code ?? 'error';
    return {
      code: 74,
      stdout: Buffer.alloc(0),
      stderr: Buffer.from(`could not write the output file ${target}: ${why}\n`),
      timedOut: false,
      spawnError: null,
    };
  }
}

function spawnCaptureTo(
  file: string,
  args: readonly string[],
  options: CaptureOptions,
  sink: ChunkSink | null,
): Promise<Captured> {
  return new Promise((resolvePromise) => {
    const stdout = new Capped(options.stdoutCap ?? OUTPUT_TAIL_BYTES, options.stdoutKeep ?? 'tail');
    const stderr = new Capped(OUTPUT_TAIL_BYTES, 'tail');
    let timedOut = false;
    let settled = false;
    let spawnError: string | null = null;
    const timers: NodeJS.Timeout[] = [];
    let writing: Promise<void> = Promise.resolve();
    let writeError: unknown = null;
    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      void writing.then(() => {
        if (writeError !== null)
          stderr.push(
            Buffer.from(`could not write the output file: ${(writeError as NodeJS.ErrnoException).code ?? 'error'}\n`),
          );
        resolvePromise({
          code: timedOut ? 124 : writeError !== null ? 74 : code,
          stdout: stdout.value(),
          stderr: stderr.value(),
          timedOut,
          spawnError,
        });
      });
    };

    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    if (sink) {
      // Whole, in order: writes are chained, and the result waits for the last one.
      child.stdout.on('data', (d: Buffer) => {
        child.stdout.pause();
        writing = writing
          .then(() => sink.write(d))
          .then(
            () => undefined,
            (e: unknown) => {
              writeError ??= e;
            },
          )
          .finally(() => child.stdout.resume());
      });
    } else child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      // Spawn failures (ENOENT for the program or the working folder, EACCES) arrive here, not as an exit.
      const where = options.cwd !== undefined ? ` in ${options.cwd}` : '';
      spawnError = e.code ?? e.message;
      stderr.push(Buffer.from(`could not start ${file}${where}: ${spawnError}\n`));
      finish(127);
    });
    child.on('exit', (code, signal) => {
      const status = code ?? signalCode(signal);
      // Streaming to a file reads every byte the program wrote: wait for 'close', never cut it short.
      if (sink) return;
      timers.push(
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish(status);
        }, PIPE_GRACE_MS),
      );
    });
    child.on('close', (code, signal) => finish(code ?? signalCode(signal)));

    timers.push(
      setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        const hard = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
        hard.unref();
        timers.push(hard);
      }, options.timeoutMs),
    );
    // The program may exit without reading its input (EPIPE): that is its answer, not ours to report.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

/** A capture as a host's RunResult: the streams as text, `timedOut` only when it did. */
export function toRunResult(r: Captured): { code: number; stdout: string; stderr: string; timedOut?: boolean } {
  return {
    code: r.code,
    stdout: r.stdout.toString('utf8'),
    stderr: r.stderr.toString('utf8'),
    ...(r.timedOut ? { timedOut: true } : {}),
  };
}
