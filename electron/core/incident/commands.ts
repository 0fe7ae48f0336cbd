import { basename } from 'node:path';
import { composeFileFlags } from '../compose/file-names';

/**
 * The exact shell commands the runbook shows (crucible-facts.md §6.3, §7, §8.1, §9.5, §13). The admin runs
 * them on the server from the deployment folder; none contains a secret value: passwords are read from a
 * prompt into REDISCLI_AUTH, and Postgres is reached through the container's trusted local socket.
 */

/** Quotes one word for a POSIX shell. */
export function shQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `docker compose` with the compose files the deployment uses. Compose reads the default file (and its
 * override) by itself; any other file (e.g. `docker-compose.prod.yml`) must be named with -f (facts §8.4).
 */
export function composePrefix(composeFiles: readonly string[]): string {
  const flags = composeFileFlags(composeFiles.map((f) => basename(f)));
  return ['docker compose', ...flags.map((f) => (f === '-f' ? f : shQuote(f)))].join(' ');
}

/**
 * An auth session key exactly as `session_store.py` writes it: `session:` + `secrets.token_urlsafe(32)`
 * (43 characters). Debate state shares the prefix (`session:task:<id>`, `session:streams:<id>`,
 * `session:events:<id>:<seq>`, …) and must survive, so a plain `session:*` glob is never used to delete.
 */
export const AUTH_SESSION_KEY = /^session:[A-Za-z0-9_-]{43}$/;

/** The keys of `keys` that are auth sessions (what the revocation command deletes). */
export function selectAuthSessionKeys(keys: readonly string[]): string[] {
  return keys.filter((k) => AUTH_SESSION_KEY.test(k));
}

/** POSIX ERE equivalent of AUTH_SESSION_KEY, for `grep -E` inside the redis container (busybox grep). */
export const AUTH_SESSION_ERE = '^session:[A-Za-z0-9_-]{43}$';

/** Prompt for the Redis password without echo and export it as REDISCLI_AUTH (never `-a` in argv). */
export const READ_REDIS_PASSWORD =
  'printf "Redis password: "; stty -echo; read -r REDISCLI_AUTH; stty echo; echo; export REDISCLI_AUTH';

/**
 * Counts, then deletes, auth session keys. SCAN walks the keyspace without blocking Redis; the glob only
 * narrows the walk, the exact pattern decides. Keys are piped to redis-cli as `UNLINK <key>` commands on
 * stdin, so no token is printed or placed on a command line; only the count is shown.
 */
export function revokeSessionsCommands(compose: string): { count: string; revoke: string } {
  const scan = `redis-cli --scan --pattern 'session:*' | grep -E '${AUTH_SESSION_ERE}'`;
  return {
    count: `${compose} exec -T -e REDISCLI_AUTH redis sh -c "${scan} | wc -l"`,
    revoke: `${compose} exec -T -e REDISCLI_AUTH redis sh -c "${scan} | sed 's/^/UNLINK /' | redis-cli | grep -c '^1\\$'"`,
  };
}

/** Runs SQL through the postgres container's local socket as the bootstrap user (facts §7.1); SQL on stdin. */
export function psqlCommand(compose: string, sql: string, outFile?: string): string {
  const out = outFile === undefined ? '' : ` > ${shQuote(outFile)}`;
  return `${compose} exec -T postgres sh -c 'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d roundtable' <<'SQL'${out}\n${sql}\nSQL`;
}

export const REVOKE_SHARE_LINKS_SQL = 'UPDATE share_tokens SET revoked_at = now() WHERE revoked_at IS NULL;';

export const DATA_ACCESS_LOG_SQL =
  'SELECT created_at, action, resource_type, resource_id, ip_address FROM data_access_logs ORDER BY created_at DESC LIMIT 200;';

/** `--since/--until` arguments for `docker compose logs` (RFC 3339, which compose accepts). */
export function logWindow(since: string | null, until: string | null): string {
  const parts: string[] = [];
  if (since) parts.push(`--since ${shQuote(since)}`);
  if (until) parts.push(`--until ${shQuote(until)}`);
  return parts.join(' ');
}
