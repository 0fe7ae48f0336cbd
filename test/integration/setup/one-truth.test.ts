import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { cliIo } from '../../helpers/cli-io';
import { createCoreServices, type CoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';

/**
 * Issue 17, item 1: a state the app just produced never fails its own audit, and every view says the same.
 * The genuine Crucible checkout (with docker-compose.prod.yml) is set up by `init` for production, then
 * the audit (as the Dashboard and Audit page get it), the CLI's `audit --json` and `check-env`, and the
 * Checklist are compared: no error anywhere, and the same findings and verdicts from each.
 */
const UPSTREAM = join(process.cwd(), '..', 'shared', 'upstream', 'crucible-community-2d1840e.tar.gz');
const PASSWORD = 'Lantern-Orbit-Meadow-Copper-42';
let root = '';
let folder = '';
let core: CoreServices;
const keychain = new MemoryKeychain();

async function cli(argv: string[], stdin = '') {
  const t = cliIo();
  t.io.stdin.end(stdin);
  const code = await runCli(argv, t.io, { coreFactory: () => core });
  return { code, out: t.out(), err: t.err() };
}

beforeAll(async () => {
  if (!existsSync(UPSTREAM)) return;
  root = mkdtempSync(join(tmpdir(), 'cs-one-truth-'));
  folder = join(root, 'crucible');
  mkdirSync(folder);
  execFileSync('tar', ['xzf', UPSTREAM, '-C', folder, '--strip-components=1']);
  core = createCoreServices({ home: join(root, 'home'), logger: createLogger({ sink: nullSink }), keychain, env: {} });
  const r = await cli(
    ['init', folder, '--environment', 'production', '--public-url', 'https://crucible.example.org', '--password-stdin'],
    `${PASSWORD}\n`,
  );
  expect(r.code, r.err + r.out).toBe(0);
}, 120_000);
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!existsSync(UPSTREAM))(
  'one truth about a deployment the app just set up (genuine checkout)',
  { timeout: 120_000 },
  () => {
    it('the audit finds no error, for the default compose file and for docker-compose.prod.yml', async () => {
      const dep = (await core.store.read()).deployments[0];
      expect(dep).toBeDefined();
      const result = await core.audit.run(dep?.id ?? '');
      const errors = result.findings.filter((f) => f.severity === 'error' || f.severity === 'critical');
      expect(errors.map((f) => `${f.code} ${f.title}`)).toEqual([]);
      // The same deployment run with the production compose file (as docker-compose.sh does).
      const prod = await core.audit.auditTarget({
        id: `${dep?.id ?? ''}-prod`,
        name: 'prod',
        folder,
        composeFiles: ['docker-compose.prod.yml'],
        environment: 'production',
      });
      expect(
        prod.findings
          .filter((f) => f.severity === 'error' || f.severity === 'critical')
          .map((f) => `${f.code} ${f.title}`),
      ).toEqual([]);
    });

    it('the CLI audit and check-env agree with what the window shows', async () => {
      const dep = (await core.store.read()).deployments[0];
      const inWindow = await core.audit.run(dep?.id ?? '');
      const viaCli = await cli(['audit', folder, '--json']);
      const parsed = JSON.parse(viaCli.out) as { findings: Array<{ code: string; severity: string }> };
      const key = (f: { code: string; severity: string }) => `${f.code}|${f.severity}`;
      expect(parsed.findings.map(key).sort()).toEqual(inWindow.findings.map(key).sort());
      const env = await cli(['check-env', join(folder, '.env'), '--environment', 'production']);
      expect(env.out + env.err).not.toMatch(/\berror\b.*\[/);
      // The compose files beside .env decide: the wizard made compose read CORS from .env, so it has an effect.
      expect(env.out).not.toContain('ROUNDTABLE_CORS_ORIGINS has no effect');
      expect(
        inWindow.findings.some((f) => f.code === 'ENV_NO_EFFECT' && f.variable === 'ROUNDTABLE_CORS_ORIGINS'),
      ).toBe(false);
    });

    it('the Checklist and the Dashboard say what the audit says', async () => {
      const dep = (await core.store.read()).deployments[0];
      const id = dep?.id ?? '';
      const result = await core.audit.run(id);
      const codes = new Set(result.findings.map((f) => f.code));
      const { items } = await core.audit.checklist(id);
      const byId = Object.fromEntries(items.map((i) => [i.id, i]));
      // The wizard made compose read CORS from .env: the audit does not report it, and the Checklist passes it.
      expect(codes.has('COMPOSE_HARDCODED_CORS')).toBe(false);
      expect(
        codes.has('ENV_NO_EFFECT') &&
          result.findings.some((f) => f.code === 'ENV_NO_EFFECT' && f.variable === 'ROUNDTABLE_CORS_ORIGINS'),
      ).toBe(false);
      expect(byId['pre-cors']?.status).toBe('pass');
      // Every evaluated item that fails names a finding the audit has; none that passes hides one it lists.
      for (const i of items.filter((x) => x.state === 'failing'))
        for (const e of i.evidence) if (/^[A-Z_]+:/.test(e)) expect(codes.has(e.split(':')[0] ?? '')).toBe(true);
      const board = (await core.audit.dashboard()).find((d) => d.deployment.id === id);
      expect(board?.counts).toMatchObject({ critical: 0, error: 0 });
      expect(board?.counts?.warning).toBe(result.findings.filter((f) => f.severity === 'warning').length);
      expect(board?.checklist.failing).toBe(items.filter((i) => i.state === 'failing').length);
      expect(JSON.stringify(board)).not.toContain(PASSWORD);
    });
  },
);
