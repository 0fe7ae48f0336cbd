import { readBoundedText } from '../fs/read-bounded';
import type { FolderReader } from '../fs/folder-reader';
import { join } from 'node:path';
import type { EnvFollowUp } from '../../common/ipc/proxy.ipc';
import { isLiteral, type ComposeFacts } from './compose-facts';

/**
 * The `.env` values that follow from the public origin, and where compose stops them from mattering
 * (crucible-facts §8.2, §9.2, §9.3, §1.3). Only these non-secret keys are read from `.env`.
 */

const KEYS = ['ROUNDTABLE_CORS_ORIGINS', 'ROUNDTABLE_FRONTEND_URL', 'NEXT_PUBLIC_API_URL'] as const;

/** Reads the current values of the three non-secret keys (last assignment wins, as in compose). */
export async function readOriginKeys(dir: string | FolderReader): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let text: string;
  try {
    // No FIFO, link or huge file (read-bounded.ts; on a server the host checks the same).
    text = typeof dir === 'string' ? await readBoundedText(join(dir, '.env'), 'env') : await dir.readText('.env', 'env');
  } catch {
    return out;
  }
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    const key = m?.[1];
    if (!key || !(KEYS as readonly string[]).includes(key)) continue;
    let v = (m[2] ?? '').trim();
    const q = v[0];
    if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    out.set(key, v);
  }
  return out;
}

function composeSetting(facts: ComposeFacts | null, service: string, key: string): { file: string; line?: number; value: string | null } | null {
  for (const s of facts?.services ?? []) {
    if (s.service !== service) continue;
    const e = s.environment.get(key);
    if (e) return { file: s.file, line: e.line, value: e.value };
  }
  return null;
}

/**
 * The follow-ups for `origin`. `compose` may be null when no folder is known.
 */
export function envFollowUps(origin: string, current: Map<string, string>, compose: ComposeFacts | null): EnvFollowUp[] {
  const out: EnvFollowUp[] = [];
  const where = (c: { file: string; line?: number }) => `${c.file}${c.line ? `:${String(c.line)}` : ''}`;

  const cors = composeSetting(compose, 'api', 'ROUNDTABLE_CORS_ORIGINS');
  const corsLiteral = cors !== null && isLiteral(cors.value);
  out.push({
    key: 'ROUNDTABLE_CORS_ORIGINS',
    value: origin,
    current: current.get('ROUNDTABLE_CORS_ORIGINS') ?? null,
    note:
      'The only browser origin allowed to call the API (no trailing slash: Starlette compares origins exactly). Drop http://localhost:3000.' +
      (corsLiteral
        ? ` The compose file sets this itself for the api service, and that beats .env: change that line to ROUNDTABLE_CORS_ORIGINS=\${ROUNDTABLE_CORS_ORIGINS}. While it stays at http://localhost:3000, ROUNDTABLE_ENVIRONMENT=production cannot start.`
        : ''),
    overriddenByCompose: corsLiteral,
    evidence: cors ? `environment: ROUNDTABLE_CORS_ORIGINS in ${where(cors)}` : undefined,
  });

  const fe = composeSetting(compose, 'api', 'ROUNDTABLE_FRONTEND_URL');
  const feLiteral = fe !== null && isLiteral(fe.value);
  out.push({
    key: 'ROUNDTABLE_FRONTEND_URL',
    value: origin,
    current: current.get('ROUNDTABLE_FRONTEND_URL') ?? null,
    note:
      'Checked by production mode (an http://localhost value is refused). ' +
      (feLiteral
        ? 'The compose file sets it itself for the api service; change that line to ROUNDTABLE_FRONTEND_URL=${ROUNDTABLE_FRONTEND_URL}.'
        : fe === null
          ? 'Stock compose does not pass it: only the development compose file mounts .env into the api. With docker-compose.prod.yml add ROUNDTABLE_FRONTEND_URL=${ROUNDTABLE_FRONTEND_URL} to the api environment.'
          : ''),
    overriddenByCompose: feLiteral,
    evidence: fe ? `environment: ROUNDTABLE_FRONTEND_URL in ${where(fe)}` : undefined,
  });

  const api = composeSetting(compose, 'frontend', 'NEXT_PUBLIC_API_URL');
  const apiLiteral = api !== null && isLiteral(api.value);
  out.push({
    key: 'NEXT_PUBLIC_API_URL',
    value: `${origin}/api`,
    current: current.get('NEXT_PUBLIC_API_URL') ?? null,
    note:
      'The URL the browser calls. Next.js bakes it into the frontend image at build time: the stock images call http://localhost:8000/api, which only works on the Docker host. Rebuild the frontend image with --build-arg NEXT_PUBLIC_API_URL=' +
      `${origin}/api` +
      (apiLiteral ? ' and change the compose line that hard-codes it.' : '.'),
    overriddenByCompose: apiLiteral,
    evidence: api ? `environment: NEXT_PUBLIC_API_URL in ${where(api)}` : undefined,
  });
  return out;
}
