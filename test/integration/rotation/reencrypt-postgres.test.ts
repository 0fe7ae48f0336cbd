import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deriveCrucibleFernetKey, fernetDecrypt, fernetEncrypt } from '../../../electron/core/crypto/fernet';
import { EXPORT_SELECT } from '../../../electron/core/rotation/reencrypt';
import { runReencryptionJob } from '../../../electron/core/rotation/reencrypt-job';
import { startThrowawayPg, type ThrowawayPg } from '../../harness/pg-throwaway';

/**
 * Re-encryption against a real PostgreSQL 15 (throwaway cluster) with Debian's python3-cryptography as the
 * peer that plays Crucible: it makes the stored tokens under the old key and reads them back under the new one.
 */
const PY = fileURLToPath(new URL('./crucible_encryption.py', import.meta.url));
const OLD = randomBytes(32).toString('base64url');
const NEW = randomBytes(32).toString('base64url');
const DB = 'roundtable';

type Plain = Record<string, Record<string, string>>;

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller states the reply's shape
function python<T>(req: unknown): T {
  return JSON.parse(execFileSync('/usr/bin/python3', [PY], { input: JSON.stringify(req), encoding: 'utf8' })) as T;
}

let pg: ThrowawayPg;
let work: string;

beforeAll(() => {
  pg = startThrowawayPg();
  pg.query('postgres', `CREATE DATABASE ${DB}`);
}, 60_000);

afterAll(() => {
  pg.stop();
});

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'cs-reenc-'));
  pg.query(
    DB,
    'DROP TABLE IF EXISTS user_settings; CREATE TABLE user_settings (id uuid PRIMARY KEY, user_id uuid UNIQUE, provider_api_keys json, updated_at timestamptz);',
  );
  return () => rmSync(work, { recursive: true, force: true });
});

/** Inserts rows whose provider_api_keys text is exactly `texts[id]`. */
function seed(texts: Record<string, string | null>): void {
  const sql = Object.entries(texts)
    .map(
      ([id, t]) =>
        `INSERT INTO user_settings VALUES ('${id}', '${randomUUID()}', ${t === null ? 'NULL' : `'${t.replace(/'/g, "''")}'::json`}, now() - interval '1 day');`,
    )
    .join('\n');
  const r = pg.psql(DB, [], sql);
  expect(r.status, r.stderr).toBe(0);
}

function stored(): Record<string, string | null> {
  const out = pg.query(DB, "SELECT coalesce(json_object_agg(id, provider_api_keys::text), '{}') FROM user_settings");
  return JSON.parse(out) as Record<string, string | null>;
}

/** The export, exactly as the admin's command produces it (same SELECT, -At), minus `docker compose exec`. */
function exportTo(file: string): void {
  const r = pg.psql(DB, ['-At', '-c', `${EXPORT_SELECT};`]);
  expect(r.status, r.stderr).toBe(0);
  writeFileSync(file, r.stdout);
}

function plaintexts(): Plain {
  const id = () => randomUUID();
  return {
    [id()]: { openrouter: `sk-or-v1-${randomBytes(32).toString('hex')}` },
    [id()]: {
      openai: `sk-proj-${randomBytes(24).toString('base64url')}`,
      anthropic: `sk-ant-api03-${randomBytes(30).toString('base64url')}`,
    },
    [id()]: { 'it\'s a "custom" provider': 'short', éden_ai: `ed-${randomBytes(8).toString('hex')}` },
  };
}

describe('API_KEY_ENCRYPTION_KEY re-encryption against PostgreSQL 15', () => {
  it('rotates every stored key: Python reads them all back under the new key', async () => {
    const plain = plaintexts();
    const texts = python<Record<string, string>>({ op: 'encrypt', key: OLD, rows: plain });
    const emptyId = randomUUID();
    const nullId = randomUUID();
    seed({ ...texts, [emptyId]: '{}', [nullId]: null });

    const exportFile = join(work, 'export.json');
    const sqlFile = join(work, 'reencrypt.sql');
    exportTo(exportFile);
    const summary = await runReencryptionJob({ exportFile, sqlOut: sqlFile, oldKey: OLD, newKey: NEW });
    expect(summary).toMatchObject({ rows: 3, tokens: 5, legacy: 0 });

    const sql = readFileSync(sqlFile, 'utf8');
    for (const values of Object.values(plain)) for (const v of Object.values(values)) expect(sql).not.toContain(v);
    const applied = pg.psql(DB, [], sql);
    expect(applied.status, applied.stderr).toBe(0);

    const after = stored();
    expect(after[emptyId]).toBe('{}');
    expect(after[nullId]).toBeNull();
    const rows = Object.fromEntries(Object.keys(plain).map((id) => [id, after[id]]));
    expect(python<Plain>({ op: 'decrypt', key: NEW, rows })).toEqual(plain);
    // The old key no longer opens anything.
    const withOld = python<Record<string, Record<string, string | null>>>({ op: 'decrypt', key: OLD, rows });
    for (const r of Object.values(withOld)) for (const v of Object.values(r)) expect(v).toBeNull();
    // Same shape SQLAlchemy writes, and updated_at moved.
    for (const id of Object.keys(plain)) expect(after[id]).toMatch(/^\{"[^]*": "gAAAAA[^]*"\}$/);
    expect(pg.query(DB, "SELECT count(*) FROM user_settings WHERE updated_at > now() - interval '1 minute'")).toBe('3');
  });

  it('Node-made tokens open in Python and Python-made tokens open in Node', async () => {
    const key = await deriveCrucibleFernetKey(OLD);
    const id = randomUUID();
    const fromNode = JSON.stringify({ p: fernetEncrypt(key, 'node→python ✓') });
    expect(python<Plain>({ op: 'decrypt', key: OLD, rows: { [id]: fromNode } })).toEqual({
      [id]: { p: 'node→python ✓' },
    });
    const fromPy = python<Record<string, string>>({ op: 'encrypt', key: OLD, rows: { [id]: { p: 'python→node ✓' } } });
    const token = (JSON.parse(fromPy[id] ?? '') as { p: string }).p;
    expect(fernetDecrypt(key, token).toString('utf8')).toBe('python→node ✓');
  });

  it('a corrupted token aborts before anything is written, naming row and provider only', async () => {
    const plain = plaintexts();
    const texts = python<Record<string, string>>({ op: 'encrypt', key: OLD, rows: plain });
    const [victim] = Object.keys(plain);
    if (victim === undefined) throw new Error('no rows');
    const obj = JSON.parse(texts[victim] ?? '') as Record<string, string>;
    const token = obj.openrouter ?? '';
    obj.openrouter = token.slice(0, 50) + (token[50] === 'A' ? 'B' : 'A') + token.slice(51);
    texts[victim] = JSON.stringify(obj);
    seed(texts);
    const before = stored();

    const exportFile = join(work, 'export.json');
    const sqlFile = join(work, 'reencrypt.sql');
    exportTo(exportFile);
    const err = await runReencryptionJob({ exportFile, sqlOut: sqlFile, oldKey: OLD, newKey: NEW }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'ROTATION_TOKEN_UNDECRYPTABLE' });
    const msg = (err as Error).message;
    expect(msg).toContain(victim);
    expect(msg).toContain('"openrouter"');
    expect(msg).not.toContain(token.slice(0, 20));
    expect(msg).not.toContain(plain[victim]?.openrouter);
    expect(existsSync(sqlFile)).toBe(false);
    expect(stored()).toEqual(before);
  });

  it('a row changed between export and apply is not overwritten: the whole transaction fails', async () => {
    const plain = plaintexts();
    const texts = python<Record<string, string>>({ op: 'encrypt', key: OLD, rows: plain });
    seed(texts);
    const exportFile = join(work, 'export.json');
    const sqlFile = join(work, 'reencrypt.sql');
    exportTo(exportFile);
    await runReencryptionJob({ exportFile, sqlOut: sqlFile, oldKey: OLD, newKey: NEW });

    // A user saves a new key meanwhile (the API is supposed to be stopped, but we must not trust that).
    const ids = Object.keys(plain);
    const changedId = ids[1] ?? '';
    const userSaved = python<Record<string, string>>({
      op: 'encrypt',
      key: OLD,
      rows: { [changedId]: { openrouter: 'sk-or-v1-new-by-user' } },
    });
    pg.query(
      DB,
      `UPDATE user_settings SET provider_api_keys = '${userSaved[changedId] ?? ''}'::json WHERE id = '${changedId}'`,
    );
    const before = stored();

    const applied = pg.psql(DB, [], readFileSync(sqlFile, 'utf8'));
    expect(applied.status).not.toBe(0);
    expect(applied.stderr).toContain(`user_settings row ${changedId} changed since the export`);
    expect(stored()).toEqual(before);
    // Nothing moved to the new key: every row still opens with the old key only.
    expect(python<Plain>({ op: 'decrypt', key: OLD, rows: before })[changedId]).toEqual({
      openrouter: 'sk-or-v1-new-by-user',
    });
  });

  it('an export holding objects instead of text still guards each row (jsonb comparison)', async () => {
    const plain = plaintexts();
    seed(python<Record<string, string>>({ op: 'encrypt', key: OLD, rows: plain }));
    const objExport = pg.query(
      DB,
      "SELECT json_agg(json_build_object('id', id, 'provider_api_keys', provider_api_keys)) FROM user_settings",
    );
    const exportFile = join(work, 'export.json');
    const sqlFile = join(work, 'reencrypt.sql');
    writeFileSync(exportFile, objExport);
    await runReencryptionJob({ exportFile, sqlOut: sqlFile, oldKey: OLD, newKey: NEW });
    const applied = pg.psql(DB, [], readFileSync(sqlFile, 'utf8'));
    expect(applied.status, applied.stderr).toBe(0);
    const after = stored();
    const rows = Object.fromEntries(Object.keys(plain).map((id) => [id, after[id]]));
    expect(python<Plain>({ op: 'decrypt', key: NEW, rows })).toEqual(plain);
  });
});
