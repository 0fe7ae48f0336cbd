import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../electron/cli/main';
import { createCoreServices, type CoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import { cliIo } from '../../helpers/cli-io';

const CANARY = 'CANARYpgPw_x7Kq2LmN9pQ4rS8tV1wY5zA';
let root: string;
let folder: string;
let core: CoreServices;

function run(argv: string[]) {
  const { io, out, err } = cliIo();
  return runCli(argv, io, { coreFactory: () => core }).then((code) => ({ code, out: out(), err: err() }));
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'cs-cli-incident-'));
  folder = join(root, 'crucible');
  mkdirSync(folder);
  const keychain = new MemoryKeychain();
  await keychain.set(serviceFor('prod-crucible'), 'POSTGRES_PASSWORD', CANARY);
  core = createCoreServices({
    home: join(root, 'home'),
    logger: createLogger({ sink: nullSink }),
    keychain,
    platform: 'linux',
    env: {},
  });
  await core.store.update((d) => {
    d.deployments.push({
      id: 'prod-crucible',
      name: 'Crucible prod',
      folder,
      composeFiles: [join(folder, 'docker-compose.prod.yml')],
      environment: 'production',
      createdAt: new Date().toISOString(),
    });
  });
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('crucible-secrets incident', () => {
  it('start DIR opens an incident and prints the Isolate commands', async () => {
    const r = await run(['incident', 'start', folder, '--title', 'Leaked .env']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Incident "Leaked \.env" \(inc-\d{8}-[0-9a-f]{8}\) opened for Crucible prod/);
    expect(r.out).toContain('docker compose -f docker-compose.prod.yml stop frontend api');
    expect(r.out).toContain(`cd ${folder}`);
    const again = await run(['incident', 'start', folder]);
    expect(again.code).toBe(65);
    expect(again.err).toContain('INCIDENT_ALREADY_ACTIVE');
  });

  it('start refuses a folder that is not a registered deployment', async () => {
    const r = await run(['incident', 'start', root]);
    expect(r.code).toBe(65);
    expect(r.err).toContain('DEPLOYMENT_NOT_REGISTERED');
  });

  it('status --json lists the open incident with its current step and exits 1', async () => {
    await run(['incident', 'start', folder]);
    const r = await run(['incident', 'status', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as {
      incidents: unknown[];
      open: Array<{ currentStep: string; steps: Array<{ blockers: string[] }> }>;
    };
    expect(doc.incidents).toHaveLength(1);
    expect(doc.open[0]?.currentStep).toBe('isolate');
    expect(doc.open[0]?.steps[0]?.blockers).toContain('isolate.stop-public');
  });

  it('status exits 0 when nothing is open', async () => {
    const r = await run(['incident', 'status']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('No incident has been recorded.');
  });

  it('report --out writes HTML (0600) and records the export; stdout gets Markdown; no secret value', async () => {
    await run(['incident', 'start', folder, '--title', 'Leaked .env']);
    const md = await run(['incident', 'report']);
    expect(md.code).toBe(0);
    expect(md.out).toContain('# Incident report: Leaked .env');
    const file = join(root, 'report.html');
    const r = await run(['incident', 'report', '--out', file]);
    expect(r.code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const text of [md.out, html]) expect(text).not.toContain(CANARY);
    const [summary] = await core.incident.list();
    expect((await core.incident.view(summary?.id ?? '')).incident.reportExportedAt).not.toBeNull();
  });

  it('report without any incident says how to start one', async () => {
    const r = await run(['incident', 'report']);
    expect(r.code).toBe(65);
    expect(r.err).toContain('incident start DIR');
  });
});
