import { AppError } from '../../common/errors';
import {
  deriveCrucibleFernetKey,
  fernetDecrypt,
  fernetEncrypt,
  legacyXorDecrypt,
  parseFernetKey,
  type FernetDeps,
} from '../crypto/fernet';

/**
 * Re-encryption of `user_settings.provider_api_keys` for an `API_KEY_ENCRYPTION_KEY` rotation
 * (crucible-facts.md §5.1–5.8). Pure: reads the export text, returns the SQL text. Nothing is written
 * unless every token decrypted and every new token round-tripped.
 */

export const ReencryptErrorCode = {
  ExportInvalid: 'ROTATION_EXPORT_INVALID',
  TokenUndecryptable: 'ROTATION_TOKEN_UNDECRYPTABLE',
  RoundTripFailed: 'ROTATION_ROUND_TRIP_FAILED',
  SameKey: 'ROTATION_SAME_KEY',
} as const;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** One row of the export: the stored JSON text and what it parsed to. */
export interface ExportRow {
  id: string;
  /** The column's text. Exact bytes when the export gave it as a string (`provider_api_keys::text`). */
  oldText: string;
  /** True when `oldText` is the stored text byte for byte; false when the export held a JSON object. */
  exact: boolean;
  values: Record<string, unknown>;
}

/** Shows a client-chosen provider name safely in a message (quoted, control characters escaped, bounded). */
function showName(name: string): string {
  const s = JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
  return s;
}

/**
 * Parses the export file: a JSON array of `{"id", "provider_api_keys"}` where `provider_api_keys` is the
 * stored JSON text (preferred: the guard then compares byte for byte) or the JSON object itself.
 * Rows whose value is null, `null` or `{}` are dropped (nothing to re-encrypt).
 * @throws AppError ROTATION_EXPORT_INVALID naming the first problem (never a value).
 */
export function parseUserSettingsExport(text: string): ExportRow[] {
  const bad = (what: string) =>
    new AppError(
      ReencryptErrorCode.ExportInvalid,
      `The export file is not usable: ${what}. Produce it with the export command the app gives.`,
    );
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw bad('it is not valid JSON');
  }
  if (doc === null) doc = []; // json_agg over no rows without coalesce
  if (!Array.isArray(doc)) throw bad('it must be a JSON array of {"id", "provider_api_keys"} objects');
  const rows: ExportRow[] = [];
  const seen = new Set<string>();
  doc.forEach((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw bad(`entry ${i + 1} is not an object`);
    const rec = item as Record<string, unknown>;
    const id = rec.id;
    if (typeof id !== 'string' || !UUID.test(id)) throw bad(`entry ${i + 1} has no valid "id" (a UUID)`);
    if (seen.has(id.toLowerCase())) throw bad(`row ${id} appears twice`);
    seen.add(id.toLowerCase());
    if (!('provider_api_keys' in rec)) throw bad(`row ${id} has no "provider_api_keys"`);
    const raw = rec.provider_api_keys;
    if (raw === null) return;
    let values: unknown;
    let oldText: string;
    let exact: boolean;
    if (typeof raw === 'string') {
      oldText = raw;
      exact = true;
      try {
        values = JSON.parse(raw);
      } catch {
        throw bad(`row ${id}: "provider_api_keys" is not JSON text`);
      }
    } else {
      values = raw;
      oldText = pythonJsonDumps(raw);
      exact = false;
    }
    if (values === null) return;
    if (typeof values !== 'object' || Array.isArray(values))
      throw bad(`row ${id}: "provider_api_keys" is not a JSON object`);
    if (Object.keys(values).length === 0) return;
    rows.push({ id, oldText, exact, values: values as Record<string, unknown> });
  });
  return rows;
}

/** One planned UPDATE. */
export interface RowChange {
  id: string;
  oldText: string;
  exact: boolean;
  newText: string;
  providers: string[];
}

export interface ReencryptOptions {
  /** The old `API_KEY_ENCRYPTION_KEY` exactly as the containers see it. */
  oldKey: string;
  newKey: string;
  /** Called with every plaintext provider key met, so the caller can register it with the log redactor. */
  onSecret?: (value: string) => void;
  fernet?: FernetDeps;
}

export interface ReencryptResult {
  changes: RowChange[];
  /** Fernet tokens re-encrypted. */
  tokens: number;
  /** Values that were in Crucible's legacy XOR format (now upgraded to Fernet). */
  legacy: number;
  sql: string;
}

/** Plausible plaintext for a legacy XOR value: printable ASCII without spaces, as API keys are (§5.3). */
function plausibleApiKey(s: string): boolean {
  return s.length >= 8 && s.length <= 1024 && /^[\x21-\x7e]+$/.test(s);
}

/**
 * Decrypts every value with the old key (Fernet; Crucible's legacy XOR only for values that are not
 * Fernet-shaped and give a plausible key), re-encrypts with the new key, checks each round trip and
 * builds the SQL script. Throws before anything is produced if any single value fails.
 * @throws AppError ROTATION_TOKEN_UNDECRYPTABLE naming the row id and provider (never the token or plaintext);
 *   ROTATION_EXPORT_INVALID for a non-string value; ROTATION_SAME_KEY when old and new keys are equal;
 *   ROTATION_ROUND_TRIP_FAILED if a new token does not decrypt back to the same plaintext.
 */
export async function reencryptExport(rows: readonly ExportRow[], opts: ReencryptOptions): Promise<ReencryptResult> {
  if (opts.oldKey === opts.newKey) {
    throw new AppError(
      ReencryptErrorCode.SameKey,
      'The new API_KEY_ENCRYPTION_KEY equals the old one; generate a new value.',
    );
  }
  const oldFernet = parseFernetKey(await deriveCrucibleFernetKey(opts.oldKey));
  const newFernet = parseFernetKey(await deriveCrucibleFernetKey(opts.newKey));
  const changes: RowChange[] = [];
  let tokens = 0;
  let legacy = 0;
  for (const row of rows) {
    const out: Record<string, unknown> = {};
    for (const [provider, value] of Object.entries(row.values)) {
      if (value === null) {
        out[provider] = null;
        continue;
      }
      if (typeof value !== 'string') {
        throw new AppError(
          ReencryptErrorCode.ExportInvalid,
          `Row ${row.id}, provider ${showName(provider)}: the stored value is not a string, so it is not a Crucible ciphertext. Nothing was written.`,
        );
      }
      let plain: string | null = null;
      try {
        plain = fernetDecrypt(oldFernet, value).toString('utf8');
        tokens++;
      } catch {
        if (!value.startsWith('gAAAAA')) {
          const guess = legacyXorDecrypt(opts.oldKey, value);
          if (guess !== null && plausibleApiKey(guess)) {
            plain = guess;
            legacy++;
          }
        }
      }
      if (plain === null) {
        throw new AppError(
          ReencryptErrorCode.TokenUndecryptable,
          `Row ${row.id}, provider ${showName(provider)}: the stored key does not decrypt with the current API_KEY_ENCRYPTION_KEY. ` +
            'Nothing was written. Check that the old key is exactly what the containers use, or have that user re-enter the key and export again.',
        );
      }
      opts.onSecret?.(plain);
      const token = fernetEncrypt(newFernet, plain, opts.fernet);
      let back: string | null;
      try {
        back = fernetDecrypt(newFernet, token).toString('utf8');
      } catch {
        back = null;
      }
      if (back !== plain) {
        throw new AppError(
          ReencryptErrorCode.RoundTripFailed,
          `Row ${row.id}, provider ${showName(provider)}: the new token did not decrypt back. Nothing was written.`,
        );
      }
      out[provider] = token;
    }
    changes.push({
      id: row.id,
      oldText: row.oldText,
      exact: row.exact,
      newText: pythonJsonDumps(out),
      providers: Object.keys(row.values),
    });
  }
  return { changes, tokens, legacy, sql: buildReencryptionSql(changes) };
}

/** A SQL string literal: single quotes doubled (standard_conforming_strings is forced on by the script). */
export function sqlLiteral(s: string): string {
  if (s.includes('\u0000'))
    throw new AppError(
      ReencryptErrorCode.ExportInvalid,
      'A value contains a NUL character, which PostgreSQL text cannot hold.',
    );
  return `'${s.replace(/'/g, "''")}'`;
}

/** A dollar-quote tag that does not occur in the body. */
function dollarTag(body: string): string {
  let n = 0;
  for (;;) {
    const tag = n === 0 ? '$rotation$' : `$rotation${n}$`;
    if (!body.includes(tag)) return tag;
    n++;
  }
}

/**
 * Builds one script: every UPDATE in a single transaction, each guarded by the row's old value and
 * checked to touch exactly one row (`GET DIAGNOSTICS`); any mismatch raises, so the transaction
 * aborts and COMMIT turns into ROLLBACK — a row changed since the export is never overwritten.
 */
export function buildReencryptionSql(changes: readonly RowChange[]): string {
  const body: string[] = [];
  for (const c of changes) {
    const guard = c.exact
      ? `provider_api_keys::text = ${sqlLiteral(c.oldText)}`
      : `provider_api_keys::jsonb = ${sqlLiteral(c.oldText)}::jsonb`;
    body.push(
      `  UPDATE user_settings SET provider_api_keys = ${sqlLiteral(c.newText)}::json, updated_at = now() WHERE id = ${sqlLiteral(c.id)} AND ${guard};`,
      '  GET DIAGNOSTICS n = ROW_COUNT;',
      `  IF n <> 1 THEN RAISE EXCEPTION 'user_settings row % changed since the export (or is gone); nothing was written. Export again and re-run.', ${sqlLiteral(c.id)}; END IF;`,
    );
  }
  const inner = body.join('\n');
  const tag = dollarTag(inner);
  return [
    '-- Crucible Secrets: re-encryption of user_settings.provider_api_keys for an API_KEY_ENCRYPTION_KEY rotation.',
    `-- ${changes.length} row(s). Apply with psql -v ON_ERROR_STOP=1 while api, worker, beat and frontend are stopped.`,
    '-- All or nothing: if any row changed since the export, the whole transaction is rolled back.',
    "SET client_encoding = 'UTF8';",
    'SET standard_conforming_strings = on;',
    'BEGIN;',
    `DO ${tag}`,
    'DECLARE n integer;',
    'BEGIN',
    inner,
    'END',
    `${tag};`,
    'COMMIT;',
    '',
  ].join('\n');
}

/**
 * Serialises like Python's `json.dumps` with defaults (what SQLAlchemy writes into the column):
 * `", "` and `": "` separators, non-ASCII and DEL escaped as lowercase `\uXXXX`.
 */
export function pythonJsonDumps(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return pyString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pythonJsonDumps).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyString(k)}: ${pythonJsonDumps(x)}`)
      .join(', ')}}`;
  }
  throw new AppError(ReencryptErrorCode.ExportInvalid, 'A value cannot be represented as JSON.');
}

function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s.charAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** The SELECT that exports the rows as one JSON array, each value as the column's exact text. */
export const EXPORT_SELECT =
  "SELECT coalesce(json_agg(json_build_object('id', id, 'provider_api_keys', provider_api_keys::text) ORDER BY id), '[]'::json) " +
  "FROM user_settings WHERE provider_api_keys IS NOT NULL AND provider_api_keys::text NOT IN ('null', '{}')";

export interface ComposeCommandOptions {
  /** `-f <file>` when the deployment does not use the default `docker-compose.yml`. */
  composeFile?: string;
  /** The database user; when absent or unusual the command reads `$POSTGRES_USER` from the admin's shell. */
  postgresUser?: string;
}

function composePrefix(o: ComposeCommandOptions): string {
  const f = o.composeFile && /^[A-Za-z0-9._/-]+$/.test(o.composeFile) ? ` -f ${o.composeFile}` : '';
  return `docker compose${f}`;
}

function userArg(o: ComposeCommandOptions): string {
  return o.postgresUser && /^[A-Za-z0-9_]+$/.test(o.postgresUser) ? o.postgresUser : '"$POSTGRES_USER"';
}

/** The exact command the admin runs to produce the export file (one JSON array on one line). */
export function exportCommand(outFile: string, o: ComposeCommandOptions = {}): string {
  return `${composePrefix(o)} exec -T postgres psql -U ${userArg(o)} -d roundtable -v ON_ERROR_STOP=1 -At -c "${EXPORT_SELECT};" > ${shellWord(outFile)}`;
}

/** The exact command that applies the generated script (SQL on stdin, stops at the first error). */
export function applyCommand(sqlFile: string, o: ComposeCommandOptions = {}): string {
  return `${composePrefix(o)} exec -T postgres psql -U ${userArg(o)} -d roundtable -v ON_ERROR_STOP=1 < ${shellWord(sqlFile)}`;
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
