import crucibleDoc from '../../../docs/crucible.md?raw';
import { headingAnchor } from './markdown';
import { route } from '../router';

/**
 * docs/crucible.md, bundled into the renderer by Vite, so the app carries the document its messages cite
 * (`docs/crucible.md#<section>`), offline and in the packaged app alike. The page `#/crucible/<section>`
 * shows it.
 */
export const CRUCIBLE_DOC = crucibleDoc;

/** The route that shows one section of docs/crucible.md. */
export const crucibleRoute = route.crucible;

/** The sections (anchor → heading text) of the document. */
export const CRUCIBLE_SECTIONS: ReadonlyMap<string, string> = new Map(
  [...CRUCIBLE_DOC.matchAll(/^#{1,4} (.+)$/gm)].map((m) => [headingAnchor(m[1] ?? ''), (m[1] ?? '').trim()] as const),
);
