import { cliIo } from '../../helpers/cli-io';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../electron/cli/main';
import { createCoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { materialise } from '../core/audit/helpers';

const io = () => cliIo();

const core = () =>
  createCoreServices({
    home: mkdtempSync(join(tmpdir(), 'cs-cli-audit-')),
    logger: createLogger({ sink: nullSink }),
    platform: 'linux',
    keychain: new MemoryKeychain(),
  });
const cli = async (...argv: string[]) => {
  const t = io();
  const code = await runCli(argv, t.io, { coreFactory: core });
  return { code, out: t.out(), err: t.err() };
};

describe('crucible-secrets audit', () => {
  it('audits the stock dev deployment: errors → exit 2, text names codes and never values', async () => {
    const dir = materialise('stock-dev');
    const r = await cli('audit', dir);
    expect(r.code).toBe(2);
    expect(r.out).toContain('[COMPOSE_PORT_ALL_INTERFACES]');
    expect(r.out).toContain('[COMPOSE_ENV_FILE_MOUNTED]');
    expect(r.out).not.toContain('CANARY');
  });

  it('--json gives the findings and the exit code', async () => {
    const r = await cli(
      'audit',
      materialise('stock-prod'),
      '-f',
      'docker-compose.prod.yml',
      '--environment',
      'production',
      '--json',
    );
    const j = JSON.parse(r.out) as {
      exitCode: number;
      environment: string;
      files: string[];
      findings: Array<{ code: string }>;
    };
    expect(j.environment).toBe('production');
    expect(j.files).toEqual(['.env', 'docker-compose.prod.yml']);
    expect(j.findings.map((f) => f.code)).toContain('COMPOSE_IMAGE_UNPINNED');
    expect(j.exitCode).toBe(r.code);
    expect(r.out).not.toContain('CANARY');
  });

  it('--fail-on decides which severities fail the pipeline', async () => {
    // The ports fixture after the errors are gone would be warnings only; the override fixture has a critical.
    expect((await cli('audit', materialise('override'), '--fail-on', 'error')).code).toBe(2);
    const warnOnly = materialise('ports-all-syntaxes');
    expect((await cli('audit', warnOnly, '--fail-on', 'warning')).code).toBe(2);
  });

  it('warnings alone: exit 1 with --fail-on warning, 0 with --fail-on error', async () => {
    const { auditExitCode } = await import('../../../electron/cli/commands/audit');
    const w = [{ code: 'X', severity: 'warning' as const, title: '', message: '', howToFix: '' }];
    const i = [{ code: 'X', severity: 'info' as const, title: '', message: '', howToFix: '' }];
    expect(auditExitCode(w, 'warning')).toBe(1);
    expect(auditExitCode(w, 'error')).toBe(0);
    expect(auditExitCode(w, undefined)).toBe(1);
    expect(auditExitCode(i, 'warning')).toBe(0);
  });

  it('refuses bad usage', async () => {
    expect((await cli('audit')).code).toBe(64);
    expect((await cli('audit', '/tmp', '--fail-on', 'info')).code).toBe(64);
    expect((await cli('audit', '/nonexistent-folder-xyz')).code).toBe(65);
  });
});
