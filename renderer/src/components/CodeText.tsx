import type { ReactNode } from 'react';

const TICKED = /`([^`\n]+)`/g;

/**
 * Plain text in which `backtick-quoted` parts (file names, variables, commands in the core's messages) show as
 * code, so people see `.env` set in monospace instead of the Markdown backticks around it.
 */
export function CodeText({ text }: { text: string }) {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(TICKED)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(<code key={m.index}>{m[1]}</code>);
    last = m.index + m[0].length;
  }
  if (last === 0) return <>{text}</>;
  if (last < text.length) out.push(text.slice(last));
  return <>{out}</>;
}
