import { execFile, spawn, type ChildProcess } from 'node:child_process';

/**
 * Whether the Secret Service's default collection is locked, asked without writing to it.
 *
 * Why: on a locked collection keytar's findCredentials crashes the process (libsecret hands it a NULL
 * secret). A set + delete probe catches that but makes gnome-keyring rewrite the whole keyring file on
 * every listing. Reading the collection's `Locked` property over D-Bus answers the same question without a
 * write. The answer is kept while a `gdbus monitor` of the service reports nothing that could change it
 * (every lock or unlock emits CollectionChanged and PropertiesChanged), so a burst of listings costs one
 * D-Bus round trip, and a lock is noticed as soon as the signal arrives.
 */
export interface LockCheck {
  /** true / false when the service answered; null when it cannot tell (no gdbus, no default collection…). */
  isLocked(): Promise<boolean | null>;
  /** Forgets the cached answer (called after any keychain error). */
  invalidate(): void;
}

/** Runs a program and resolves its stdout; rejects on a non-zero exit, a spawn failure or the timeout. */
export type RunFn = (file: string, args: string[]) => Promise<string>;

/** Starts a long-lived process whose stdout lines are delivered to `onLine`; `onExit` when it ends. */
export type WatchFn = (
  file: string,
  args: string[],
  onLine: (line: string) => void,
  onExit: () => void,
) => { stop(): void };

const DEST = 'org.freedesktop.secrets';
export const LOCKED_ARGS = [
  'call',
  '--session',
  '--dest',
  DEST,
  '--object-path',
  '/org/freedesktop/secrets/aliases/default',
  '--method',
  'org.freedesktop.DBus.Properties.Get',
  'org.freedesktop.Secret.Collection',
  'Locked',
];
export const MONITOR_ARGS = ['monitor', '--session', '--dest', DEST];
/** Signals that cannot change whether a collection is locked; every other line drops the cached answer. */
const HARMLESS = /\.Item(Created|Changed|Deleted) /;

const defaultRun: RunFn = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 5000, encoding: 'utf8' }, (err, stdout) => {
      if (err) reject(new Error(`gdbus failed: ${err.message}`));
      else resolve(stdout);
    });
  });

const defaultWatch: WatchFn = (file, args, onLine, onExit) => {
  let child: ChildProcess;
  try {
    child = spawn(file, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    queueMicrotask(onExit);
    return { stop: () => undefined };
  }
  // The monitor must never keep the app (or a CLI run) alive, and must not outlive a normal exit.
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  };
  process.once('exit', stop);
  const out = child.stdout;
  let buf = '';
  let idle = false;
  out?.setEncoding('utf8');
  out?.on('data', (chunk: string) => {
    if (!idle) {
      // Listening now: from here on the monitor must not keep the process alive (until then a caller awaits it).
      idle = true;
      child.unref();
      if ('unref' in out && typeof out.unref === 'function') (out.unref as () => void)();
    }
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
  child.on('error', onExit);
  child.on('exit', () => {
    process.removeListener('exit', stop);
    onExit();
  });
  return { stop };
};

/** Parses gdbus's answer to Properties.Get Locked: `(<true>,)` or `(<false>,)`; anything else is unknown. */
export function parseLockedReply(stdout: string): boolean | null {
  const m = /^\(<(true|false)>,\)$/.exec(stdout.trim());
  return m ? m[1] === 'true' : null;
}

/** A LockCheck over gdbus; `run` and `watch` are injectable so the caching rules can be tested alone. */
export function gdbusLockCheck(run: RunFn = defaultRun, watch: WatchFn = defaultWatch): LockCheck {
  let cached: boolean | null = null;
  let watcher: { stop(): void } | null = null;
  let subscribed: Promise<boolean> | null = null;
  let unavailable = false;

  /** Resolves once the monitor is listening (its first line), so no change after the Get can be missed. */
  function subscribe(): Promise<boolean> {
    subscribed ??= new Promise<boolean>((resolve) => {
      let ready = false;
      let lines = 0;
      watcher = watch(
        'gdbus',
        MONITOR_ARGS,
        (line) => {
          lines++;
          if (!ready) {
            ready = true;
            resolve(true);
            return;
          }
          // The monitor's own header: "Monitoring signals…" then "The name … is owned by …".
          if (lines === 2 && line.startsWith('The name ')) return;
          if (!HARMLESS.test(line)) cached = null;
        },
        () => {
          cached = null;
          watcher = null;
          subscribed = null;
          if (!ready) {
            // gdbus missing or refusing: do not respawn it on every listing.
            unavailable = true;
            resolve(false);
          }
        },
      );
    });
    return subscribed;
  }

  return {
    async isLocked() {
      if (unavailable) return null;
      if (cached !== null && watcher) return cached;
      if (!(await subscribe())) return null;
      let answer: boolean | null;
      try {
        answer = parseLockedReply(await run('gdbus', LOCKED_ARGS));
      } catch {
        answer = null;
      }
      // Only an unlocked answer is kept: a locked one is asked again next time, so an unlock is seen at once.
      cached = answer === false ? false : null;
      return answer;
    },
    invalidate() {
      cached = null;
    },
  };
}

let shared: LockCheck | null = null;
/** One watcher per process, shared by every KeytarKeychain. */
export function sharedLockCheck(): LockCheck {
  shared ??= gdbusLockCheck();
  return shared;
}
