import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from './api';

export type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; message: string };

/**
 * Runs an API call on mount, on reload(), and when `key` changes, tracking loading and error states.
 * `load` is read from the latest render; pass what it depends on as `key`.
 */
export function useLoad<T>(load: () => Promise<T>, key = ''): [Loadable<T>, () => void] {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });
  useEffect(() => {
    let live = true;
    loader.current().then(
      (v) => {
        if (live) setValue({ state: 'ready', value: v });
      },
      (e: unknown) => {
        if (live) setValue({ state: 'error', message: errorMessage(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [tick, key]);
  const reload = () => {
    setValue({ state: 'loading' });
    setTick((t) => t + 1);
  };
  return [value, reload];
}

/** What useAction() hands a component: run an action, and its busy and error state. */
export interface Action {
  /** True while an action started with `run` is in flight (buttons disable themselves on it). */
  readonly busy: boolean;
  /** The last failure in words (never a stack or a code), or null. */
  readonly error: string | null;
  /**
   * Runs `fn`: clears the previous error, sets busy until it settles, and turns a rejection into `error`.
   * Resolves to what `fn` resolved to, or undefined when it failed (the error is then set).
   */
  readonly run: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  /** Shows a problem found before calling main (a missing choice, say) where failures are shown. */
  readonly fail: (message: string) => void;
  /** Forgets the error, for a cause the component knows is gone (the step it was about was left). */
  readonly clearError: () => void;
}

/**
 * Busy and error state for the actions a component starts (buttons that call main). An error says what
 * went wrong in words (`errorMessage`); it is cleared when an action runs again, and when `cause` (a
 * string naming what the error is about, such as the form's inputs) differs from what it was when the
 * error arose, so a message never outlives the input it was about.
 */
export function useAction(cause = ''): Action {
  const [running, setRunning] = useState(0);
  const [failure, setFailure] = useState<{ message: string; cause: string } | null>(null);
  const latestCause = useRef(cause);
  useEffect(() => {
    latestCause.current = cause;
  });
  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    setRunning((n) => n + 1);
    setFailure(null);
    try {
      return await fn();
    } catch (e) {
      setFailure({ message: errorMessage(e), cause: latestCause.current });
      return undefined;
    } finally {
      setRunning((n) => n - 1);
    }
  }, []);
  const fail = useCallback((message: string) => {
    setFailure({ message, cause: latestCause.current });
  }, []);
  const clearError = useCallback(() => {
    setFailure(null);
  }, []);
  const error = failure !== null && failure.cause === cause ? failure.message : null;
  return { busy: running > 0, error, run, fail, clearError };
}
