import { createTwoFilesPatch } from 'diff';
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { AppError } from '../../common/errors';
import { parseLongPort, parseShortPort } from './ports';

/**
 * Comment-preserving edits of a compose file. The `yaml` Document API locates the node to change; the change
 * is spliced into the original text at that node's range, so every other byte (comments, blank lines,
 * quoting, key order, indentation) stays as the admin wrote it. Each edit re-parses its result and checks
 * that it says what was intended before returning it. All functions are pure: text in, text out.
 */

function locateService(text: string, service: string): { map: YAMLMap } {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) throw new AppError('COMPOSE_YAML_INVALID', 'The compose file is not valid YAML; fix it before applying a change.');
  const root = doc.contents;
  const services = isMap(root) ? root.get('services', true) : undefined;
  const svc = isMap(services) ? services.get(service, true) : undefined;
  if (!isMap(svc)) throw new AppError('COMPOSE_EDIT_NOT_FOUND', `Service ${service} is not defined in this compose file; reload the audit.`);
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
  if (!n.range) throw new AppError('COMPOSE_EDIT_NOT_FOUND', 'The entry to change has no position in the file; reload the audit.');
  return [n.range[0], n.range[1]];
}

/** Rewrites a short-syntax port entry so it binds `ip`, keeping its ports and protocol. */
export function shortPortWithHostIp(entry: string, ip: string): string {
  const slash = entry.lastIndexOf('/');
  const proto = slash >= 0 ? entry.slice(slash) : '';
  const spec = slash >= 0 ? entry.slice(0, slash) : entry;
  const host = ip.includes(':') ? `[${ip}]` : ip;
  let ports: string;
  if (spec.startsWith('[')) ports = spec.slice(spec.indexOf(']') + 2);
  else {
    const parts = spec.split(':');
    if (parts.length === 1) ports = `:${spec}`; // bare container port: keep docker's random host port
    else if (parts.length === 2) ports = spec;
    else ports = parts.slice(-2).join(':');
  }
  return `${host}:${ports}${proto}`;
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
  if (item === undefined || item === null) throw new AppError('COMPOSE_EDIT_NOT_FOUND', `Service ${service} has no ports entry ${portIndex + 1} in this file; reload the audit.`);
  let out: string;
  if (isScalar(item)) {
    const [start, end] = nodeRange(item);
    out = splice(text, start, end, quoteLike(item, shortPortWithHostIp(String(item.value), ip)));
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
    const parsed = isScalar(item) ? parseShortPort(String(item.value)) : parseLongPort((item as YAMLMap).toJSON() as Record<string, unknown>);
    if (parsed.hostIp !== ip) throw new Error('mismatch');
  } catch {
    throw new AppError('COMPOSE_EDIT_FAILED', `The port entry of ${service} could not be rewritten safely; edit it by hand.`);
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
    const item = env.items.find((i) => isScalar(i) && typeof i.value === 'string' && (i.value === variable || i.value.startsWith(`${variable}=`)));
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
  throw new AppError('COMPOSE_EDIT_FAILED', `The ${variable} entry of ${service} could not be rewritten safely; edit it by hand.`);
}

function readEnv(text: string, service: string, variable: string): string | null {
  try {
    const { map } = locateService(text, service);
    const env = map.get('environment', true);
    if (isSeq(env)) {
      for (const i of env.items) {
        if (isScalar(i) && typeof i.value === 'string' && i.value.startsWith(`${variable}=`)) return i.value.slice(variable.length + 1);
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
  return new AppError('COMPOSE_EDIT_NOT_FOUND', `Service ${service} has no ${variable} entry under environment: in this file; reload the audit.`);
}

/** A unified diff of one file's change, for the preview shown before any fix is applied. */
export function unifiedDiff(file: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 });
}
