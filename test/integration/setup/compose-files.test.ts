import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { cliIo } from '../../helpers/cli-io';
import { createCoreServices, type CoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { generateProxyBundle } from '../../../electron/core/proxy/generate';
import { planComposeChanges } from '../../../electron/core/proxy/compose-changes';
import { crucibleCeProfile } from '../../../electron/core/stack/crucible-ce';
import { composeRequiredVariables } from '../../../electron/core/compose/required-variables';

/**
 * Issue 17, item 2: a deployment is all its compose files. The genuine Crucible checkout is set up by `init`
 * for production; it has docker-compose.prod.yml, so that file is recorded, and the audit, rotation's
 * recreate commands, the finish commands and the front door all use it. Then `compose-files` switches the
 * deployment to the default file, and everything follows.
 */
const UPSTREAM = join(process.cwd(), '..', 'shared', 'upstream', 'crucible-community-2d1840e.tar.gz');
const PASSWORD = 'Lantern-Orbit-Meadow-Copper-42';
let root = '';
let folder = '';
let core: CoreServices;
let initJson: {
  deploymentId: string;
  composeFiles: string[];
  commands: Array<{ command: string; why: string }>;
} | null = null;
const keychain = new MemoryKeychain();

async function cli(argv: string[], stdin = '') {
  const t = cliIo();
  t.io.stdin.end(stdin);
  const code = await runCli(argv, t.io, { coreFactory: () => core });
  return { code, out: t.out(), err: t.err() };
}

function unpack(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  execFileSync('tar', ['xzf', UPSTREAM, '-C', dir, '--strip-components=1']);
  return dir;
}

const init = (dir: string, ...extra: string[]) =>
  cli(
    [
      'init',
      dir,
      '--environment',
      'production',
      '--public-url',
      'https://crucible.example.org',
      '--password-stdin',
      ...extra,
    ],
    `${PASSWORD}\n`,
  );

beforeAll(async () => {
  if (!existsSync(UPSTREAM)) return;
  root = mkdtempSync(join(tmpdir(), 'cs-compose-files-'));
  folder = unpack('crucible');
  core = createCoreServices({ home: join(root, 'home'), logger: createLogger({ sink: nullSink }), keychain, env: {} });
  const r = await init(folder, '--json');
  expect(r.code, r.err + r.out).toBe(0);
  initJson = JSON.parse(r.out) as typeof initJson;
}, 120_000);
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Every `docker compose … up -d …` command of a rotation plan (`rotate --dry-run --json`). */
function recreateCommands(json: string): string[] {
  const plan = JSON.parse(json) as { steps: Array<{ commands?: string[] }> };
  return plan.steps.flatMap((s) => s.commands ?? []).filter((c) => /^docker compose .*\bup -d\b/.test(c));
}

const deployment = async () => {
  const d = (await core.store.read()).deployments.find((x) => x.folder === folder);
  if (!d) throw new Error('the deployment was not registered');
  return d;
};

describe.skipIf(!existsSync(UPSTREAM))(
  'the compose files of the genuine checkout set up for production',
  { timeout: 120_000 },
  () => {
    it('records docker-compose.prod.yml, and the finish commands carry exactly its -f flag', async () => {
      expect((await deployment()).composeFiles).toEqual(['docker-compose.prod.yml']);
      expect(initJson?.composeFiles).toEqual(['docker-compose.prod.yml']);
      const commands = (initJson?.commands ?? []).map((c) => c.command);
      expect(commands).toContain('docker compose -f docker-compose.prod.yml up -d');
      expect(commands).toContain('docker compose -f docker-compose.prod.yml config --quiet');
      expect(
        commands.filter((c) => c.startsWith('docker compose')).every((c) => c.includes(' -f docker-compose.prod.yml ')),
      ).toBe(true);
      expect(JSON.stringify(initJson)).not.toMatch(/only if you run/i);
    });

    it('the audit reads the production file: no error, and its findings name that file, never docker-compose.yml', async () => {
      const result = await core.audit.run((await deployment()).id);
      const errors = result.findings.filter((f) => f.severity === 'error' || f.severity === 'critical');
      expect(errors.map((f) => `${f.code} ${f.title}`)).toEqual([]);
      const files = new Set(result.findings.map((f) => f.file).filter((f) => f !== undefined));
      expect([...files].some((f) => f.includes('docker-compose.prod.yml'))).toBe(true);
      expect([...files].filter((f) => /(^|\/)docker-compose\.yml$/.test(f))).toEqual([]);
      expect(result.findings.some((f) => f.code === 'COMPOSE_INVALID')).toBe(false);
      // The published ports of the prod file (8000 and 3000 on every interface) are reported from it.
      const ports = result.findings.filter((f) => f.code === 'COMPOSE_PORT_ALL_INTERFACES');
      expect(ports.length).toBeGreaterThan(0);
      for (const p of ports) expect(`${p.file ?? ''} ${p.evidence ?? ''}`).toContain('docker-compose.prod.yml');
      // Its fixes edit the file the deployment runs with (bind-loopback:<file>:<service>:<index>).
      const fixes = ports.map((p) => p.fixId).filter((f) => f !== undefined);
      expect(fixes.length).toBeGreaterThan(0);
      for (const f of fixes) expect(f.startsWith('bind-loopback:docker-compose.prod.yml:')).toBe(true);
    });

    it('check-env reads the recorded production file: a variable only it requires must be set', async () => {
      const envFile = join(folder, '.env');
      const original = readFileSync(envFile, 'utf8');
      const required = (f: string) =>
        new Set(composeRequiredVariables([readFileSync(join(folder, f), 'utf8')]).map((r) => r.name));
      const base = required('docker-compose.yml');
      const name = [...required('docker-compose.prod.yml')].find((n) => !base.has(n));
      if (name === undefined) throw new Error('the prod file requires nothing the default file does not');
      try {
        const without = original
          .split('\n')
          .filter((l) => !l.startsWith(`${name}=`))
          .join('\n');
        writeFileSync(envFile, without, { mode: 0o600 });
        const r = await cli(['check-env', envFile, '--json']);
        const { findings } = JSON.parse(r.out) as {
          findings: Array<{ code: string; variable?: string; message: string }>;
        };
        expect(
          findings.filter((f) => f.code === 'ENV_MISSING_REQUIRED' && f.variable === name).map((f) => f.message),
        ).toEqual([expect.stringContaining("The deployment's compose files require")]);
      } finally {
        writeFileSync(envFile, original, { mode: 0o600 });
      }
    });

    it('rotation recreates with -f docker-compose.prod.yml', async () => {
      const r = await cli(['rotate', folder, 'ROUNDTABLE_JWT_SECRET', '--dry-run', '--json']);
      expect(r.code, r.err).toBe(0);
      const recreate = recreateCommands(r.out);
      expect(recreate.length, r.out).toBeGreaterThan(0);
      for (const c of recreate) expect(c).toContain('-f docker-compose.prod.yml');
      // The services come from the prod file: its api and worker and beat read the JWT secret.
      expect(recreate.some((c) => /\bapi\b/.test(c))).toBe(true);
    });

    it('the front door reads and changes the recorded file only', async () => {
      const d = await deployment();
      const bundle = await generateProxyBundle(
        {
          server: 'nginx',
          domain: 'crucible.example.org',
          environment: 'production',
          tls: { mode: 'acme' },
          hsts: {},
          tuning: {},
        },
        { folder, composeFiles: d.composeFiles, now: new Date() },
      );
      const steps = JSON.stringify(bundle.manualSteps);
      expect(steps).not.toMatch(/(^|[^.])docker-compose\.yml/);
      // Its recreate commands run on the recorded file, as printed.
      const recreate = bundle.manualSteps.flatMap((m) => m.commands).filter((c) => c.startsWith('docker compose'));
      expect(recreate).toEqual([
        'docker compose -f docker-compose.prod.yml up -d api frontend',
        'docker compose -f docker-compose.prod.yml up -d',
      ]);
      const plan = await planComposeChanges(folder, bundle.origin, crucibleCeProfile, d.composeFiles);
      expect(plan.files.map((f) => f.file)).toEqual(['docker-compose.prod.yml']);
      const all = await planComposeChanges(folder, bundle.origin, crucibleCeProfile);
      expect(all.files.map((f) => f.file).sort()).toEqual(['docker-compose.prod.yml', 'docker-compose.yml']);
      const fw = await cli(['firewall', folder, '--json']);
      expect(fw.code, fw.err).toBe(0);
      const published = (JSON.parse(fw.out) as { publishedPorts: Array<{ file: string }> }).publishedPorts;
      expect(published.length).toBeGreaterThan(0);
      expect(new Set(published.map((p) => p.file))).toEqual(new Set(['docker-compose.prod.yml']));
    });

    it('compose-files switches the deployment to the default file (journalled) and refuses a file not in the folder', async () => {
      const shown = await cli(['compose-files', folder, '--json']);
      expect(shown.code, shown.err).toBe(0);
      expect(JSON.parse(shown.out)).toEqual({
        recorded: ['docker-compose.prod.yml'],
        inFolder: ['docker-compose.prod.yml', 'docker-compose.yml'],
      });
      const bad = await cli(['compose-files', folder, 'docker-compose.production.yml']);
      expect(bad.code).toBe(65);
      expect(bad.err).toContain('docker-compose.production.yml does not exist in the deployment folder');
      const outside = await cli(['compose-files', folder, '../docker-compose.yml']);
      expect(outside.code).toBe(65);
      expect((await deployment()).composeFiles).toEqual(['docker-compose.prod.yml']);

      const ok = await cli(['compose-files', folder, 'docker-compose.yml']);
      expect(ok.code, ok.err).toBe(0);
      expect(ok.out).toContain('now runs with: docker-compose.yml');
      expect((await deployment()).composeFiles).toEqual(['docker-compose.yml']);
      const journal = readFileSync(core.paths.journalFile, 'utf8');
      expect(journal).toContain('deployment.compose-files-changed');
      expect((await core.journal.verify()).ok).toBe(true);
      // Rotation follows at once: the default file needs no -f.
      const r = await cli(['rotate', folder, 'ROUNDTABLE_JWT_SECRET', '--dry-run', '--json']);
      const recreate = recreateCommands(r.out);
      expect(recreate.length).toBeGreaterThan(0);
      for (const c of recreate) expect(c).not.toContain('prod');
    });

    it('init --compose-file records the named files, and refuses one that is not in the folder (nothing written)', async () => {
      const dir = unpack('named');
      const r = await init(dir, '--compose-file', 'docker-compose.yml');
      expect(r.code, r.err + r.out).toBe(0);
      expect(r.out).toContain('Compose files: docker-compose.yml');
      expect((await core.store.read()).deployments.find((x) => x.folder === dir)?.composeFiles).toEqual([
        'docker-compose.yml',
      ]);
      const other = unpack('refused');
      const refused = await init(other, '--compose-file', 'compose.custom.yml');
      expect(refused.code).toBe(65);
      expect(refused.err).toContain('compose.custom.yml is not a compose file in the deployment folder');
      expect(existsSync(join(other, '.env'))).toBe(false);
      expect((await core.store.read()).deployments.some((x) => x.folder === other)).toBe(false);
    });
  },
);
