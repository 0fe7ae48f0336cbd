import type { ReactNode } from 'react';
import { CRUCIBLE_SECTIONS, crucibleRoute } from '../docs/crucible-doc';
import { href } from '../router';
import { CodeText } from './CodeText';

// A citation quoted in backticks takes its backticks along: the link replaces the quoted path.
const CITATION = /`?docs\/crucible\.md#([a-z0-9-]+)`?/g;

/**
 * Text from the core, with each citation of a docs/crucible.md section (`docs/crucible.md#` + anchor) turned into a link to that section of
 * the document the app carries ("Crucible reference" page), and `backtick-quoted` parts shown as code (CodeText).
 */
export function Cited({ text }: { text: string }) {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(CITATION)) {
    const section = m[1] ?? '';
    const title = CRUCIBLE_SECTIONS.get(section);
    if (title === undefined) continue;
    if (m.index > last) out.push(<CodeText key={`t${String(last)}`} text={text.slice(last, m.index)} />);
    out.push(
      <a key={m.index} href={href(crucibleRoute(section))} title={`Crucible reference: ${title}`}>
        Crucible reference: {title}
      </a>,
    );
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(<CodeText key={`t${String(last)}`} text={text.slice(last)} />);
  return <>{out}</>;
}
