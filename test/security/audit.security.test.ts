import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter, type Router } from '../../electron/main/ipc/router';
import { createHandlers } from '../../electron/main/ipc/handlers';
import { createCoreServices, type CoreServices } from '../../electron/core/services';
import { createLogger, memorySink } from '../../electron/core/log/logger';
import { MemoryKeychain } from '../../electron/core/keychain/memory-keychain';
import { harnessPlatform, type HarnessPlatform } from '../harness/platform';

/**
 * Audit security regressions, through the real router and handlers: the renderer cannot make the fix engine
 * touch a file of its choosing, secret values never cross IPC (findings, diffs, checklist, dashboard), and a
 * fix applies only as previewed.
 */
const CANARY = 'CANARY-audit-5f1e2d3c4b';
const LITERAL = 'CANARY-literal-in-compose-77aa';
const ORIGIN = 'app://crucible';
const top = { url: `${ORIGIN}/index.html`, isTopFrame: true };

let core: CoreServices;
let router: Router;
let platform: HarnessPlatform;
let folder: string;
const lines: string[] = [];

const COMPOSE = `services:
  db:
    image: postgres:15-alpine
    environment:
      POSTGRES_PASSWORD: ${LITERAL}
    ports:
      - "5432:5432"
  redis:
    image: redis:7-alpine
    command: redis-server --requirepass \${REDIS_PASSWORD}
    ports:
      - "6379:6379"
`;

beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'cs-sec-audit-'));
  folder = mkdtempSync(join(tmpdir(), 'cs-sec-audit-dep-'));
  writeFileSync(join(folder, 'docker-compose.yml'), COMPOSE);
  writeFileSync(join(folder, '.env'), `REDIS_PASSWORD=${CANARY}\nROUNDTABLE_JWT_SECRET=${CANARY}-jwt\n`, {
    mode: 0o644,
  });
  const sink = memorySink();
  const logger = createLogger({
    sink: (l) => {
      sink(l);
      lines.push(l);
    },
    level: 'debug',
  });
  core = createCoreServices({ home, logger, keychain: new MemoryKeychain() });
  platform = harnessPlatform();
  router = createRouter({
    handlers: createHandlers({
      core,
      platform,
      hostInfo: { host: 'harness', name: 'x', version: '0', versions: { node: process.versions.node } },
    }),
    isTrustedUrl: (u) => u.startsWith(ORIGIN + '/'),
    logger,
  });
  await core.store.update((s) => {
    s.deployments.push({
      id: 'sec-audit',
      name: 'Sec',
      folder,
      composeFiles: [],
      environment: 'production',
      createdAt: new Date().toISOString(),
    });
  });
});

const call = (channel: string, payload: unknown) => router.handle(channel, payload, top);

describe('audit security regressions', () => {
  it('T-AUD-01: a fixId the audit did not offer is refused (no path traversal, no arbitrary chmod)', async () => {
    for (const fixId of [
      'bind-loopback:../../etc/hosts:db:0',
      'chmod-600:../../etc/passwd',
      'chmod-600:/etc/shadow',
      'env-reference:/etc/x:db:A',
      'gitignore-env:x',
    ]) {
      const r = await call('cs:audit:previewFix', { deploymentId: 'sec-audit', fixId });
      expect(r).toMatchObject({ ok: false, error: { code: 'FIX_NOT_OFFERED' } });
      const a = await call('cs:audit:applyFix', { deploymentId: 'sec-audit', fixId, token: 'x' });
      expect(a).toMatchObject({ ok: false, error: { code: 'FIX_NOT_OFFERED' } });
    }
    expect((await call('cs:audit:run', { deploymentId: 'nope' })).ok).toBe(false);
    expect((await call('cs:audit:run', { deploymentId: 'sec-audit', folder: '/etc' })).ok).toBe(false);
  });

  it('T-AUD-02: findings, diffs, checklist and dashboard never carry a secret value, even one hard-coded in compose', async () => {
    const run = await call('cs:audit:run', { deploymentId: 'sec-audit' });
    expect(run.ok).toBe(true);
    const findings = (run as { value: { findings: Array<{ code: string; fixId?: string }> } }).value.findings;
    expect(findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(['COMPOSE_HARDCODED_SECRET', 'COMPOSE_DATASTORE_PORT_PUBLISHED', 'FILES_ENV_READABLE']),
    );
    const dbFix = findings.find((f) => f.fixId?.startsWith('bind-loopback:docker-compose.yml:db'))!.fixId!;
    const preview = await call('cs:audit:previewFix', { deploymentId: 'sec-audit', fixId: dbFix });
    const diff = (preview as { value: { diff: string } }).value.diff;
    expect(diff).toContain('POSTGRES_PASSWORD: [value withheld]');
    expect(diff).toContain('+      - "127.0.0.1:5432:5432"');
    const answers = [
      run,
      preview,
      await call('cs:audit:checklist', { deploymentId: 'sec-audit' }),
      await call('cs:audit:dashboard', {}),
    ];
    for (const a of answers) expect(JSON.stringify(a)).not.toContain('CANARY');
    expect(lines.join('\n')).not.toContain('CANARY');
  });

  it('T-AUD-03: apply writes exactly the previewed change, and refuses a forged token', async () => {
    const run = await call('cs:audit:run', { deploymentId: 'sec-audit' });
    const fixId = (run as { value: { findings: Array<{ fixId?: string }> } }).value.findings.find((f) =>
      f.fixId?.includes(':redis:'),
    )!.fixId!;
    const before = readFileSync(join(folder, 'docker-compose.yml'), 'utf8');
    expect(await call('cs:audit:applyFix', { deploymentId: 'sec-audit', fixId, token: 'f'.repeat(64) })).toMatchObject({
      ok: false,
      error: { code: 'FIX_STALE' },
    });
    expect(readFileSync(join(folder, 'docker-compose.yml'), 'utf8')).toBe(before);
    const preview = (await call('cs:audit:previewFix', { deploymentId: 'sec-audit', fixId })) as {
      value: { token: string };
    };
    const applied = await call('cs:audit:applyFix', { deploymentId: 'sec-audit', fixId, token: preview.value.token });
    expect(applied.ok).toBe(true);
    expect(readFileSync(join(folder, 'docker-compose.yml'), 'utf8')).toBe(
      before.replace('- "6379:6379"', '- "127.0.0.1:6379:6379"'),
    );
    expect(readdirSync(folder).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it("T-AUD-04: the report is written only where main's save dialog says, and carries no value", async () => {
    platform.queueSaveFile(null);
    expect(await call('cs:audit:exportReport', { deploymentId: 'sec-audit', format: 'html' })).toMatchObject({
      ok: true,
      value: { saved: false },
    });
    const target = join(mkdtempSync(join(tmpdir(), 'cs-sec-report-')), 'r.html');
    platform.queueSaveFile(target);
    expect(await call('cs:audit:exportReport', { deploymentId: 'sec-audit', format: 'html' })).toMatchObject({
      ok: true,
      value: { saved: true },
    });
    const html = readFileSync(target, 'utf8');
    expect(html).toContain('COMPOSE_HARDCODED_SECRET');
    expect(html).not.toContain('CANARY');
  });
});
