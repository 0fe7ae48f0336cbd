import { useEffect } from 'react';
import { href as toHref, useRoute } from '../router';
import { Markdown } from '../docs/markdown';
import { CRUCIBLE_DOC, CRUCIBLE_SECTIONS, crucibleRoute } from '../docs/crucible-doc';

/**
 * What the app knows about Crucible Community Edition (docs/crucible.md, shipped inside the app). Messages
 * that cite a section link here as `#/crucible/<section>`; the page scrolls to it and moves focus there.
 */
export function CruciblePage() {
  const route = useRoute();
  const section = route.startsWith('/crucible/') ? route.slice('/crucible/'.length) : '';
  useEffect(() => {
    if (section === '') return;
    const el = document.getElementById(section);
    // jsdom (component tests) has no scrollIntoView.
    if (el && 'scrollIntoView' in el) el.scrollIntoView();
    el?.focus();
  }, [section]);
  const linkTo = (href: string) => {
    const [file, anchor] = href.split('#');
    if ((file === '' || file === 'crucible.md') && anchor !== undefined && CRUCIBLE_SECTIONS.has(anchor))
      return toHref(crucibleRoute(anchor));
    return null;
  };
  return (
    <section aria-label="Crucible reference" className="doc" data-testid="crucible-doc">
      <Markdown source={CRUCIBLE_DOC} linkTo={linkTo} />
    </section>
  );
}
