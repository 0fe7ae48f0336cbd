import type { Finding } from '../../../common/model/finding';
import type { ComposePort, ComposeService } from '../../compose/model';
import { describePort, isLoopback, rangeIncludes } from '../../compose/ports';
import type { AuditContext, AuditRule } from '../types';
import { fixIds } from '../fix-ids';

/**
 * Published ports (crucible-facts.md §8.1, security guide "Port Exposure Security"). Docker's NAT rules
 * bypass host firewalls such as ufw, so a port published on every interface is reachable from the network
 * even when the firewall says otherwise.
 */

const DATASTORES: Array<{ port: number; image: RegExp; label: string }> = [
  { port: 5432, image: /(^|\/)postgres(:|@|$)/, label: 'PostgreSQL' },
  { port: 6379, image: /(^|\/)redis(:|@|$)/, label: 'Redis' },
];

function datastoreOf(svc: ComposeService, p: ComposePort): string | null {
  for (const d of DATASTORES) {
    if (rangeIncludes(p.target, d.port)) return d.label;
    if (svc.image && d.image.test(svc.image.value)) return d.label;
  }
  return null;
}

function isWebService(svc: ComposeService, p: ComposePort): boolean {
  return (
    svc.name === 'api' || svc.name === 'frontend' || rangeIncludes(p.target, 8000) || rangeIncludes(p.target, 3000)
  );
}

function evidence(p: ComposePort, svc: ComposeService): string {
  const how = p.published === null ? ' (no host port given: docker picks a random one)' : '';
  return `${svc.name} ports entry ${p.raw} in ${p.source.file}:${p.source.line} → ${describePort(p)}${how}`;
}

function each(ctx: AuditContext, f: (svc: ComposeService, p: ComposePort) => Finding | null): Finding[] {
  const out: Finding[] = [];
  for (const svc of ctx.compose?.services ?? []) {
    if (svc.networkMode?.value === 'host') continue; // reported by the network_mode rule
    for (const p of svc.ports) {
      const r = f(svc, p);
      if (r) out.push(r);
    }
  }
  return out;
}

export const datastorePortRule: AuditRule = {
  code: 'COMPOSE_DATASTORE_PORT_PUBLISHED',
  group: 'compose',
  severity: 'critical',
  title: 'Database or Redis port published beyond this host',
  run: (ctx) =>
    each(ctx, (svc, p) => {
      const store = datastoreOf(svc, p);
      if (store === null || isLoopback(p.hostIp)) return null;
      return {
        code: 'COMPOSE_DATASTORE_PORT_PUBLISHED',
        severity: 'critical',
        title: `${store} is published on ${p.hostIp ?? 'every interface'}`,
        message: `${store} (service ${svc.name}) accepts connections from the network. The services reach it over the internal compose network; publishing it only adds attack surface, and docker's rules bypass host firewalls such as ufw.`,
        howToFix: 'Remove the ports entry, or bind it to 127.0.0.1 (or ::1) if you need local access for debugging.',
        service: svc.name,
        file: p.source.file,
        line: p.source.line,
        evidence: evidence(p, svc),
        fixId: fixIds.bindLoopback(p.source.file, svc.name, p.index),
      };
    }),
};

export const webPortRule: AuditRule = {
  code: 'COMPOSE_PORT_ALL_INTERFACES',
  group: 'compose',
  severity: 'warning',
  title: 'API or frontend port published on every interface',
  run: (ctx) =>
    each(ctx, (svc, p) => {
      if (isLoopback(p.hostIp) || datastoreOf(svc, p) !== null) return null;
      const web = isWebService(svc, p);
      return {
        code: 'COMPOSE_PORT_ALL_INTERFACES',
        severity: web ? 'warning' : 'info',
        title: `${svc.name} port ${p.published ?? p.target} is published on ${p.hostIp ?? 'every interface'}`,
        message: web
          ? `The ${svc.name} service is reachable from the network over plain HTTP, and host firewalls (ufw) do not filter docker-published ports. The API's login has no rate limit.`
          : `Port ${p.target} of ${svc.name} is reachable from the network; docker-published ports bypass host firewalls.`,
        howToFix:
          'Bind the port to 127.0.0.1 and put a TLS reverse proxy (nginx, Caddy) in front of the frontend and the API; the browser on this host keeps working through localhost.',
        service: svc.name,
        file: p.source.file,
        line: p.source.line,
        evidence: evidence(p, svc),
        fixId: fixIds.bindLoopback(p.source.file, svc.name, p.index),
      };
    }),
};

export const networkModeHostRule: AuditRule = {
  code: 'COMPOSE_NETWORK_MODE_HOST',
  group: 'compose',
  severity: 'critical',
  title: 'Service shares the host network',
  run: (ctx) =>
    (ctx.compose?.services ?? [])
      .filter((s) => s.networkMode?.value === 'host')
      .map((s) => ({
        code: 'COMPOSE_NETWORK_MODE_HOST',
        severity: 'critical' as const,
        title: `${s.name} uses network_mode: host`,
        message: `Every port ${s.name} listens on is open on all of the host's interfaces, with no port mapping and no isolation; for PostgreSQL or Redis that exposes the datastore directly.`,
        howToFix: 'Remove network_mode: host and publish only the ports that must be reached, bound to 127.0.0.1.',
        service: s.name,
        file: s.networkMode?.source.file,
        line: s.networkMode?.source.line,
        evidence: `network_mode: host in ${s.networkMode?.source.file ?? '?'}:${s.networkMode?.source.line ?? 0}`,
      })),
};
