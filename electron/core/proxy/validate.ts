import { domainToASCII } from 'node:url';
import { AppError } from '../../common/errors';
import type { Environment } from '../../common/model/deployment';
import { ONE_YEAR_SECONDS, type HstsChoice, type ProxyTuning } from '../../common/ipc/proxy.ipc';

/**
 * Strict checks on everything that ends up inside a generated configuration. A value that could change the
 * meaning of an nginx or Caddy file (spaces, quotes, braces, `;`, `$`) never reaches a renderer: it is
 * refused here with a message saying what to type instead.
 */

export const ProxyErrorCode = {
  BadDomain: 'PROXY_BAD_DOMAIN',
  DomainHasScheme: 'PROXY_DOMAIN_HAS_SCHEME',
  BadUrl: 'PROXY_BAD_URL',
  HttpInProduction: 'PROXY_HTTP_IN_PRODUCTION',
  HttpUrl: 'PROXY_HTTP_URL',
  AddressMissing: 'PROXY_ADDRESS_MISSING',
  HstsTooShort: 'PROXY_HSTS_TOO_SHORT',
  HstsPreloadNeedsSubdomains: 'PROXY_HSTS_PRELOAD_NEEDS_SUBDOMAINS',
  BadTuning: 'PROXY_BAD_TUNING',
  BadEmail: 'PROXY_BAD_EMAIL',
  BadPort: 'PROXY_BAD_PORT',
  BadUpstream: 'PROXY_BAD_UPSTREAM',
} as const;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Normalises a bare domain name (lower case, IDN → punycode, no trailing dot).
 * @throws AppError PROXY_DOMAIN_HAS_SCHEME when a scheme is given; PROXY_BAD_DOMAIN for spaces, ports,
 *   paths, wildcards, IP addresses, single labels or malformed labels.
 */
export function parseDomain(raw: string): string {
  const shown = JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw.trim())) {
    throw new AppError(
      ProxyErrorCode.DomainHasScheme,
      `The domain ${shown} includes a scheme. Give the name alone, for example crucible.example.com (without https://).`,
    );
  }
  if (raw.length === 0)
    throw new AppError(
      ProxyErrorCode.BadDomain,
      'The domain is empty. Give the name the deployment is reached at, for example crucible.example.com.',
    );
  if (/\s/.test(raw))
    throw new AppError(
      ProxyErrorCode.BadDomain,
      `The domain ${shown} contains a space or other whitespace. A domain name has none; check what was pasted.`,
    );
  if (raw.includes('*'))
    throw new AppError(
      ProxyErrorCode.BadDomain,
      `The domain ${shown} is a wildcard. Give the exact name the deployment is reached at.`,
    );
  if (/[/:?#@]/.test(raw))
    throw new AppError(
      ProxyErrorCode.BadDomain,
      `The domain ${shown} contains a port, path or other URL part. Give the name alone, for example crucible.example.com.`,
    );
  const ascii = domainToASCII(raw.replace(/\.$/, '').toLowerCase());
  if (ascii === '')
    throw new AppError(
      ProxyErrorCode.BadDomain,
      `The domain ${shown} is not a valid name. Use letters, digits, hyphens and dots, for example crucible.example.com.`,
    );
  if (ascii.length > 253)
    throw new AppError(
      ProxyErrorCode.BadDomain,
      'The domain is longer than 253 characters; DNS names cannot be that long.',
    );
  const labels = ascii.split('.');
  if (labels.length < 2)
    throw new AppError(
      ProxyErrorCode.BadDomain,
      `The domain ${shown} has a single label. Browsers and certificate authorities need a full name such as crucible.example.com.`,
    );
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined)
    throw new AppError(
      ProxyErrorCode.BadDomain,
      `The domain ${shown} has an invalid part ${JSON.stringify(bad)}: each part is 1–63 letters, digits or hyphens, not starting or ending with a hyphen.`,
    );
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) {
    throw new AppError(
      ProxyErrorCode.BadDomain,
      `${shown} looks like an IP address. HTTPS with HSTS needs a DNS name; create one (an A record) that points at the server.`,
    );
  }
  return ascii;
}

export interface PublicAddress {
  domain: string;
  /** The public HTTPS port (443 unless the URL names another). */
  httpsPort: number;
  /** `https://domain[:port]`, exactly as browsers send it in `Origin` (no trailing slash). */
  origin: string;
}

export function originOf(domain: string, httpsPort: number): string {
  return httpsPort === 443 ? `https://${domain}` : `https://${domain}:${String(httpsPort)}`;
}

/**
 * Parses the deployment's public URL. Only `https://host[:port]` with no path, query or credentials.
 * @throws AppError PROXY_HTTP_IN_PRODUCTION for an http URL in production; PROXY_HTTP_URL for http elsewhere;
 *   PROXY_BAD_URL for anything else malformed; PROXY_BAD_DOMAIN for a bad host name.
 */
export function parsePublicUrl(raw: string, environment: Environment): PublicAddress {
  if (/\s/.test(raw))
    throw new AppError(
      ProxyErrorCode.BadUrl,
      'The public URL contains whitespace. Give it as https://crucible.example.com.',
    );
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new AppError(
      ProxyErrorCode.BadUrl,
      'The public URL needs its scheme: write it as https://crucible.example.com (or give the bare name as the domain instead).',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError(
      ProxyErrorCode.BadUrl,
      'The public URL is not a valid URL. Write it as https://crucible.example.com.',
    );
  }
  if (url.protocol === 'http:') {
    if (environment === 'production') {
      throw new AppError(
        ProxyErrorCode.HttpInProduction,
        'A production deployment must be reached over https://, not http://. Use https://' +
          url.host +
          ' as the public URL; the front door redirects plain HTTP to it.',
      );
    }
    throw new AppError(
      ProxyErrorCode.HttpUrl,
      'The front door serves HTTPS: use https://' + url.host + ' as the public URL (plain HTTP is redirected to it).',
    );
  }
  if (url.protocol !== 'https:')
    throw new AppError(ProxyErrorCode.BadUrl, `The public URL must start with https:// (got ${url.protocol}//).`);
  if (url.username || url.password)
    throw new AppError(ProxyErrorCode.BadUrl, 'The public URL must not contain a user name or password.');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new AppError(
      ProxyErrorCode.BadUrl,
      'Crucible is served at the root of its domain: give the URL without a path, query or fragment (https://crucible.example.com).',
    );
  }
  const domain = parseDomain(url.hostname);
  const httpsPort = url.port === '' ? 443 : Number(url.port);
  return { domain, httpsPort, origin: originOf(domain, httpsPort) };
}

/**
 * Resolves the address given as either a bare domain or a public URL (exactly one).
 * @throws AppError PROXY_ADDRESS_MISSING when neither or both are given, or the errors of parseDomain/parsePublicUrl.
 */
export function resolveAddress(
  input: { domain?: string; publicUrl?: string },
  environment: Environment,
): PublicAddress {
  if ((input.domain === undefined) === (input.publicUrl === undefined)) {
    throw new AppError(
      ProxyErrorCode.AddressMissing,
      'Give either the domain name (crucible.example.com) or the public URL (https://crucible.example.com), not both.',
    );
  }
  if (input.publicUrl !== undefined) return parsePublicUrl(input.publicUrl, environment);
  const domain = parseDomain(input.domain ?? '');
  return { domain, httpsPort: 443, origin: originOf(domain, 443) };
}

/**
 * @throws AppError PROXY_HSTS_TOO_SHORT below one year; PROXY_HSTS_PRELOAD_NEEDS_SUBDOMAINS for preload
 *   without includeSubDomains (the preload list refuses such sites).
 */
export function checkHsts(h: HstsChoice): HstsChoice {
  if (h.maxAgeSeconds < ONE_YEAR_SECONDS) {
    throw new AppError(
      ProxyErrorCode.HstsTooShort,
      `HSTS max-age must be at least one year (${String(ONE_YEAR_SECONDS)} seconds); ${String(h.maxAgeSeconds)} was given.`,
    );
  }
  if (h.preload && !h.includeSubDomains) {
    throw new AppError(
      ProxyErrorCode.HstsPreloadNeedsSubdomains,
      'HSTS preload requires includeSubDomains (the preload list refuses sites without it). Turn on includeSubDomains, or leave preload off.',
    );
  }
  return h;
}

export function hstsHeaderValue(h: HstsChoice): string {
  return `max-age=${String(h.maxAgeSeconds)}${h.includeSubDomains ? '; includeSubDomains' : ''}${h.preload ? '; preload' : ''}`;
}

/** @throws AppError PROXY_BAD_TUNING when a limit is out of its sensible range. */
export function checkTuning(t: ProxyTuning): ProxyTuning {
  const range = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new AppError(
        ProxyErrorCode.BadTuning,
        `${name} must be a whole number from ${String(min)} to ${String(max)}; ${String(v)} was given.`,
      );
  };
  range('Login attempts per minute', t.loginPerMinute, 1, 120);
  range('Login burst', t.loginBurst, 0, 50);
  range('Request size limit (MiB)', t.maxBodyMb, 1, 1024);
  return t;
}

/** @throws AppError PROXY_BAD_PORT */
export function checkPort(name: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new AppError(
      ProxyErrorCode.BadPort,
      `${name} must be a port number from 1 to 65535; ${String(port)} was given.`,
    );
  return port;
}

/**
 * A plain address for ACME registration; refuses anything that could break out of a config line.
 * @throws AppError PROXY_BAD_EMAIL
 */
export function checkEmail(raw: string): string {
  if (!/^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,}$/.test(raw)) {
    throw new AppError(
      ProxyErrorCode.BadEmail,
      'The ACME e-mail address is not a plain address like admin@example.com. It is only used for expiry notices; leave it empty if unsure.',
    );
  }
  return raw;
}

/**
 * An upstream as `host:port` on a loopback or private address, e.g. 127.0.0.1:8000.
 * @throws AppError PROXY_BAD_UPSTREAM
 */
export function parseUpstream(raw: string): { host: string; port: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]|[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?):(\d{1,5})$/i.exec(raw);
  if (!m?.[1] || !m[2])
    throw new AppError(
      ProxyErrorCode.BadUpstream,
      `The upstream ${JSON.stringify(raw)} is not host:port (for example 127.0.0.1:8000).`,
    );
  return { host: m[1], port: checkPort('The upstream port', Number(m[2])) };
}
