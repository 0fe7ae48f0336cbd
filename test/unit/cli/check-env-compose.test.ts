import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { Finding } from '../../../electron/common/model/finding';

/** Issue 23: check-env reads the compose files next to the `.env` for the variables they require with ${VAR:?}. */
async function checkEnvJson(
  files: Record<string, string>,
  environment: string,
): Promise<{ code: number; findings: Finding[] }> {
  const d = mkdtempSync(join(tmpdir(), 'cs-cli-compose-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text, { mode: 0o600 });
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  const io = { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {} };
  const code = await runCli(['check-env', join(d, '.env'), '--environment', environment, '--json'], io, {
    coreFactory: () => {
      throw new Error('check-env must not need the state folder');
    },
  });
  const parsed = JSON.parse(out) as { findings: unknown[] };
  return { code, findings: parsed.findings.map((f) => Finding.parse(f)) };
}

const env = "ROUNDTABLE_CORS_ORIGINS=''\nROUNDTABLE_ENVIRONMENT='local'\n";
const compose =
  'services:\n  api:\n    image: x\n    environment:\n      - ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:?set ROUNDTABLE_CORS_ORIGINS in .env}\n';

describe('crucible-secrets check-env next to compose files', () => {
  it('an empty variable the compose file requires with ${VAR:?} is an error that blocks the start', async () => {
    const r = await checkEnvJson({ '.env': env, 'docker-compose.yml': compose }, 'development');
    expect(r.code).toBe(2);
    expect(
      r.findings.find((f) => f.code === 'ENV_MISSING_REQUIRED' && f.variable === 'ROUNDTABLE_CORS_ORIGINS'),
    ).toMatchObject({ severity: 'error', blocksStart: true });
  });

  it('without such a compose file the same .env is only advised about in development', async () => {
    const r = await checkEnvJson({ '.env': env }, 'development');
    expect(
      r.findings.find((f) => f.code === 'ENV_MISSING_REQUIRED' && f.variable === 'ROUNDTABLE_CORS_ORIGINS'),
    ).toMatchObject({ severity: 'warning', blocksStart: false });
  });
});
