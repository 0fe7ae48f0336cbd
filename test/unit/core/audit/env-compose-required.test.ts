import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAuditContext } from '../../../../electron/core/audit/context';
import { runAudit } from '../../../../electron/core/audit/run';
import { parseEnv } from '../../../../electron/core/envfile';
import { crucibleCeProfile } from '../../../../electron/core/stack';
import { checkEnv } from '../../../../electron/core/validation';
import type { EnvValidator } from '../../../../electron/core/audit/env-adapter';
import { key, materialise, sets, target } from './helpers';

/** Issue 23: the audit's check-env part knows what the compose files require, so it never calls a start failure advice. */
describe('audit: variables the compose files require', () => {
  it('an empty ROUNDTABLE_CORS_ORIGINS behind ${…:?} is a start-blocking error from check-env too', async () => {
    const folder = materialise('stock-dev');
    const composePath = join(folder, 'docker-compose.yml');
    writeFileSync(
      composePath,
      readFileSync(composePath, 'utf8').replace(
        '- ROUNDTABLE_CORS_ORIGINS=http://localhost:3000',
        '- ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:?set it in .env}',
      ),
    );
    const envPath = join(folder, '.env');
    writeFileSync(
      envPath,
      `${readFileSync(envPath, 'utf8').replace(/^ROUNDTABLE_CORS_ORIGINS=.*\n/m, '')}ROUNDTABLE_CORS_ORIGINS=''\n`,
      { mode: 0o600 },
    );
    const ctx = await buildAuditContext(target(folder), {
      fingerprintKey: key,
      secretVariables: sets.secret,
      requiredVariables: sets.required,
      profile: crucibleCeProfile,
      others: [],
      gitBinary: null,
    });
    const validateEnv: EnvValidator = (text, environment, composeRequired) =>
      checkEnv(parseEnv(text), {
        profile: crucibleCeProfile,
        environment,
        file: '.env',
        ...(composeRequired ? { composeRequired } : {}),
      });
    const r = runAudit(ctx, { validateEnv });
    expect(r.findings.find((f) => f.code === 'COMPOSE_REQUIRED_VARIABLE_MISSING')?.severity).toBe('error');
    expect(
      r.findings.find((f) => f.code === 'ENV_MISSING_REQUIRED' && f.variable === 'ROUNDTABLE_CORS_ORIGINS'),
    ).toMatchObject({ severity: 'error', blocksStart: true });
  });
});
