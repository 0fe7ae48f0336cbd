import type { FolderReader } from '../fs/folder-reader';
import type { EnvFollowUp } from '../../common/ipc/proxy.ipc';
import { PROD_COMPOSE_FILE } from '../compose/file-names';
import { composeFolderReader } from '../compose/load';
import { readFolderEnvValues } from '../envfile';
import { isLiteral, type ComposeFacts } from './compose-facts';

/**
 * The `.env` values that follow from the public origin, and where compose stops them from mattering
 * (crucible-facts §8.2, §9.2, §9.3, §1.3). Only these non-secret keys are kept from `.env`.
 */

const KEYS = ['ROUNDTABLE_CORS_ORIGINS', 'ROUNDTABLE_FRONTEND_URL', 'NEXT_PUBLIC_API_URL'] as const;

/**
 * Reads the current values of the three non-secret keys as compose reads them (envfile's parser: quotes,
 * comments and `$` as compose treats them, last assignment wins). None when `.env` cannot be read.
 */
export async function readOriginKeys(dir: string | FolderReader): Promise<Map<string, string>> {
  const values = await readFolderEnvValues(composeFolderReader(dir));
  const out = new Map<string, string>();
  for (const key of KEYS) {
    const v = values.get(key);
    if (v !== undefined) out.set(key, v);
  }
  return out;
}

type OriginKey = (typeof KEYS)[number];
interface ComposeSetting {
  file: string;
  line?: number;
  value: string | null;
}

function composeSetting(facts: ComposeFacts | null, service: string, key: OriginKey): ComposeSetting | null {
  for (const s of facts?.services ?? []) {
    if (s.service !== service) continue;
    const e = s.environment.get(key);
    if (e) return { file: s.file, line: e.line, value: e.value };
  }
  return null;
}

/**
 * One follow-up: `key` should become `value`; `note` is told whether the service's compose `environment:` sets
 * the key to a literal (which beats `.env`) and what that setting is.
 */
function followUp(
  key: OriginKey,
  value: string,
  current: Map<string, string>,
  setting: ComposeSetting | null,
  note: (literal: boolean, setting: ComposeSetting | null) => string,
): EnvFollowUp {
  const literal = setting !== null && isLiteral(setting.value);
  const where = (c: ComposeSetting) => `${c.file}${c.line ? `:${String(c.line)}` : ''}`;
  return {
    key,
    value,
    current: current.get(key) ?? null,
    note: note(literal, setting),
    overriddenByCompose: literal,
    evidence: setting ? `environment: ${key} in ${where(setting)}` : undefined,
  };
}

/**
 * The follow-ups for `origin`. `compose` may be null when no folder is known.
 */
export function envFollowUps(
  origin: string,
  current: Map<string, string>,
  compose: ComposeFacts | null,
): EnvFollowUp[] {
  return [
    followUp(
      'ROUNDTABLE_CORS_ORIGINS',
      origin,
      current,
      composeSetting(compose, 'api', 'ROUNDTABLE_CORS_ORIGINS'),
      (literal) =>
        'The only browser origin allowed to call the API (no trailing slash: Starlette compares origins exactly). Drop http://localhost:3000.' +
        (literal
          ? ` The compose file sets this itself for the api service, and that beats .env: change that line to ROUNDTABLE_CORS_ORIGINS=\${ROUNDTABLE_CORS_ORIGINS}. While it stays at http://localhost:3000, ROUNDTABLE_ENVIRONMENT=production cannot start.`
          : ''),
    ),
    followUp(
      'ROUNDTABLE_FRONTEND_URL',
      origin,
      current,
      composeSetting(compose, 'api', 'ROUNDTABLE_FRONTEND_URL'),
      (literal, setting) =>
        'Checked by production mode (an http://localhost value is refused). ' +
        (literal
          ? 'The compose file sets it itself for the api service; change that line to ROUNDTABLE_FRONTEND_URL=${ROUNDTABLE_FRONTEND_URL}.'
          : setting === null
            ? `Stock compose does not pass it: only the development compose file mounts .env into the api. With ${PROD_COMPOSE_FILE} add ROUNDTABLE_FRONTEND_URL=\${ROUNDTABLE_FRONTEND_URL} to the api environment.`
            : ''),
    ),
    followUp(
      'NEXT_PUBLIC_API_URL',
      `${origin}/api`,
      current,
      composeSetting(compose, 'frontend', 'NEXT_PUBLIC_API_URL'),
      (literal) =>
        'The URL the browser calls. Next.js bakes it into the frontend image at build time: the stock images call http://localhost:8000/api, which only works on the Docker host. Rebuild the frontend image with --build-arg NEXT_PUBLIC_API_URL=' +
        `${origin}/api` +
        (literal ? ' and change the compose line that hard-codes it.' : '.'),
    ),
  ];
}
