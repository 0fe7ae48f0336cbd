import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { buildAuditContext } from '../../../../electron/core/audit/context';
import { runAudit } from '../../../../electron/core/audit/run';
import type { AuditTarget } from '../../../../electron/core/audit/types';
import { parseEnv } from '../../../../electron/core/envfile';
import { planSetupComposeChanges } from '../../../../electron/core/setup/compose-env-fix';
import { crucibleCeProfile } from '../../../../electron/core/stack';
import { checkEnv } from '../../../../electron/core/validation';
import { key, materialise, sets, target } from './helpers';

const readers = crucibleCeProfile.mountedEnvReaders ?? [];

async function auditWithCheckEnv(t: AuditTarget) {
  const ctx = await buildAuditContext(t, {
    fingerprintKey: key,
    secretVariables: sets.secret,
    requiredVariables: sets.required,
    profile: crucibleCeProfile,
    others: [],
    gitBinary: null,
  });
  return runAudit(ctx, {
    validateEnv: (text, environment) =>
      checkEnv(parseEnv(text), { profile: crucibleCeProfile, environment, file: '.env' }),
  });
}

const codes = (r: Awaited<ReturnType<typeof auditWithCheckEnv>>, code: string) =>
  r.findings.filter((f) => f.code === code).map((f) => `${f.severity}:${f.service ?? f.variable ?? ''}`);

function setProdEnv(dir: string) {
  const envPath = join(dir, '.env');
  writeFileSync(
    envPath,
    `${readFileSync(envPath, 'utf8')}ROUNDTABLE_ENVIRONMENT=production\nROUNDTABLE_FRONTEND_URL=https://crucible.example.org\n`,
  );
}

describe('audit rules from what each container receives', () => {
  it('the stock prod file with a production .env: the api would run as local, and the rate limits reach nobody', async () => {
    const dir = materialise('stock-prod');
    setProdEnv(dir);
    const r = await auditWithCheckEnv(target(dir, 'production', ['docker-compose.prod.yml']));
    expect(codes(r, 'COMPOSE_API_NOT_PRODUCTION')).toEqual(['error:api']);
    const f = r.findings.find((x) => x.code === 'COMPOSE_API_NOT_PRODUCTION');
    expect(f?.message).toContain('docs/crucible.md#what-each-compose-file-passes');
    expect(f?.message).toContain('ROUNDTABLE_FRONTEND_URL');
    expect(codes(r, 'ENV_NO_EFFECT')).toEqual(
      expect.arrayContaining([
        'warning:ROUNDTABLE_ENVIRONMENT',
        'warning:ROUNDTABLE_FRONTEND_URL',
        'warning:ROUNDTABLE_ENABLE_RATE_LIMITING',
      ]),
    );
    expect(JSON.stringify(r)).not.toContain('CANARY');
  });

  it('after setup adds the production entries, neither finding remains', async () => {
    const dir = materialise('stock-prod');
    setProdEnv(dir);
    const file = join(dir, 'docker-compose.prod.yml');
    const text = readFileSync(file, 'utf8');
    const [change] = planSetupComposeChanges(
      [
        {
          name: 'docker-compose.prod.yml',
          role: 'production',
          text,
          sha256: createHash('sha256').update(text).digest('hex'),
        },
      ],
      [],
      readers,
    );
    writeFileSync(file, change?.after ?? text);
    const r = await auditWithCheckEnv(target(dir, 'production', ['docker-compose.prod.yml']));
    expect(codes(r, 'COMPOSE_API_NOT_PRODUCTION')).toEqual([]);
    expect(codes(r, 'ENV_NO_EFFECT').filter((c) => /ENVIRONMENT|FRONTEND_URL|RATE_LIMIT/.test(c))).toEqual([]);
  });

  it("the dev file mounts .env: nothing is lost, and check-env's compose-dependent ENV_NO_EFFECT gives way to the compose rules", async () => {
    const dir = materialise('stock-dev');
    writeFileSync(
      join(dir, '.env'),
      `${readFileSync(join(dir, '.env'), 'utf8')}ROUNDTABLE_ENVIRONMENT=production\nROUNDTABLE_DATABASE_URL=postgresql+asyncpg://u:p@db/x\nROUNDTABLE_ADMIN_USERNAME=root\n`,
    );
    const r = await auditWithCheckEnv(target(dir, 'production'));
    expect(codes(r, 'COMPOSE_API_NOT_PRODUCTION')).toEqual([]);
    const noEffect = codes(r, 'ENV_NO_EFFECT');
    // Read by no code at all: check-env's finding stays. Overridden by an entry: COMPOSE_ENV_OVERRIDES_DOTENV says it, once.
    expect(noEffect).toContain('info:ROUNDTABLE_ADMIN_USERNAME');
    expect(noEffect).not.toContain('info:ROUNDTABLE_DATABASE_URL');
    expect([...new Set(r.findings.filter((f) => f.variable === 'ROUNDTABLE_DATABASE_URL').map((f) => f.code))]).toEqual(
      ['COMPOSE_ENV_OVERRIDES_DOTENV'],
    );
  });

  it('a secret passed to a service that does not read it is reported as info, with the line', async () => {
    const dir = materialise('stock-prod');
    const file = join(dir, 'docker-compose.prod.yml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        /(\n {2}frontend:\n(?:.*\n)*? {4}environment:\n)/,
        '$1      - LEAK=${API_KEY_ENCRYPTION_KEY}\n',
      ),
    );
    const r = await auditWithCheckEnv(target(dir, 'production', ['docker-compose.prod.yml']));
    const f = r.findings.find((x) => x.code === 'COMPOSE_ENV_NOT_NEEDED');
    expect(f).toMatchObject({
      severity: 'info',
      service: 'frontend',
      variable: 'API_KEY_ENCRYPTION_KEY',
      file: 'docker-compose.prod.yml',
    });
    expect(f?.message).toContain('(as LEAK)');
    expect(codes(r, 'COMPOSE_ENV_NOT_NEEDED')).toEqual(['info:frontend']);
  });
});
