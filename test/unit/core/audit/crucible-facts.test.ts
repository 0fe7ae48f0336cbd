import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Environment } from '../../../../electron/common/model/deployment';
import { buildAuditContext } from '../../../../electron/core/audit/context';
import { auditRules } from '../../../../electron/core/audit/rules';
import { crucibleFactsRules } from '../../../../electron/core/audit/rules/crucible-facts';
import { key, sets, target } from './helpers';
import { crucibleCeProfile } from '../../../../electron/core/stack/crucible-ce';

// The issue-22 rules over real folders: a compose file and a .env in a temp folder, read by the audit's own
// context builder (compose loading and interpolation included).

const HASH = '$2b$12$' + 'CANARYhash'.repeat(5) + 'abc'; // 60 characters, the shape Crucible accepts
const API_ENV = ['ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', 'ROUNDTABLE_CORS_ORIGINS'];

function folder(dotenv: string, api: { entries?: string[]; mountEnv?: boolean; envFile?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cs-facts-'));
  const entries = api.entries ?? API_ENV.map((n) => `${n}=\${${n}}`);
  const compose = [
    'services:',
    '  api:',
    '    image: ghcr.io/roundtable-labs/crucible-api:1.0.0',
    '    ports:',
    '      - "127.0.0.1:8000:8000"',
    ...(entries.length > 0 ? ['    environment:', ...entries.map((e) => `      - ${e}`)] : []),
    ...(api.mountEnv ? ['    volumes:', '      - ./.env:/app/.env:ro'] : []),
    ...(api.envFile ? ['    env_file: .env'] : []),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'docker-compose.yml'), compose);
  writeFileSync(join(dir, '.env'), dotenv);
  chmodSync(join(dir, '.env'), 0o600);
  return dir;
}

async function run(dir: string, environment: Environment = 'production') {
  const ctx = await buildAuditContext(target(dir, environment), {
    fingerprintKey: key,
    secretVariables: sets.secret,
    requiredVariables: sets.required,
    profile: crucibleCeProfile,
    gitBinary: null,
  });
  return crucibleFactsRules.flatMap((r) => r.run(ctx));
}

describe('a damaged login hash', () => {
  it('is reported when the api receives a value that starts like a bcrypt hash but is not 60 characters', async () => {
    const damaged = HASH.slice(0, 59);
    const got = await run(folder(`ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='${damaged}'\n`));
    const f = got.filter((x) => x.code === 'KNOWN_LOGIN_HASH_READ_AS_PLAIN_TEXT');
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('error');
    expect(f[0]?.evidence).toBe('value from docker-compose.yml:7: 59 characters, starts with $2, not a bcrypt hash');
    expect(f[0]?.message).toContain('docs/crucible.md#a-damaged-login-hash');
    expect(JSON.stringify(got)).not.toContain('CANARY');
  });

  it('is reported from a mounted .env when compose passes no entry', async () => {
    const got = await run(folder(`ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='${HASH}x'\n`, { entries: [], mountEnv: true }));
    expect(got.find((x) => x.code === 'KNOWN_LOGIN_HASH_READ_AS_PLAIN_TEXT')?.evidence).toContain(
      '.env (mounted into the api): 61 characters',
    );
  });

  it('is not reported for an intact hash, for a plain password (check-env reports that), or when the api does not receive it', async () => {
    expect(await run(folder(`ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='${HASH}'\n`))).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ code: 'KNOWN_LOGIN_HASH_READ_AS_PLAIN_TEXT' })]),
    );
    expect(
      (await run(folder("ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='correct-horse-battery'\n"))).map((f) => f.code),
    ).not.toContain('KNOWN_LOGIN_HASH_READ_AS_PLAIN_TEXT');
    expect(
      (await run(folder(`ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='${HASH.slice(0, 40)}'\n`, { entries: [] }))).map(
        (f) => f.code,
      ),
    ).not.toContain('KNOWN_LOGIN_HASH_READ_AS_PLAIN_TEXT');
  });
});

describe('CORS origins with two labels', () => {
  const codes = async (cors: string) =>
    (await run(folder(`ROUNDTABLE_CORS_ORIGINS=${cors}\n`))).filter((f) => f.code === 'KNOWN_CORS_ADMITS_SUBDOMAINS');

  it('warn for each origin whose host has two labels, as Crucible parses the list (scheme added, port kept)', async () => {
    const got = await codes('example.org, https://crucible.example.org,https://example.net:8443');
    expect(got.map((f) => [f.severity, f.title])).toEqual([
      ['warning', 'CORS origin https://example.org also admits every *.example.org origin'],
      ['warning', 'CORS origin https://example.net:8443 also admits every *.example.net:8443 origin'],
    ]);
    expect(got[0]?.evidence).toBe('ROUNDTABLE_CORS_ORIGINS from docker-compose.yml:8 includes https://example.org');
    expect(got[0]?.message).toContain('docs/crucible.md#cors-and-subdomains');
  });

  it('read the value an env_file hands the api, and say so', async () => {
    const got = await run(folder('ROUNDTABLE_CORS_ORIGINS=https://example.org\n', { entries: [], envFile: true }));
    expect(got.find((f) => f.code === 'KNOWN_CORS_ADMITS_SUBDOMAINS')?.evidence).toBe(
      'ROUNDTABLE_CORS_ORIGINS from .env (env_file) includes https://example.org',
    );
    expect(
      (await run(folder('ROUNDTABLE_CORS_ORIGINS=https://example.org\n', { entries: [] }))).map((f) => f.code),
    ).not.toContain('KNOWN_CORS_ADMITS_SUBDOMAINS');
  });

  it('read a JSON list without adding a scheme, like parse_cors_origins', async () => {
    expect((await codes('\'["https://app.example.org", "example.org"]\'')).length).toBe(0);
    expect((await codes('\'["https://app.example.org", "https://example.org"]\'')).map((f) => f.evidence)).toEqual([
      'ROUNDTABLE_CORS_ORIGINS from docker-compose.yml:8 includes https://example.org',
    ]);
  });

  it('stay quiet for full host names, localhost and the stock hard-coded value', async () => {
    expect(await codes('https://crucible.example.org')).toEqual([]);
    expect(await codes('http://localhost:3000')).toEqual([]);
    const stock = await run(
      folder('ROUNDTABLE_CORS_ORIGINS=https://example.org\n', {
        entries: ['ROUNDTABLE_CORS_ORIGINS=http://localhost:3000'],
      }),
    );
    expect(stock.map((f) => f.code)).not.toContain('KNOWN_CORS_ADMITS_SUBDOMAINS');
  });
});

describe('partial secrets in the api logs', () => {
  const logs = async (entries: string[], environment: Environment = 'production') =>
    (await run(folder('', { entries }), environment)).filter((f) => f.code === 'KNOWN_LOGS_PARTIAL_SECRETS');

  it("mention the provider-key prefix at Crucible's default level INFO", async () => {
    const [f] = await logs([]);
    expect(f?.severity).toBe('info');
    expect(f?.title).toContain('provider keys and of unknown session tokens');
    expect(f?.evidence).toBe("ROUNDTABLE_LOG_LEVEL not received by the api: Crucible's default INFO");
    expect(f?.message).toContain('service/app/api/routers/intake.py, line 699');
    expect(f?.message).toContain('docs/crucible.md#partial-secrets-in-logs-and-responses');
  });

  it('mention only the session-token prefix at WARNING, and nothing at ERROR or in development', async () => {
    const [w] = await logs(['ROUNDTABLE_LOG_LEVEL=warning']);
    expect(w?.title).toBe('Known issue: the api logs the first 16 characters of unknown session tokens');
    expect(w?.evidence).toBe('ROUNDTABLE_LOG_LEVEL=warning from docker-compose.yml:7');
    expect(await logs(['ROUNDTABLE_LOG_LEVEL=ERROR'])).toEqual([]);
    expect(await logs([], 'development')).toEqual([]);
  });

  it('treat an unknown level name as INFO, as configure_logging does', async () => {
    expect((await logs(['ROUNDTABLE_LOG_LEVEL=verbose']))[0]?.title).toContain('provider keys');
  });
});

it('the rules are registered in the audit', () => {
  for (const r of crucibleFactsRules) expect(auditRules).toContain(r);
});
