import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { cliIo, noCore } from '../../helpers/cli-io';

/** `proxy --apply-compose/--apply-env`: what the "HTTPS & network" page applies, from the command line. */
const FIXTURE = fileURLToPath(new URL('../../fixtures/proxy/stock-docker-compose.yml', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cs-proxy-apply-'));
  dirs.push(dir);
  copyFileSync(FIXTURE, join(dir, 'docker-compose.yml'));
  writeFileSync(
    join(dir, '.env'),
    "ROUNDTABLE_ENVIRONMENT='production'\nROUNDTABLE_FRONTEND_URL='http://localhost:3000'\n",
    { mode: 0o600 },
  );
  return dir;
}

/** Plan nginx for crucible.example.com and apply both the compose and the .env changes. */
function applyArgs(dir: string): string[] {
  return [
    'proxy',
    dir,
    '--server',
    'nginx',
    '--domain',
    'crucible.example.com',
    '--out',
    join(dir, 'c.conf'),
    '--apply-compose',
    '--apply-env',
  ];
}

describe('crucible-secrets proxy --apply-compose / --apply-env', () => {
  it('without them nothing is changed, and the output says which option applies the change', async () => {
    const dir = folder();
    const before = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
    const t = cliIo();
    expect(
      await runCli(
        [
          'proxy',
          dir,
          '--server',
          'nginx',
          '--domain',
          'crucible.example.com',
          '--compose-diff',
          '--out',
          join(dir, 'c.conf'),
        ],
        t.io,
        noCore,
      ),
    ).toBe(0);
    expect(t.out()).toContain('--apply-compose');
    expect(t.out()).not.toMatch(/the app applies/);
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toBe(before);
  });

  it('applies the compose changes and the .env follow-ups, keeping the previous files', async () => {
    const dir = folder();
    const home = mkdtempSync(join(tmpdir(), 'cs-proxy-apply-home-'));
    dirs.push(home);
    const t = cliIo({ CRUCIBLE_SECRETS_HOME: home });
    const code = await runCli(applyArgs(dir), t.io, noCore);
    expect(code, t.err()).toBe(0);
    const compose = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('127.0.0.1:8000:8000');
    expect(compose).toContain('${ROUNDTABLE_CORS_ORIGINS:-https://crucible.example.com}');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toMatch(
      /^ROUNDTABLE_FRONTEND_URL='?https:\/\/crucible\.example\.com'?$/m,
    );
    expect(t.out()).toContain('Applied to docker-compose.yml');
    expect(t.out()).toContain('.env updated:');
    expect(t.out()).toContain('docker compose up -d');
    // The previous compose file and .env are kept under the app home, not beside them where git could pick them up.
    expect(readdirSync(dir).sort()).toEqual(['.env', 'c.conf', 'docker-compose.yml']);
    expect(
      readdirSync(join(home, 'previous', 'proxy'))
        .map((n) => n.replace(/\.\d{8}T\d{9}Z(-\d+)?$/, ''))
        .sort(),
    ).toEqual(['.env', 'docker-compose.yml']);

    const again = cliIo({ CRUCIBLE_SECRETS_HOME: home });
    const code2 = await runCli(applyArgs(dir), again.io, noCore);
    expect(code2, again.err()).toBe(0);
    expect(again.out()).toContain('already match');
  });
});
