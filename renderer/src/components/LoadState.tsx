import type { Loadable } from '../hooks';
import { CodeText } from './CodeText';

/** What a page shows while its data loads or when loading failed (nothing once it is ready). */
export function LoadState({ of }: { of: Loadable<unknown> }) {
  if (of.state === 'loading') return <p role="status">Loading…</p>;
  if (of.state === 'error')
    return (
      <p role="alert">
        <CodeText text={of.message} />
      </p>
    );
  return null;
}
