import { useEffect, useState, type ComponentType, type ReactElement } from 'react';

/**
 * A component whose code is fetched on first use (a separate chunk), with a loading state of its own.
 * Not React.lazy + Suspense: React holds a revealed Suspense boundary's content back for up to 300 ms
 * after its fallback showed, which alone would break the "under 100 ms" for opening a page.
 */
export interface OnDemand<P extends object> {
  Component: ComponentType<P>;
  /** Starts fetching the code (on hover or focus of a link to it); safe to call any number of times. */
  preload: () => void;
}

export function onDemand<P extends object, K extends string>(
  load: () => Promise<Record<K, ComponentType<P>>>,
  name: K,
  fallback: () => ReactElement,
): OnDemand<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const fetchIt = () =>
    (pending ??= load().then(
      (m) => (loaded = m[name]),
      (e: unknown) => {
        pending = null; // a later visit may try again
        throw e instanceof Error ? e : new Error('this part of the app could not be loaded');
      },
    ));

  function Component(props: P) {
    const [Got, setGot] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState<Error | null>(null);
    useEffect(() => {
      if (Got) return;
      let live = true;
      fetchIt().then(
        (c) => live && setGot(() => c),
        (e: unknown) => live && setFailed(e instanceof Error ? e : new Error(String(e))),
      );
      return () => {
        live = false;
      };
    }, [Got]);
    // The page's ErrorBoundary shows its calm message for a chunk that could not be fetched.
    if (failed) throw failed;
    return Got ? <Got {...props} /> : fallback();
  }
  return { Component, preload: () => void fetchIt().catch(() => undefined) };
}

/** The loading state: visible, and announced politely to screen readers. */
export function Loading({ what }: { what: string }) {
  return (
    <p role="status" aria-live="polite" className="page-loading" data-testid="page-loading">
      Loading {what}…
    </p>
  );
}
