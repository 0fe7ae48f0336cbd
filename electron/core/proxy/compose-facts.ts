import { readdir } from 'node:fs/promises';
import { readBoundedText } from '../fs/read-bounded';
import type { FolderReader } from '../fs/folder-reader';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { PublishedPort } from '../../common/ipc/proxy.ipc';

/**
 * The few compose facts the front door needs: which ports are published and on which host address, and
 * which variables a service sets itself in `environment:` (those beat `.env`, crucible-facts §8.2).
 * Read-only; a file that does not parse is reported, never guessed at.
 */

const COMPOSE_NAMES = /^(docker-)?compose(\.[a-z0-9_-]+)?\.ya?ml$/i;

export interface ComposeServiceFacts {
  service: string;
  file: string;
  ports: PublishedPort[];
  /** `environment:` entries as written (values may contain `${VAR}`). Never shown: may hold secrets. */
  environment: Map<string, { value: string | null; line?: number }>;
}

export interface ComposeFacts {
  files: string[];
  unreadable: string[];
  services: ComposeServiceFacts[];
}

/** Lists compose files in a folder (here, or a server's through its reader): docker-compose.yml, compose.yaml, … */
export async function listComposeFiles(dir: string | FolderReader): Promise<string[]> {
  const names = typeof dir === 'string' ? await readdir(dir).catch(() => [] as string[]) : await dir.list().catch(() => [] as string[]);
  return names.filter((n) => COMPOSE_NAMES.test(n)).sort();
}

function lineOf(lc: LineCounter, node: YamlNode | null | undefined): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lc.linePos(start).line;
}

/**
 * Splits a short-syntax port (`8000:8000`, `127.0.0.1:8000:8000`, `[::1]:80:80/tcp`, `3000`).
 * A port without a host address is published on every interface.
 */
export function parsePortSpec(raw: string): { hostIp: string | null; published: string | null; target: string } {
  const spec = raw.replace(/\/(tcp|udp|sctp)$/i, '');
  const v6 = /^\[([^\]]+)\]:([^:]*):(.+)$/.exec(spec);
  if (v6) return { hostIp: v6[1] ?? null, published: v6[2] || null, target: v6[3] ?? '' };
  const parts = spec.split(':');
  if (parts.length >= 3) return { hostIp: parts.slice(0, -2).join(':') || null, published: parts[parts.length - 2] || null, target: parts[parts.length - 1] ?? '' };
  if (parts.length === 2) return { hostIp: null, published: parts[0] || null, target: parts[1] ?? '' };
  return { hostIp: null, published: null, target: spec };
}

/** `- "3000"` (random host port) is on every interface too. */
function isAllInterfaces(hostIp: string | null): boolean {
  return hostIp === null || hostIp === '0.0.0.0' || hostIp === '::' || hostIp === '';
}

function scalarText(n: unknown): string | null {
  if (!isScalar(n) || n.value === null) return null;
  const v = n.value;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return null;
}

/** Reads every compose file of the folder (here, or on a server through its reader). */
export async function readComposeFacts(dir: string | FolderReader): Promise<ComposeFacts> {
  const files = await listComposeFiles(dir);
  const out: ComposeFacts = { files, unreadable: [], services: [] };
  for (const file of files) {
    let text: string;
    try {
      // No FIFO, link or huge file (read-bounded.ts; on a server the host checks the same).
      text = typeof dir === 'string' ? await readBoundedText(join(dir, file), 'compose') : await dir.readText(file, 'compose');
    } catch {
      out.unreadable.push(file);
      continue;
    }
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
    if (doc.errors.length > 0) {
      out.unreadable.push(file);
      continue;
    }
    const services = doc.get('services', true);
    if (!isMap(services)) continue;
    for (const pair of services.items) {
      const name = scalarText(pair.key);
      const svc = pair.value;
      if (name === null || !isMap(svc)) continue;
      const facts: ComposeServiceFacts = { service: name, file, ports: [], environment: new Map() };
      const ports = svc.get('ports', true);
      if (isSeq(ports)) {
        for (const item of ports.items) {
          if (isScalar(item)) {
            const raw = scalarText(item) ?? '';
            const p = parsePortSpec(raw);
            facts.ports.push({ service: name, file, line: lineOf(lc, item), raw, ...p, allInterfaces: isAllInterfaces(p.hostIp) });
          } else if (isMap(item)) {
            // Long syntax: target/published/host_ip.
            const target = scalarText(item.get('target', true)) ?? '';
            const published = scalarText(item.get('published', true));
            const hostIp = scalarText(item.get('host_ip', true));
            const raw = `${hostIp ? `${hostIp}:` : ''}${published ?? ''}:${target}`;
            facts.ports.push({ service: name, file, line: lineOf(lc, item), raw, hostIp, published, target, allInterfaces: isAllInterfaces(hostIp) });
          }
        }
      }
      const env = svc.get('environment', true);
      if (isSeq(env)) {
        for (const item of env.items) {
          const s = scalarText(item);
          if (s === null) continue;
          const eq = s.indexOf('=');
          facts.environment.set(eq < 0 ? s : s.slice(0, eq), { value: eq < 0 ? null : s.slice(eq + 1), line: lineOf(lc, item as YamlNode) });
        }
      } else if (isMap(env)) {
        for (const p of env.items) {
          const k = scalarText(p.key);
          if (k !== null) facts.environment.set(k, { value: scalarText(p.value), line: lineOf(lc, p.key as YamlNode) });
        }
      }
      out.services.push(facts);
    }
  }
  return out;
}

/** A value written literally in compose (no `${…}` reference), so `.env` cannot change it. */
export function isLiteral(value: string | null): boolean {
  return value !== null && !/\$\{?[A-Za-z_]/.test(value.replace(/\$\$/g, ''));
}
