import { describe, expect, it } from 'vitest';
import { deriveCrucibleFernetKey, fernetDecrypt, fernetEncrypt } from '../../../electron/core/crypto/fernet';
import {
  buildReencryptionSql,
  exportCommand,
  parseUserSettingsExport,
  pythonJsonDumps,
  reencryptExport,
  sqlLiteral,
  applyCommand,
} from '../../../electron/core/rotation/reencrypt';

const OLD = 'old-key-Ak3xQ9mZ0pL7sT2vB8nC4dF6gH1jK5qW';
const NEW = 'new-key-Zq8wE2rT5yU7iO9pA1sD3fG4hJ6kL0xC';
const ID1 = '11111111-1111-4111-8111-111111111111';
const ID2 = '22222222-2222-4222-8222-222222222222';
const CANARY = 'sk-or-v1-CANARY0123456789abcdef';

async function token(key: string, plain: string): Promise<string> {
  return fernetEncrypt(await deriveCrucibleFernetKey(key), plain);
}

describe('parseUserSettingsExport', () => {
  it('keeps the stored text byte for byte when given as a string', () => {
    const text = '{"openrouter": "gAAAAA-x",  "openai":"y"}';
    const rows = parseUserSettingsExport(JSON.stringify([{ id: ID1, provider_api_keys: text }]));
    expect(rows).toEqual([{ id: ID1, oldText: text, exact: true, values: { openrouter: 'gAAAAA-x', openai: 'y' } }]);
  });

  it('accepts objects (guard then compares as jsonb)', () => {
    const rows = parseUserSettingsExport(JSON.stringify([{ id: ID1, provider_api_keys: { a: 'b' } }]));
    expect(rows[0]).toMatchObject({ exact: false, oldText: '{"a": "b"}' });
  });

  it('drops empty rows and accepts null (json_agg of no rows)', () => {
    expect(parseUserSettingsExport('null')).toEqual([]);
    expect(
      parseUserSettingsExport(
        JSON.stringify([
          { id: ID1, provider_api_keys: '{}' },
          { id: ID2, provider_api_keys: null },
        ]),
      ),
    ).toEqual([]);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['not an array', '{}', /JSON array/],
    ['bad id', JSON.stringify([{ id: "1' OR 1=1", provider_api_keys: '{}' }]), /valid "id"/],
    [
      'duplicate id',
      JSON.stringify([
        { id: ID1, provider_api_keys: '{}' },
        { id: ID1, provider_api_keys: '{}' },
      ]),
      /twice/,
    ],
    ['array value', JSON.stringify([{ id: ID1, provider_api_keys: '[1]' }]), /not a JSON object/],
  ])('refuses %s', (_, text, msg) => {
    expect(() => parseUserSettingsExport(text)).toThrow(msg);
  });
});

describe('reencryptExport', () => {
  it('re-encrypts every value under the new key and guards with the old text', async () => {
    const t1 = await token(OLD, CANARY);
    const t2 = await token(OLD, 'sk-ant-second-key-000');
    const oldText = `{"openrouter": "${t1}", "Weird 'name'": "${t2}"}`;
    const rows = parseUserSettingsExport(JSON.stringify([{ id: ID1, provider_api_keys: oldText }]));
    const seen: string[] = [];
    const r = await reencryptExport(rows, { oldKey: OLD, newKey: NEW, onSecret: (v) => seen.push(v) });
    expect(r.tokens).toBe(2);
    expect(seen).toEqual([CANARY, 'sk-ant-second-key-000']);
    const newValues = JSON.parse(r.changes[0]?.newText ?? '') as Record<string, string>;
    const newKey = await deriveCrucibleFernetKey(NEW);
    expect(fernetDecrypt(newKey, newValues.openrouter ?? '').toString()).toBe(CANARY);
    expect(fernetDecrypt(newKey, newValues["Weird 'name'"] ?? '').toString()).toBe('sk-ant-second-key-000');
    expect(r.sql).toContain(`provider_api_keys::text = ${sqlLiteral(oldText)}`);
    expect(r.sql).toContain("\"Weird ''name''\"");
    expect(r.sql).not.toContain(CANARY);
    expect(r.sql).toMatch(/^BEGIN;$/m);
    expect(r.sql).toMatch(/GET DIAGNOSTICS n = ROW_COUNT/);
    expect(r.sql).toMatch(/COMMIT;\n$/);
  });

  it('upgrades a legacy XOR value when the result is plausible', async () => {
    const kb = Buffer.alloc(32, 0x30);
    Buffer.from(OLD).copy(kb);
    const plain = 'sk-legacy-0123456789';
    const legacy = Buffer.from(Array.from(Buffer.from(plain), (b, i) => b ^ (kb[i % 32] ?? 0))).toString('base64');
    const rows = parseUserSettingsExport(
      JSON.stringify([{ id: ID1, provider_api_keys: JSON.stringify({ openai: legacy }) }]),
    );
    const r = await reencryptExport(rows, { oldKey: OLD, newKey: NEW });
    expect(r.legacy).toBe(1);
    const v = (JSON.parse(r.changes[0]?.newText ?? '') as { openai: string }).openai;
    expect(fernetDecrypt(await deriveCrucibleFernetKey(NEW), v).toString()).toBe(plain);
  });

  it('stops on a token made with another key, naming row and provider but no value', async () => {
    const good = await token(OLD, CANARY);
    const bad = await token('some-other-key', 'sk-secret-PLAINTEXT');
    const rows = parseUserSettingsExport(
      JSON.stringify([
        { id: ID1, provider_api_keys: JSON.stringify({ openrouter: good }) },
        { id: ID2, provider_api_keys: JSON.stringify({ anthropic: bad }) },
      ]),
    );
    const err = await reencryptExport(rows, { oldKey: OLD, newKey: NEW }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ROTATION_TOKEN_UNDECRYPTABLE' });
    const msg = (err as Error).message;
    expect(msg).toContain(ID2);
    expect(msg).toContain('"anthropic"');
    for (const leak of [bad, good, CANARY, 'PLAINTEXT', OLD, NEW]) expect(msg).not.toContain(leak);
  });

  it('does not accept a Fernet-shaped value through the legacy path', async () => {
    const bad = (await token(OLD, CANARY)).replace(/^(.{60})./, '$1A');
    const rows = parseUserSettingsExport(JSON.stringify([{ id: ID1, provider_api_keys: JSON.stringify({ x: bad }) }]));
    await expect(reencryptExport(rows, { oldKey: OLD, newKey: NEW })).rejects.toMatchObject({
      code: 'ROTATION_TOKEN_UNDECRYPTABLE',
    });
  });

  it('refuses identical keys', async () => {
    await expect(reencryptExport([], { oldKey: OLD, newKey: OLD })).rejects.toMatchObject({
      code: 'ROTATION_SAME_KEY',
    });
  });
});

describe('SQL and commands', () => {
  it('picks a dollar tag absent from the body', () => {
    const sql = buildReencryptionSql([
      { id: ID1, oldText: '{"$rotation$": "a"}', exact: true, newText: '{"$rotation$": "b"}', providers: [] },
    ]);
    expect(sql).toContain('DO $rotation1$');
  });

  it('serialises like Python json.dumps', () => {
    expect(pythonJsonDumps({ a: 'é\u007f"\\', b: null })).toBe('{"a": "\\u00e9\\u007f\\"\\\\", "b": null}');
  });

  it('export command uses -At and an aggregate, apply command sends SQL on stdin', () => {
    expect(exportCommand('export.json', { postgresUser: 'abc123' })).toMatch(
      /^docker compose exec -T postgres psql -U abc123 -d roundtable -v ON_ERROR_STOP=1 -At -c "SELECT coalesce\(json_agg.*" > export.json$/,
    );
    expect(exportCommand('x.json')).toContain('-U "$POSTGRES_USER"');
    expect(applyCommand('my file.sql')).toMatch(/< 'my file.sql'$/);
  });
});
