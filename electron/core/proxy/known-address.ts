import type { FolderReader } from '../fs/folder-reader';
import type { KnownAddress } from '../../common/ipc/proxy.ipc';
import { readOriginKeys } from './env-followup';

/** Host names that say "not set up for the public yet": never offered as the deployment's domain. */
const LOCAL = /^(localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\]|::1?)$/i;

function hostOf(url: string): string | null {
  try {
    const host = new URL(url.trim()).hostname;
    return host === '' || LOCAL.test(host) ? null : host;
  } catch {
    return null;
  }
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
  return publicDomainFrom(await readOriginKeys(folder));
}
