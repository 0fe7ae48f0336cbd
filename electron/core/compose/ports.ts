/**
 * Port publishing as compose understands it (compose spec "ports", docker's `nat.ParsePortSpec`):
 * short syntax `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]` with the host IP as
 * `127.0.0.1`, `::1`, `[::1]` or `[::]`; an empty host port (`127.0.0.1::5432`) or a bare container port
 * (`"5432"`) publishes on a random host port. Long syntax is a mapping with `target`, `published`,
 * `host_ip`, `protocol`, `mode`.
 */

export interface ParsedPort {
  /** Host address the port is bound to; null = every interface (0.0.0.0 and ::). */
  hostIp: string | null;
  /** Host port or range (`8000`, `8000-8005`); null = a random host port chosen by docker. */
  published: string | null;
  /** Container port or range. */
  target: string;
  protocol: string;
}

export class PortSyntaxError extends Error {}

const PORT_OR_RANGE = /^\d{1,5}(?:-\d{1,5})?$/;

/**
 * Splits a short-syntax entry without its `/protocol` into the host address as written (null when none) and the
 * rest, `HOST_PORT:CONTAINER_PORT` or `CONTAINER_PORT`. The address may be IPv6, bracketed or not.
 * @throws PortSyntaxError for an unterminated `[IPv6]` address
 */
export function splitHostAddress(spec: string): { ip: string | null; rest: string } {
  if (spec.startsWith('[')) {
    const close = spec.indexOf(']');
    if (close < 0 || spec[close + 1] !== ':') throw new PortSyntaxError('unterminated [IPv6] host address');
    return { ip: spec.slice(1, close), rest: spec.slice(close + 2) };
  }
  const parts = spec.split(':');
  if (parts.length <= 2) return { ip: null, rest: spec };
  if (parts.length === 3) return { ip: parts[0] ?? '', rest: `${parts[1] ?? ''}:${parts[2] ?? ''}` };
  // An unbracketed IPv6 address (`::1:6000:6000`): the last two parts are the ports.
  const hostPort = parts[parts.length - 2] ?? '';
  const container = parts[parts.length - 1] ?? '';
  return { ip: parts.slice(0, -2).join(':'), rest: `${hostPort}:${container}` };
}

/**
 * Parses one short-syntax entry (a string or a number).
 * @throws PortSyntaxError with a reason when the entry is not a valid port specification.
 */
export function parseShortPort(entry: string | number): ParsedPort {
  let spec = String(entry).trim();
  let protocol = 'tcp';
  const slash = spec.lastIndexOf('/');
  if (slash >= 0) {
    protocol = spec.slice(slash + 1).toLowerCase();
    spec = spec.slice(0, slash);
    if (!/^(tcp|udp|sctp)$/.test(protocol)) throw new PortSyntaxError(`unknown protocol "${protocol}"`);
  }
  const { ip, rest } = splitHostAddress(spec);
  const colon = rest.lastIndexOf(':');
  const hostPart = colon >= 0 ? rest.slice(0, colon) : null;
  const target = colon >= 0 ? rest.slice(colon + 1) : rest;
  if (!PORT_OR_RANGE.test(target)) throw new PortSyntaxError(`container port "${target}" is not a port or a range`);
  if (hostPart !== null && hostPart !== '' && !PORT_OR_RANGE.test(hostPart))
    throw new PortSyntaxError(`host port "${hostPart}" is not a port or a range`);
  return {
    hostIp: normaliseIp(ip),
    published: hostPart === null || hostPart === '' ? null : hostPart,
    target,
    protocol,
  };
}

/** Parses a long-syntax entry given as plain values. */
export function parseLongPort(m: {
  target?: unknown;
  published?: unknown;
  host_ip?: unknown;
  protocol?: unknown;
}): ParsedPort {
  const target = scalarText(m.target);
  if (target === null || !PORT_OR_RANGE.test(target)) throw new PortSyntaxError('long syntax needs a numeric `target`');
  const published = scalarText(m.published);
  if (published !== null && published !== '' && !PORT_OR_RANGE.test(published))
    throw new PortSyntaxError(`published "${published}" is not a port or a range`);
  const protocol = (scalarText(m.protocol) ?? 'tcp').toLowerCase();
  return {
    hostIp: normaliseIp(scalarText(m.host_ip)),
    published: published === '' ? null : published,
    target,
    protocol,
  };
}

function scalarText(v: unknown): string | null {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v.trim();
  return null;
}

/** `0.0.0.0`, `::` and an empty address all mean "every interface". */
function normaliseIp(ip: string | null): string | null {
  if (ip === null) return null;
  const t = ip.trim().replace(/^\[|\]$/g, '');
  if (t === '' || t === '0.0.0.0' || t === '::' || t === '0:0:0:0:0:0:0:0') return null;
  return t;
}

/** True when the address only accepts connections from this host. */
export function isLoopback(ip: string | null): boolean {
  if (ip === null) return false;
  const t = ip.toLowerCase();
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(t) || t === '::1' || t === 'localhost' || t === '0:0:0:0:0:0:0:1';
}

/** Whether a port or range (`5430-5439`) includes `port`. */
export function rangeIncludes(range: string, port: number): boolean {
  const [a, b] = range.split('-').map(Number);
  if (a === undefined || Number.isNaN(a)) return false;
  return b === undefined ? a === port : port >= a && port <= b;
}

/** Human text for evidence: `0.0.0.0:5432→5432/tcp`, `127.0.0.1:(random)→6379/tcp`. */
export function describePort(p: ParsedPort): string {
  const ip = p.hostIp === null ? 'all interfaces' : p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  const proto = p.protocol === 'tcp' ? '' : `/${p.protocol}`;
  return `${ip}:${p.published ?? '(random port)'} → container ${p.target}${proto}`;
}
