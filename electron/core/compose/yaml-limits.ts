import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { AppError } from '../../common/errors';
import { READ_CAPS } from '../fs/read-bounded';

/**
 * Bounds on what a compose file may make the YAML reader do (issue 19). The `yaml` library's own
 * duplicate-key check compares every key with every other one: 45,000 services took 20 s. Its alias
 * expansion is bounded by `maxAliasCount` only in `toJS`, which no compose reader calls (they walk the
 * nodes and skip aliases), and the number of aliases itself is not bounded at all. So the files are
 * parsed with `uniqueKeys: false` and this one walk, iterative so that deep nesting cannot exhaust the
 * stack, finds duplicate keys in linear time and refuses a file with more aliases or nodes than any
 * real compose file has.
 */

/** The longest compose text parsed (the file reader's cap, for text handed over directly). */
export const MAX_COMPOSE_CHARS = READ_CAPS.compose;
/** Aliases (`*name`) one compose file may hold; real files use a handful of anchors for shared blocks. */
export const MAX_YAML_ALIASES = 1000;
/** Services one compose file may define (Crucible has five; the largest real projects a few hundred). */
export const MAX_SERVICES = 1000;
/** YAML nodes one compose file may hold (a large real file has a few thousand). */
export const MAX_YAML_NODES = 500_000;

export interface DuplicateKey {
  /** Offset of the repeated key in the text. */
  offset: number;
}

/**
 * Walks a parsed document once.
 * @returns the first duplicate key of a mapping (`<<` merge keys excepted), or null.
 * @throws AppError COMPOSE_TOO_MANY_ALIASES or COMPOSE_TOO_COMPLEX naming the file and the limit.
 */
export function checkYamlLimits(doc: Document, file: string): DuplicateKey | null {
  let aliases = 0;
  let nodes = 0;
  let duplicate: DuplicateKey | null = null;
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const n = stack.pop();
    if (n === null || n === undefined) continue;
    if (++nodes > MAX_YAML_NODES)
      throw new AppError(
        'COMPOSE_TOO_COMPLEX',
        `${file} has more than ${MAX_YAML_NODES.toLocaleString('en')} YAML nodes; no compose file is that large. Check that it is the right file.`,
      );
    if (isAlias(n)) {
      if (++aliases > MAX_YAML_ALIASES)
        throw new AppError(
          'COMPOSE_TOO_MANY_ALIASES',
          `${file} uses more than ${String(MAX_YAML_ALIASES)} YAML aliases (*name); the app does not expand that many. Write the repeated blocks out or use fewer aliases.`,
        );
      continue;
    }
    if (isMap(n)) {
      const seen = new Set<string>();
      for (const pair of n.items) {
        const key = pair.key as Node | null;
        if (duplicate === null && isScalar(key) && !(key.value === '<<')) {
          const id = `${typeof key.value}:${String(key.value)}`;
          if (seen.has(id)) duplicate = { offset: key.range?.[0] ?? 0 };
          seen.add(id);
        }
        stack.push(pair.value, pair.key);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) stack.push(item);
    } else if (isPair(n)) {
      stack.push(n.value, n.key);
    }
  }
  return duplicate;
}
