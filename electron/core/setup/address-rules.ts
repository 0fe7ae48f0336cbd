import type { Environment } from '../../common/model/deployment';

/**
 * Step 4 of the setup wizard: the public address of the deployment (the frontend URL) and the CORS
 * origins the api accepts. Rules (crucible-facts.md §9.2, §9.3; security guide "HTTPS/TLS", "CORS"):
 * - production: https only, no localhost or loopback host, no wildcard;
 * - staging: no wildcard; plain http or a loopback host only warns;
 * - development: anything but a wildcard.
 * An origin is scheme://host[:port] with nothing after it (the service compares origins exactly).
 */

export interface AddressIssue {
  field: 'frontendUrl' | 'corsOrigins';
  severity: 'error' | 'warning';
  message: string;
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** True for localhost, *.localhost, 127.0.0.0/8, ::1 and 0.0.0.0 (which the browser treats as local). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (LOOPBACK_NAMES.has(h) || h.endsWith('.localhost')) return true;
  if (/^127(\.\d{1,3}){3}$/.test(h) || h === '0.0.0.0') return true;
  return h === '::1' || h === '::' || h === '0:0:0:0:0:0:0:1';
}

/** Parses and normalises one origin; returns a message instead when it is not a bare origin. */
export function parseOrigin(raw: string): { origin: string; url: URL } | { problem: string } {
  const text = raw.trim();
  if (text === '') return { problem: 'is empty' };
  if (text.includes('*')) return { problem: 'contains a wildcard (*); list each origin explicitly' };
  if (/[\s,'"\\$]/.test(text)) return { problem: 'contains a space, comma, quote, backslash or $' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'is not a URL (write it as https://host.example)' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { problem: 'must start with https:// (or http:// outside production)' };
  if (url.username || url.password) return { problem: 'must not contain a user name or password' };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || /^[a-z]+:\/\/[^/]+\/.+/i.test(text)) {
    return { problem: 'must be an origin only (scheme, host and port), without a path, query or fragment' };
  }
  return { origin: url.origin, url };
}

function judge(field: AddressIssue['field'], label: string, url: URL, env: Environment): AddressIssue[] {
  const out: AddressIssue[] = [];
  const loop = isLoopbackHost(url.hostname);
  if (env === 'production') {
    if (url.protocol !== 'https:')
      out.push({
        field,
        severity: 'error',
        message: `${label} must use https:// in production (the security guide requires TLS; put a reverse proxy with a certificate in front).`,
      });
    if (loop)
      out.push({
        field,
        severity: 'error',
        message: `${label} points at this machine (${url.hostname}); in production use the public host name users type in their browser.`,
      });
  } else if (env === 'staging') {
    if (url.protocol !== 'https:')
      out.push({
        field,
        severity: 'warning',
        message: `${label} uses plain http://; use https:// before going to production.`,
      });
    if (loop)
      out.push({
        field,
        severity: 'warning',
        message: `${label} points at this machine (${url.hostname}); other people cannot reach it.`,
      });
  }
  return out;
}

export interface AddressInput {
  frontendUrl: string;
  corsOrigins: readonly string[];
}

export interface AddressVerdict {
  ok: boolean;
  frontendUrl: string;
  corsOrigins: string[];
  issues: AddressIssue[];
}

/**
 * Checks the public address and the CORS origins for `env`. The normalised values are returned so the
 * `.env` gets exactly what was validated; `ok` is false when any error remains.
 */
export function checkAddress(input: AddressInput, env: Environment): AddressVerdict {
  const issues: AddressIssue[] = [];
  const front = parseOrigin(input.frontendUrl);
  let frontendUrl = input.frontendUrl.trim();
  if ('problem' in front)
    issues.push({ field: 'frontendUrl', severity: 'error', message: `The public address ${front.problem}.` });
  else {
    frontendUrl = front.origin;
    issues.push(...judge('frontendUrl', 'The public address', front.url, env));
  }
  const origins: string[] = [];
  const raw = input.corsOrigins.map((o) => o.trim()).filter((o) => o !== '');
  if (raw.length === 0)
    issues.push({
      field: 'corsOrigins',
      severity: 'error',
      message: 'List at least one allowed origin (normally the public address itself).',
    });
  for (const o of raw) {
    const p = parseOrigin(o);
    if ('problem' in p) {
      issues.push({ field: 'corsOrigins', severity: 'error', message: `The origin “${o.slice(0, 80)}” ${p.problem}.` });
      continue;
    }
    if (origins.includes(p.origin)) continue;
    origins.push(p.origin);
    issues.push(...judge('corsOrigins', `The origin ${p.origin}`, p.url, env));
  }
  if (!('problem' in front) && origins.length > 0 && !origins.includes(front.origin)) {
    issues.push({
      field: 'corsOrigins',
      severity: 'warning',
      message: `The public address ${front.origin} is not among the allowed origins, so the browser app will be refused by the api.`,
    });
  }
  return { ok: !issues.some((i) => i.severity === 'error'), frontendUrl, corsOrigins: origins, issues };
}
