import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../common/model/finding';
import { ONE_YEAR_SECONDS } from '../../common/ipc/proxy.ipc';
import { isLoopback } from '../compose/ports';
import type { AuditContext, AuditRule } from '../audit/types';
import { fixIds } from '../audit/fix-ids';
import { INTERNAL_PATHS_DOC, INTERNAL_STATUS } from './internal-paths';

/**
 * Audit rules for the HTTPS front door (issue 11): a production deployment has a reverse-proxy
 * configuration, that configuration sends HSTS for at least a year, and the api/frontend cannot be reached
 * around it. Proxy configurations are looked for in the deployment folder (files saved from the app) and
 * where Debian's nginx and Caddy read them. A configuration counts for the deployment when it carries the
 * generator's marker or proxies to the api's local port.
 */

export interface ProxyConfigFact {
  path: string;
  kind: 'nginx' | 'caddy';
  /** The HSTS max-age the file sends, and where; null when it sends none. */
  hsts: { maxAge: number; line: number } | null;
  /** Whether the file answers Crucible's debug endpoint and its API schema itself (a 4xx, `deny`, `abort`). */
  denies: { debug: boolean; schema: boolean };
}

export type ProxyConfigLocator = (ctx: AuditContext) => ProxyConfigFact[];

export const SYSTEM_PROXY_DIRS = ['/etc/nginx/conf.d', '/etc/nginx/sites-enabled', '/etc/caddy'];
const MARKER = 'Crucible Community Edition: HTTPS front door';
const MAX_BYTES = 256 * 1024;
const MAX_FILES = 200;

function apiPorts(ctx: AuditContext): string[] {
  const api = ctx.compose?.services.find((s) => s.name === 'api');
  const ports = new Set<string>(['8000']);
  for (const p of api?.ports ?? []) if (p.published && /^\d+$/.test(p.published)) ports.add(p.published);
  return [...ports];
}

function candidates(dir: string, inDeployment: boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => (inDeployment ? /^crucible-.+\.conf$|^Caddyfile$|\.caddy$/.test(n) : !n.startsWith('.')))
    .slice(0, MAX_FILES)
    .map((n) => join(dir, n));
}

function readSmall(path: string): string | null {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_BYTES) return null;
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

const REFUSE = String.raw`(?:return\s+4\d\d|deny\s+all|respond\s+4\d\d|error\s+4\d\d|abort)`;

/**
 * Whether a configuration refuses a path itself. nginx: a `location` whose pattern mentions the path and
 * whose block returns 4xx or denies. Caddy: `respond`/`handle`/`route` on the path, or on a named matcher
 * whose definition lists it, that responds 4xx, errors or aborts. A heuristic over the live text (comments
 * removed): it recognises the generator's form and the usual hand-written ones, not every possible one.
 */
function refuses(body: string, path: RegExp): boolean {
  for (const m of body.matchAll(/location\s+([^{]*)\{([^}]*)\}/g))
    if (path.test(m[1] ?? '') && new RegExp(REFUSE).test(m[2] ?? '')) return true;
  const targets: string[] = [];
  // A named matcher on one line (`@x path /a /b`) or as a block (`@x { path /a }`).
  for (const m of body.matchAll(/^[ \t]*(@[\w-]+)[ \t]*(\{[^}]*\}|.*)$/gm))
    if (path.test(m[2] ?? '')) targets.push(m[1] ?? '');
  for (const m of body.matchAll(/^[ \t]*(respond|handle|route)[ \t]+(\S+)(.*)$/gm)) {
    const target = m[2] ?? '';
    if (!targets.includes(target) && !path.test(target)) continue;
    const rest = m[3] ?? '';
    // `respond TARGET 4xx`, or `handle|route TARGET {` whose block (up to its first `}`) refuses.
    const after = body.slice(m.index + m[0].length - rest.length);
    if (m[1] === 'respond' ? /^\s*4\d\d\b/.test(rest) : new RegExp(`^\\s*\\{[^}]*${REFUSE}`).test(after)) return true;
  }
  return false;
}

/** Reads what a configuration says about HSTS and the internal endpoints, ignoring comment lines. */
export function inspectProxyConfig(path: string, text: string, ports: readonly string[]): ProxyConfigFact | null {
  const lines = text.split('\n');
  const live = lines.map((l) => (/^\s*#/.test(l) ? '' : l));
  const body = live.join('\n');
  const port = `(?:${ports.map((p) => p.replace(/\D/g, '')).join('|')})`;
  const nginxUp = new RegExp(
    `(proxy_pass\\s+https?://|^\\s*server\\s+)(127\\.0\\.0\\.1|localhost|\\[::1\\]):${port}\\b`,
    'm',
  );
  const caddyUp = new RegExp(`reverse_proxy\\s+(https?://)?(127\\.0\\.0\\.1|localhost|\\[::1\\]):${port}\\b`);
  const isCaddy = caddyUp.test(body) || /^\s*reverse_proxy\b/m.test(body);
  if (!text.includes(MARKER) && !nginxUp.test(body) && !caddyUp.test(body)) return null;
  let hsts: ProxyConfigFact['hsts'] = null;
  live.forEach((l, i) => {
    const m = /Strict-Transport-Security\s*"?\s*max-age=(\d+)/i.exec(l);
    if (m && hsts === null) hsts = { maxAge: Number(m[1]), line: i + 1 };
  });
  const denies = { debug: refuses(body, /api\/debug/i), schema: refuses(body, /openapi/i) };
  return { path, kind: isCaddy ? 'caddy' : 'nginx', hsts, denies };
}

/** The default locator: the deployment folder, then the system folders of nginx and Caddy. */
export function fileLocator(systemDirs: readonly string[] = SYSTEM_PROXY_DIRS): ProxyConfigLocator {
  return (ctx) => {
    const ports = apiPorts(ctx);
    const files = [...candidates(ctx.target.folder, true), ...systemDirs.flatMap((d) => candidates(d, false))];
    const out: ProxyConfigFact[] = [];
    for (const f of files) {
      const text = readSmall(f);
      const fact = text === null ? null : inspectProxyConfig(f, text, ports);
      if (fact) out.push(fact);
    }
    return out;
  };
}

/** Builds the rules with a locator (tests pass their own). */
export function createProxyAuditRules(
  locate: ProxyConfigLocator = fileLocator(),
  systemDirs: readonly string[] = SYSTEM_PROXY_DIRS,
): AuditRule[] {
  // One look per context, shared by the three rules.
  const cache = new WeakMap<AuditContext, ProxyConfigFact[]>();
  const configs = (ctx: AuditContext) => {
    let c = cache.get(ctx);
    if (!c) cache.set(ctx, (c = locate(ctx)));
    return c;
  };
  const where = (ctx: AuditContext) => [ctx.target.folder, ...systemDirs].join(', ');

  const missing: AuditRule = {
    code: 'PROXY_CONFIG_MISSING',
    group: 'known',
    // A warning, not an error: the app looks where it can (the folder, this host's nginx and Caddy), and TLS
    // may well end elsewhere (a load balancer, another host). The Checklist's HTTPS item stays unverified.
    severity: 'warning',
    title: 'No HTTPS reverse proxy for a production deployment',
    run: (ctx) =>
      ctx.target.environment !== 'production' || configs(ctx).length > 0
        ? []
        : [
            {
              code: 'PROXY_CONFIG_MISSING',
              severity: 'warning',
              title: 'No HTTPS reverse-proxy configuration found for this production deployment',
              message:
                'Crucible serves plain HTTP and its login has no rate limit. Production needs a reverse proxy with TLS, HSTS and a login throttle in front of it, and none was found where the app can look.',
              howToFix:
                'Generate the configuration with the "HTTPS & network" page (or `crucible-secrets proxy DIR --server nginx --domain NAME`), install it and reload the proxy. If TLS ends on another machine, the app cannot see it and this warning stays: record where on the Checklist page, with a note on its HTTPS item.',
              evidence: `no nginx or Caddy configuration proxying to the api found in ${where(ctx)}`,
            },
          ],
  };

  const hsts: AuditRule = {
    code: 'PROXY_HSTS_MISSING',
    group: 'known',
    severity: 'error',
    title: 'The reverse proxy does not send HSTS for at least a year',
    run: (ctx) =>
      configs(ctx)
        .filter((c) => c.hsts === null || c.hsts.maxAge < ONE_YEAR_SECONDS)
        .map((c): Finding => ({
          code: 'PROXY_HSTS_MISSING',
          severity: ctx.target.environment === 'production' ? 'error' : 'warning',
          title:
            c.hsts === null
              ? `${c.path} sends no Strict-Transport-Security header`
              : `${c.path} sends HSTS for less than a year`,
          message:
            'Without HSTS (max-age of at least one year) a browser can be downgraded to plain HTTP on its next visit, exposing the session token and the login password.',
          howToFix:
            'Regenerate the configuration on the "HTTPS & network" page; it sends Strict-Transport-Security: max-age=31536000 on every response.',
          file: c.path,
          line: c.hsts?.line,
          evidence:
            c.hsts === null
              ? `${c.kind} configuration without Strict-Transport-Security`
              : `max-age=${String(c.hsts.maxAge)} at ${c.path}:${String(c.hsts.line)}`,
        })),
  };

  const bypass: AuditRule = {
    code: 'PROXY_BYPASSABLE',
    group: 'compose',
    severity: 'error',
    title: 'The api or frontend can be reached around the reverse proxy',
    run: (ctx) => {
      if (ctx.target.environment !== 'production' || configs(ctx).length === 0) return [];
      const out: Finding[] = [];
      for (const svc of ctx.compose?.services ?? []) {
        if (svc.name !== 'api' && svc.name !== 'frontend') continue;
        for (const p of svc.ports) {
          if (isLoopback(p.hostIp)) continue;
          out.push({
            code: 'PROXY_BYPASSABLE',
            severity: 'error',
            title: `${svc.name} is published on ${p.hostIp ?? 'every interface'}, around the HTTPS proxy`,
            message: `Clients can skip the proxy and reach ${svc.name} directly over plain HTTP: no TLS, no HSTS and no login throttle. Docker-published ports also bypass ufw.`,
            howToFix:
              'Bind the port to 127.0.0.1 (the proxy on this host still reaches it) and recreate the container with `docker compose up -d`.',
            service: svc.name,
            file: p.source.file,
            line: p.source.line,
            evidence: `${svc.name} ports entry ${p.raw} in ${p.source.file}:${String(p.source.line)}`,
            fixId: fixIds.bindLoopback(p.source.file, svc.name, p.index),
          });
        }
      }
      return out;
    },
  };
  const internal: AuditRule = {
    code: 'PROXY_INTERNAL_EXPOSED',
    group: 'known',
    severity: 'warning',
    title: "The reverse proxy passes Crucible's debug endpoint or API schema on",
    run: (ctx) =>
      configs(ctx)
        .filter((c) => !c.denies.debug || !c.denies.schema)
        .map((c): Finding => {
          const open = [...(c.denies.debug ? [] : ['/api/debug/']), ...(c.denies.schema ? [] : ['/openapi.json'])];
          return {
            code: 'PROXY_INTERNAL_EXPOSED',
            severity: 'warning',
            title: `${c.path} does not keep ${open.join(' and ')} inside`,
            message: `${c.denies.debug ? '' : 'GET /api/debug/settings/check answers any logged-in session with the first 8 and last 4 characters of every provider key stored in Crucible (service/app/api/routers/debug_settings.py). '}${c.denies.schema ? '' : 'Production mode hides /docs and /redoc but still serves /openapi.json, the list of every route (service/app/main.py); it is public wherever this file sends it to the api. '}See ${INTERNAL_PATHS_DOC}.`,
            howToFix: `Regenerate the configuration on the "HTTPS & network" page (it answers these paths with ${String(INTERNAL_STATUS)} itself), or add the same rules by hand, then reload the proxy.`,
            file: c.path,
            evidence: `no ${c.kind} rule refusing ${open.join(' or ')} in ${c.path}`,
          };
        }),
  };
  return [missing, hsts, bypass, internal];
}

/** The rules as registered in the audit's rule list. */
export const proxyAuditRules: readonly AuditRule[] = createProxyAuditRules();
