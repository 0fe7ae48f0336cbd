import type { FolderReader } from '../fs/folder-reader';
import type { KnownAddress } from '../../common/ipc/proxy.ipc';
import { composeFolderReader } from '../compose/discover';
import { envValues, parseEnv } from '../envfile/parse';

/** Host names that say "not set up for the public yet": never offered as the deployment's domain. */
const LOCAL = /^(localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\]|::1?)$/i;

/** DNS caps a name at 253 characters: anything longer is not a host name to offer. */
const MAX_HOST_LENGTH = 253;

const KEYS = ['ROUNDTABLE_FRONTEND_URL', 'ROUNDTABLE_CORS_ORIGINS'] as const;

/** The host of an http(s) URL (never its user or password), or null. Other schemes have opaque "hosts". */
function hostOf(url: string): string | null {
  try {
    const u = new URL(url.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    const host = u.hostname;
    return host === '' || host.length > MAX_HOST_LENGTH || LOCAL.test(host) ? null : host;
  } catch {
    return null;
  }
}

/**
 * The two keys' values as compose reads them, leaving out a key whose value compose builds by `${…}`
 * substitution: that may carry another variable's value (a secret) into the host name.
 */
async function literalAddressValues(folder: string | FolderReader): Promise<Map<string, string>> {
  let text: string;
  try {
    // No FIFO, link or huge file (read-bounded.ts; on a server the host checks the same).
    text = await composeFolderReader(folder).readText('.env', 'env');
  } catch {
    return new Map();
  }
  const doc = parseEnv(text, { skipPythonComparison: true });
  const substituted = new Set(doc.entries.filter((e) => e.references.length > 0).map((e) => e.key));
  const values = envValues(doc);
  const out = new Map<string, string>();
  for (const key of KEYS) {
    const v = values.get(key);
    if (v !== undefined && !substituted.has(key)) out.set(key, v);
  }
  return out;
}

/**
 * The public host name a deployment's `.env` already names: the frontend URL, else the first CORS origin
 * that is not a loopback address. Both are non-secret settings (crucible-facts §8.2, §9.2).
 */
export function publicDomainFrom(values: ReadonlyMap<string, string>): KnownAddress {
  const frontend = values.get('ROUNDTABLE_FRONTEND_URL');
  const fromFrontend = frontend === undefined ? null : hostOf(frontend);
  if (fromFrontend !== null) return { domain: fromFrontend, from: 'ROUNDTABLE_FRONTEND_URL' };
  for (const origin of (values.get('ROUNDTABLE_CORS_ORIGINS') ?? '').split(',')) {
    const host = hostOf(origin);
    if (host !== null) return { domain: host, from: 'ROUNDTABLE_CORS_ORIGINS' };
  }
  return { domain: null, from: null };
}

/**
 * What the HTTPS page can prefill for the deployment in `folder`: its public domain as its `.env` says.
 * A folder without a readable `.env` knows nothing (not an error: the admin types the domain).
 */
export async function knownAddress(folder: string | FolderReader): Promise<KnownAddress> {
  return publicDomainFrom(await literalAddressValues(folder));
}
