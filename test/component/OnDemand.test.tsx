// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { ErrorBoundary } from '../../renderer/src/components/ErrorBoundary';
import { Loading, onDemand } from '../../renderer/src/components/OnDemand';
import { pages } from '../../renderer/src/pages/registry';
import { App } from '../../renderer/src/App';
import { installFakeApi } from './fake-api';

/** Pages and heavy components load on demand (issue 20), with a visible, announced loading state. */
afterEach(() => {
  cleanup();
  window.location.hash = '';
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((ok, no) => {
    resolve = ok;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('onDemand', () => {
  it('shows an announced loading status until the code arrives, then the component; fetches once', async () => {
    const d = deferred<{ Heavy: () => React.ReactElement }>();
    let loads = 0;
    const heavy = onDemand(
      () => {
        loads++;
        return d.promise;
      },
      'Heavy',
      () => <Loading what="the heavy part" />,
    );
    heavy.preload();
    heavy.preload();
    render(<heavy.Component />);
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('Loading the heavy part…');
    expect(status.getAttribute('aria-live')).toBe('polite');
    await act(async () => {
      d.resolve({ Heavy: () => <h1>Heavy loaded</h1> });
      await d.promise;
    });
    expect(screen.getByRole('heading').textContent).toBe('Heavy loaded');
    expect(loads).toBe(1);
    cleanup();
    // Once loaded, later renders show it at once (no loading state).
    render(<heavy.Component />);
    expect(screen.getByRole('heading').textContent).toBe('Heavy loaded');
  });

  it('a chunk that cannot be fetched ends in the page’s error message, and is tried again later', async () => {
    let attempt = 0;
    const broken = onDemand(
      () =>
        ++attempt === 1
          ? Promise.reject(new Error('chunk failed'))
          : Promise.resolve({ Part: () => <p>second try</p> }),
      'Part',
      () => <Loading what="part" />,
    );
    const quiet = console.error;
    console.error = () => undefined; // React logs the caught error
    try {
      render(
        <ErrorBoundary>
          <broken.Component />
        </ErrorBoundary>,
      );
      expect(await screen.findByText('This page stopped working')).toBeTruthy();
    } finally {
      console.error = quiet;
    }
    cleanup();
    render(<broken.Component />);
    expect(await screen.findByText('second try')).toBeTruthy();
  });
});

describe('the page registry', () => {
  it('keeps only the dashboard in the entry: every other page has a preload and loads on demand', () => {
    expect(pages.filter((p) => !p.preload).map((p) => p.route)).toEqual(['/dashboard']);
  });

  it('opening a page shows its loading status, then the page', async () => {
    installFakeApi({});
    window.location.hash = '#/about';
    render(<App />);
    // The banners have statuses of their own: find the page's.
    expect(screen.getAllByRole('status').some((s) => s.textContent === 'Loading About…')).toBe(true);
    expect(await screen.findByRole('heading', { level: 1 })).toBeTruthy();
    expect(screen.queryByText('Loading About…')).toBeNull();
  });
});
