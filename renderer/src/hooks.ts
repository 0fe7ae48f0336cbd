import { useEffect, useRef, useState } from 'react';
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
