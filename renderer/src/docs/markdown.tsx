import type { ReactNode } from 'react';

/**
 * A small Markdown renderer for the documents the app ships (docs/crucible.md): headings with GitHub's
 * anchors, paragraphs, bullet lists, tables, fenced code, and inline `code`, **bold** and links. It builds
 * React elements (never HTML strings), so the strict Content-Security-Policy and React's escaping hold.
 */

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Inline Markdown: `code`, **bold** and [text](link); a link to another docs file stays plain text. */
export function inline(text: string, linkTo: (href: string) => string | null): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index;
    if (at > last) out.push(text.slice(last, at));
    if (m[1] !== undefined) out.push(<code key={at}>{m[1]}</code>);
    else if (m[2] !== undefined) out.push(<strong key={at}>{m[2]}</strong>);
    else {
      const href = linkTo(m[4] ?? '');
      out.push(
        href === null ? (
          m[3]
        ) : (
          <a key={at} href={href}>
            {m[3]}
          </a>
        ),
      );
    }
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const cells = (row: string) =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));

/** Renders `source`; `linkTo` maps a Markdown link target to an app route (or null for plain text). */
export function Markdown({ source, linkTo }: { source: string; linkTo: (href: string) => string | null }) {
  const blocks: ReactNode[] = [];
  const lines = source.split('\n');
  let i = 0;
  const key = () => `b${String(blocks.length)}`;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const heading = /^(#{1,4}) (.+)$/.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      const text = heading[2] ?? '';
      const Tag = `h${String(level)}` as 'h2';
      blocks.push(
        <Tag key={key()} id={headingAnchor(text)} tabIndex={-1}>
          {inline(text, linkTo)}
        </Tag>,
      );
      i++;
    } else if (line.startsWith('```')) {
      const body: string[] = [];
      for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) body.push(lines[i] ?? '');
      i++;
      blocks.push(
        <pre key={key()}>
          <code>{body.join('\n')}</code>
        </pre>,
      );
    } else if (line.startsWith('|')) {
      const rows: string[] = [];
      for (; i < lines.length && (lines[i] ?? '').startsWith('|'); i++) rows.push(lines[i] ?? '');
      const [head = '', , ...body] = rows;
      blocks.push(
        <table key={key()}>
          <thead>
            <tr>
              {cells(head).map((c, j) => (
                <th key={j}>{inline(c, linkTo)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((r, k) => (
              <tr key={k}>
                {cells(r).map((c, j) => (
                  <td key={j}>{inline(c, linkTo)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>,
      );
    } else if (/^\s*[-*] /.test(line)) {
      const items: string[] = [];
      for (; i < lines.length && /^\s*([-*] |\s{2,}\S)/.test(lines[i] ?? ''); i++) {
        const l = lines[i] ?? '';
        if (/^\s*[-*] /.test(l)) items.push(l.replace(/^\s*[-*] /, ''));
        else items[items.length - 1] = `${items[items.length - 1] ?? ''} ${l.trim()}`;
      }
      blocks.push(
        <ul key={key()}>
          {items.map((t, k) => (
            <li key={k}>{inline(t, linkTo)}</li>
          ))}
        </ul>,
      );
    } else if (line.trim() === '') {
      i++;
    } else {
      const para: string[] = [];
      for (
        ;
        i < lines.length && (lines[i] ?? '').trim() !== '' && !/^(#{1,4} |```|\||\s*[-*] )/.test(lines[i] ?? '');
        i++
      )
        para.push((lines[i] ?? '').trim());
      blocks.push(<p key={key()}>{inline(para.join(' '), linkTo)}</p>);
    }
  }
  return <>{blocks}</>;
}
