import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { scanTemplate } from './interpolate';

/**
 * The variables compose files require with `${VAR:?…}` (refused when unset or empty) or `${VAR?…}` (refused
 * when unset), read with compose's own interpolation (interpolate.ts) over every value of the file: comments
 * and `$$`-escaped text are not references. A file that is not valid YAML contributes nothing (compose refuses
 * it before any variable matters; the audit reports it). A requirement inside an alternative
 * (`${A:+${B:?…}}`) counts only when it applies with every variable unset or empty, as compose reads it then.
 */
export function composeRequiredVariables(texts: readonly string[]): Array<{ name: string; emptyRefused: boolean }> {
  const out = new Map<string, boolean>();
  for (const text of texts) {
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length > 0) continue;
    for (const value of stringValues(doc.contents)) {
      if (!value.includes('$')) continue;
      for (const name of scanTemplate(value, () => undefined).required) out.set(name, out.get(name) ?? false);
      for (const name of scanTemplate(value, () => '').required) out.set(name, true);
    }
  }
  return [...out].map(([name, emptyRefused]) => ({ name, emptyRefused }));
}

/** Every string value below `node`, in document order (mapping values and sequence items, not keys); aliases are not followed. */
function* stringValues(node: unknown): Generator<string> {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isAlias(n)) continue;
    if (isScalar(n)) {
      if (typeof n.value === 'string') yield n.value;
    } else if (isMap(n)) {
      // Pushed last-first so that values come out in the order they are written.
      for (let i = n.items.length - 1; i >= 0; i--) {
        const p = n.items[i];
        if (isPair(p)) stack.push(p.value);
      }
    } else if (isSeq(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
    }
  }
}
