/**
 * Copying a secret (ARCHITECTURE.md §3): main writes the clipboard and clears it after 30 s if it still holds
 * the value (the admin may have copied something else meanwhile, which we leave alone), and on quit.
 */
export const CLIPBOARD_CLEAR_MS = 30_000;

/** The host's clipboard (PlatformBridge.clipboard satisfies it). */
export interface ClipboardLike {
  writeText(text: string): void;
  readText(): Promise<string>;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref(); // a pending clear must not keep the CLI alive; the CLI clears on exit itself
    return t;
  },
  clear: (h) => {
    clearTimeout(h as ReturnType<typeof setTimeout>);
  },
};

export interface ClipboardGuard {
  /** Puts `value` on the clipboard and schedules its removal; returns when that will happen. */
  copy(clipboard: ClipboardLike, value: string): { clearsAt: Date };
  /** Clears now if the clipboard still holds the last copied value (on quit, or when the countdown ends). */
  clearNow(): Promise<boolean>;
  /** True while a copied value may still be on the clipboard. */
  pending(): boolean;
  /** Resolves when the last copy has been dealt with (cleared, or left because the clipboard changed). */
  settled(): Promise<void>;
}

export function createClipboardGuard(
  deps: { clock?: () => Date; timers?: Timers; ttlMs?: number } = {},
): ClipboardGuard {
  const clock = deps.clock ?? (() => new Date());
  const timers = deps.timers ?? realTimers;
  const ttl = deps.ttlMs ?? CLIPBOARD_CLEAR_MS;
  let current: { clipboard: ClipboardLike; value: string; timer: unknown; done: () => void } | null = null;
  let settled: Promise<void> = Promise.resolve();

  async function clearNow(): Promise<boolean> {
    const c = current;
    if (!c) return false;
    current = null;
    timers.clear(c.timer);
    try {
      if ((await c.clipboard.readText()) !== c.value) return false;
      c.clipboard.writeText('');
      return true;
    } catch {
      return false;
    } finally {
      c.done();
    }
  }

  return {
    copy(clipboard, value) {
      if (current) {
        timers.clear(current.timer);
        current.done();
      }
      clipboard.writeText(value);
      const timer = timers.set(() => void clearNow(), ttl);
      let done: () => void = () => undefined;
      settled = new Promise<void>((r) => {
        done = r;
      });
      current = { clipboard, value, timer, done };
      return { clearsAt: new Date(clock().getTime() + ttl) };
    },
    clearNow,
    pending: () => current !== null,
    settled: () => settled,
  };
}
