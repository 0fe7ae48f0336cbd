import { createTwoFilesPatch } from 'diff';
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { AppError } from '../../common/errors';
import { parseLongPort, parseShortPort, PortSyntaxError, splitHostAddress } from './ports';

/**
 * Comment-preserving edits of a compose file. The `yaml` Document API locates the node to change; the change
 * is spliced into the original text at that node's range, so every other byte (comments, blank lines,
 * quoting, key order, indentation) stays as the admin wrote it. Each edit re-parses its result and checks
 * that it says what was intended before returning it. All functions are pure: text in, text out.
 */

function locateService(text: string, service: string): { map: YAMLMap } {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0)
    throw new AppError('COMPOSE_YAML_INVALID', 'The compose file is not valid YAML; fix it before applying a change.');
  const root = doc.contents;
  const services = isMap(root) ? root.get('services', true) : undefined;
  const svc = isMap(services) ? services.get(service, true) : undefined;
  if (!isMap(svc))
    throw new AppError(
      'COMPOSE_EDIT_NOT_FOUND',
      `Service ${service} is not defined in this compose file; reload the audit.`,
    );
  return { map: svc };
}

function quoteLike(node: Scalar, value: string): string {
  if (node.type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  return JSON.stringify(value);
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

function nodeRange(n: Node): [number, number] {
  if (!n.range)
    throw new AppError('COMPOSE_EDIT_NOT_FOUND', 'The entry to change has no position in the file; reload the audit.');
  return [n.range[0], n.range[1]];
}

/**
 * Rewrites a short-syntax port entry so it binds `ip`, keeping its ports and protocol as written.
 * @throws PortSyntaxError for an unterminated `[IPv6]` host address
 */
export function shortPortWithHostIp(entry: string, ip: string): string {
  const slash = entry.lastIndexOf('/');
  const proto = slash >= 0 ? entry.slice(slash) : '';
  const { rest } = splitHostAddress(slash >= 0 ? entry.slice(0, slash) : entry);
  const host = ip.includes(':') ? `[${ip}]` : ip;
  // A bare container port keeps docker's random host port (`127.0.0.1::5432`).
  return `${host}:${rest.includes(':') ? rest : `:${rest}`}${proto}`;
}

/**
 * Sets the host address of a service's port entry (short or long syntax).
 * @param portIndex the entry's position in that service's `ports:` list in this file.
 * @throws AppError COMPOSE_EDIT_NOT_FOUND when the service or entry is missing; COMPOSE_EDIT_FAILED when the
 *   edited text would not say what was intended (nothing is returned then).
 */
export function setPortHostIp(text: string, service: string, portIndex: number, ip: string): string {
  const { map } = locateService(text, service);
  const ports = map.get('ports', true);
  const item = isSeq(ports) ? (ports as YAMLSeq).items[portIndex] : undefined;
  if (item === undefined || item === null)
    throw new AppError(
      'COMPOSE_EDIT_NOT_FOUND',
      `Service ${service} has no ports entry ${portIndex + 1} in this file; reload the audit.`,
    );
  let out: string;
  if (isScalar(item)) {
    const [start, end] = nodeRange(item);
    let entry: string;
    try {
      entry = shortPortWithHostIp(String(item.value), ip);
    } catch (e) {
      if (!(e instanceof PortSyntaxError)) throw e;
      throw new AppError(
        'COMPOSE_EDIT_FAILED',
        `The port entry of ${service} could not be rewritten safely; edit it by hand.`,
      );
    }
    out = splice(text, start, end, quoteLike(item, entry));
  } else if (isMap(item)) {
    const existing = item.get('host_ip', true);
    if (isScalar(existing)) {
      const [start, end] = nodeRange(existing);
      out = splice(text, start, end, quoteLike(existing, ip));
    } else if (item.flow) {
      const [, end] = nodeRange(item);
      let at = text.lastIndexOf('}', end);
      while (at > 0 && /\s/.test(text[at - 1] ?? '')) at--;
      out = splice(text, at, at, `, host_ip: ${JSON.stringify(ip)}`);
    } else {
      const first = item.items[0]?.key as Node | undefined;
      const last = item.items[item.items.length - 1];
      if (!first || !last) throw new AppError('COMPOSE_EDIT_NOT_FOUND', 'The ports entry is empty; reload the audit.');
      const [keyStart] = nodeRange(first);
      const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
      const indent = ' '.repeat(keyStart - lineStart);
      const lastEnd = nodeRange((last.value as Node | null) ?? (last.key as Node))[1];
      const nl = text.indexOf('\n', lastEnd);
      const line = `${indent}host_ip: ${JSON.stringify(ip)}`;
      out = nl < 0 ? `${text}\n${line}\n` : splice(text, nl + 1, nl + 1, `${line}\n`);
    }
  } else {
    throw new AppError('COMPOSE_EDIT_NOT_FOUND', 'The ports entry has an unexpected form; edit it by hand.');
  }
  verifyPort(out, service, portIndex, ip);
  return out;
}

function verifyPort(out: string, service: string, portIndex: number, ip: string): void {
  try {
    const { map } = locateService(out, service);
    const seq = map.get('ports', true);
    const item = isSeq(seq) ? seq.items[portIndex] : undefined;
    const parsed = isScalar(item)
      ? parseShortPort(String(item.value))
      : parseLongPort((item as YAMLMap).toJSON() as Record<string, unknown>);
    if (parsed.hostIp !== ip) throw new Error('mismatch');
  } catch {
    throw new AppError(
      'COMPOSE_EDIT_FAILED',
      `The port entry of ${service} could not be rewritten safely; edit it by hand.`,
    );
  }
}

/** Binds a service's port entry to 127.0.0.1 (the reverse proxy or the local browser still reach it). */
export function bindPortToLoopback(text: string, service: string, portIndex: number): string {
  return setPortHostIp(text, service, portIndex, '127.0.0.1');
}

/**
 * Replaces the value of one `environment:` entry of a service (list `- NAME=value` or map `NAME: value`),
 * keeping its quoting when that still reads back as `newValue`, otherwise double-quoting it.
 * @throws AppError COMPOSE_EDIT_NOT_FOUND when the entry does not exist; COMPOSE_EDIT_FAILED.
 */
export function replaceEnvironmentValue(text: string, service: string, variable: string, newValue: string): string {
  const { map } = locateService(text, service);
  const env = map.get('environment', true);
  const candidates: string[] = [];
  if (isSeq(env)) {
    const item = env.items.find(
      (i) => isScalar(i) && typeof i.value === 'string' && (i.value === variable || i.value.startsWith(`${variable}=`)),
    );
    if (!isScalar(item)) throw notFound(service, variable);
    const [start, end] = nodeRange(item);
    const line = `${variable}=${newValue}`;
    if (item.type === Scalar.PLAIN) candidates.push(splice(text, start, end, line));
    candidates.push(splice(text, start, end, quoteLike(item, line)));
  } else if (isMap(env)) {
    const pair = env.items.find((p) => isScalar(p.key) && String(p.key.value) === variable);
    if (!pair) throw notFound(service, variable);
    if (isScalar(pair.value) && pair.value.range && pair.value.value !== null) {
      const [start, end] = nodeRange(pair.value);
      if (pair.value.type === Scalar.PLAIN) candidates.push(splice(text, start, end, newValue));
      candidates.push(splice(text, start, end, quoteLike(pair.value, newValue)));
    } else {
      const [, keyEnd] = nodeRange(pair.key as Node);
      const colon = text.indexOf(':', keyEnd);
      candidates.push(splice(text, colon + 1, colon + 1, ` ${JSON.stringify(newValue)}`));
    }
  } else {
    throw notFound(service, variable);
  }
  for (const c of candidates) {
    if (readEnv(c, service, variable) === newValue) return c;
  }
  throw new AppError(
    'COMPOSE_EDIT_FAILED',
    `The ${variable} entry of ${service} could not be rewritten safely; edit it by hand.`,
  );
}

function readEnv(text: string, service: string, variable: string): string | null {
  try {
    const { map } = locateService(text, service);
    const env = map.get('environment', true);
    if (isSeq(env)) {
      for (const i of env.items) {
        if (isScalar(i) && typeof i.value === 'string' && i.value.startsWith(`${variable}=`))
          return i.value.slice(variable.length + 1);
      }
    } else if (isMap(env)) {
      const v = env.get(variable, true);
      if (isScalar(v)) return String(v.value);
    }
  } catch {
    return null;
  }
  return null;
}

function notFound(service: string, variable: string): AppError {
  return new AppError(
    'COMPOSE_EDIT_NOT_FOUND',
    `Service ${service} has no ${variable} entry under environment: in this file; reload the audit.`,
  );
}

/** A unified diff of one file's change, for the preview shown before any fix is applied. */
export function unifiedDiff(file: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 });
}

/**
 * Makes one short-syntax bind mount of a service read-only (`./.env:/app/.env` → `./.env:/app/.env:ro`,
 * `:rw` → `:ro`), keeping comments and the rest of the file byte for byte. The result is parsed again and
 * must read back as the same mount with `ro`.
 * @throws AppError COMPOSE_EDIT_NOT_FOUND when the entry does not exist; COMPOSE_EDIT_FAILED for a long-syntax
 *   entry or one that does not read back (edit it by hand).
 */
export function makeVolumeReadOnly(text: string, service: string, volumeIndex: number): string {
  const { map } = locateService(text, service);
  const volumes = map.get('volumes', true);
  const item = isSeq(volumes) ? (volumes as YAMLSeq).items[volumeIndex] : undefined;
  if (item === undefined || item === null)
    throw new AppError(
      'COMPOSE_EDIT_NOT_FOUND',
      `Service ${service} has no volumes entry ${volumeIndex + 1} in this file; reload the audit.`,
    );
  if (!isScalar(item) || typeof item.value !== 'string')
    throw new AppError(
      'COMPOSE_EDIT_FAILED',
      `The volume entry of ${service} is not in the short form; add read_only: true to it by hand.`,
    );
  const value = item.value;
  const parts = value.split(':');
  const entry =
    parts.length >= 3 && /^(rw|ro|z|Z|[a-z,]+)$/.test(parts[parts.length - 1] ?? '')
      ? `${parts.slice(0, -1).join(':')}:${(parts[parts.length - 1] ?? '')
          .split(',')
          .filter((o) => o !== 'rw' && o !== 'ro')
          .concat('ro')
          .join(',')}`
      : `${value}:ro`;
  const [start, end] = nodeRange(item);
  const out = splice(text, start, end, quoteLike(item, entry));
  const again = locateService(out, service).map.get('volumes', true);
  const back = isSeq(again) ? (again as YAMLSeq).items[volumeIndex] : undefined;
  if (!isScalar(back) || back.value !== entry)
    throw new AppError(
      'COMPOSE_EDIT_FAILED',
      `The volume entry of ${service} could not be rewritten safely; edit it by hand.`,
    );
  return out;
}

/**
 * Appends `entries` (`NAME=value` lines) to a service's `environment:` list, or as `NAME: value` to its
 * map, with the indentation of the existing items. A service without `environment:` is not edited.
 * @throws AppError COMPOSE_EDIT_FAILED when the block cannot be found or the result does not read back.
 */
export function appendEnvironmentEntries(text: string, service: string, entries: readonly string[]): string {
  const fail = () =>
    new AppError(
      'COMPOSE_EDIT_FAILED',
      `The environment: of ${service} could not be extended safely; add ${entries.map((e) => e.split('=')[0]).join(', ')} by hand.`,
    );
  const doc = parseDocument(text, { uniqueKeys: false });
  const services = isMap(doc.contents) ? doc.contents.get('services', true) : undefined;
  const svc = isMap(services) ? services.get(service, true) : undefined;
  const env = isMap(svc) ? svc.get('environment', true) : undefined;
  if (doc.errors.length > 0 || !(isSeq(env) || isMap(env)) || env.flow === true || env.items.length === 0) throw fail();
  let node: Node | undefined;
  let first: Node | undefined;
  if (isSeq(env)) {
    node = env.items[env.items.length - 1] as Node | undefined;
    first = env.items[0] as Node | undefined;
  } else {
    const last = env.items[env.items.length - 1];
    node = (last?.value ?? last?.key) as Node | undefined;
    first = env.items[0]?.key as Node | undefined;
  }
  if (!node?.range || !first?.range) throw fail();
  const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
  const indent = text.slice(lineStart, first.range[0]);
  if (!/^[ ]*(- )?$/.test(indent)) throw fail();
  const end = text.indexOf('\n', node.range[1] - 1);
  const at = end < 0 ? text.length : end + 1;
  const lines = entries.map((e) => {
    if (isSeq(env)) return `${indent}${e}\n`;
    const eq = e.indexOf('=');
    return `${indent}${e.slice(0, eq)}: ${JSON.stringify(e.slice(eq + 1))}\n`;
  });
  const after = text.slice(0, at) + (end < 0 ? '\n' : '') + lines.join('') + text.slice(at);
  // Read back: every entry is there with exactly its value, and nothing else changed meaning.
  const check = parseDocument(after, { uniqueKeys: false });
  const s2 = isMap(check.contents) ? check.contents.get('services', true) : undefined;
  const svc2 = isMap(s2) ? s2.get(service, true) : undefined;
  const env2 = isMap(svc2) ? svc2.get('environment', true) : undefined;
  const got = isSeq(env2)
    ? env2.items.map((i) => (isScalar(i) ? String(i.value) : ''))
    : isMap(env2)
      ? env2.items.map(
          (p) => `${isScalar(p.key) ? String(p.key.value) : ''}=${isScalar(p.value) ? String(p.value.value) : ''}`,
        )
      : [];
  if (
    check.errors.length > 0 ||
    got.length !== env.items.length + entries.length ||
    !entries.every((e) => got.includes(e))
  )
    throw fail();
  return after;
}
