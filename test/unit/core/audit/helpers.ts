import { chmodSync, copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { Environment } from '../../../../electron/common/model/deployment';
import { buildAuditContext } from '../../../../electron/core/audit/context';
import { runAudit } from '../../../../electron/core/audit/run';
import { secretVariablesFrom } from '../../../../electron/core/audit/secret-variables';
import type { AuditResult, AuditTarget } from '../../../../electron/core/audit/types';
import { crucibleCeProfile } from '../../../../electron/core/stack/crucible-ce';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/compose', import.meta.url));

/** Copies a fixture deployment to a temp folder: `dotenv` → `.env` (0600), `gitignore` → `.gitignore`. */
export function materialise(name: string, into?: string): string {
  const dir = into ?? mkdtempSync(join(tmpdir(), `cs-audit-${name}-`));
  for (const f of readdirSync(join(FIXTURES, name))) {
    if (f === 'expected.json') continue;
    const dest = f === 'dotenv' ? '.env' : f === 'gitignore' ? '.gitignore' : f;
    copyFileSync(join(FIXTURES, name, f), join(dir, dest));
    if (dest === '.env') chmodSync(join(dir, dest), 0o600);
  }
  return dir;
}

export function target(
  folder: string,
  environment: Environment = 'development',
  composeFiles: string[] = [],
  id = 'fixture-one',
): AuditTarget {
  return { id, name: id, folder, composeFiles, environment };
}

export const sets = secretVariablesFrom(crucibleCeProfile.variables);
export const key = randomBytes(32);

export async function audit(
  t: AuditTarget,
  others: AuditTarget[] = [],
  gitBinary: string | null = null,
): Promise<AuditResult> {
  const ctx = await buildAuditContext(t, {
    fingerprintKey: key,
    secretVariables: sets.secret,
    requiredVariables: sets.required,
    profile: crucibleCeProfile,
    others,
    gitBinary,
  });
  return runAudit(ctx);
}
