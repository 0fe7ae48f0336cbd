import {
  chmodSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  mkdtempSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createAuditService, type AuditService } from '../../../../electron/core/audit/audit.service';
import { createStateStore, type StateStore } from '../../../../electron/core/store/state-store';
import { createJournal, type Journal } from '../../../../electron/core/journal/journal';
import { createLogger, memorySink } from '../../../../electron/core/log/logger';
import type { Environment } from '../../../../electron/common/model/deployment';
import { materialise } from './helpers';
import { crucibleCeProfile } from '../../../../electron/core/stack/crucible-ce';

const NOW = new Date('2026-11-30T12:00:00Z');

interface World {
  svc: AuditService;
  store: StateStore;
  journal: Journal;
  folder: string;
  lines: string[];
}

async function world(
  fixture: string,
  environment: Environment = 'development',
  composeFiles: string[] = [],
  gitBinary: string | null = null,
  auditStart = NOW.getTime(),
): Promise<World> {
  const home = mkdtempSync(join(tmpdir(), 'cs-audit-home-'));
  const folder = materialise(fixture);
  const lines: string[] = [];
  const sink = memorySink();
  const logger = createLogger({
    sink: (l) => {
      sink(l);
      lines.push(l);
    },
  });
  const store = createStateStore({ file: join(home, 'state.json'), logger, clock: () => NOW });
  const journal = createJournal({ file: join(home, 'journal.jsonl'), clock: () => NOW, redactor: logger.redactor });
  await store.update((d) => {
    d.deployments.push({
      id: 'crucible-dev',
      name: 'Crucible dev',
      folder,
      composeFiles,
      environment,
      createdAt: NOW.toISOString(),
    });
  });
  let t = auditStart;
  const svc = createAuditService({
    store,
    journal,
    logger,
    clock: () => new Date((t += 1000)),
    gitBinary,
    profile: crucibleCeProfile,
    previousFolder: (id) => join(home, 'previous', id),
  });
  return { svc, store, journal, folder, lines };
}

describe('audit fixes', () => {
  it('binds the api port to 127.0.0.1: preview diff, apply, journal, fresh audit without the finding, comments kept', async () => {
    const w = await world('stock-dev');
    const before = await w.svc.run('crucible-dev');
    const f = before.findings.find((x) => x.code === 'COMPOSE_PORT_ALL_INTERFACES' && x.service === 'api');
    expect(f?.fixId).toBe('bind-loopback:docker-compose.yml:api:0');
    const preview = await w.svc.previewFix('crucible-dev', f!.fixId!);
    expect(preview.diff).toContain('-      - "8000:8000"');
    expect(preview.diff).toContain('+      - "127.0.0.1:8000:8000"');
    const original = readFileSync(join(w.folder, 'docker-compose.yml'), 'utf8');
    const modeBefore = statSync(join(w.folder, 'docker-compose.yml')).mode & 0o777;
    const { audit, applied } = await w.svc.applyFix('crucible-dev', f!.fixId!, preview.token);
    const after = readFileSync(join(w.folder, 'docker-compose.yml'), 'utf8');
    expect(after).toBe(original.replace('- "8000:8000"', '- "127.0.0.1:8000:8000"'));
    expect(after).toContain('# Uncomment to reach PostgreSQL from the host (development only)');
    expect(audit.findings.some((x) => x.code === 'COMPOSE_PORT_ALL_INTERFACES' && x.service === 'api')).toBe(false);
    expect(audit.findings.some((x) => x.code === 'KNOWN_LOGIN_NO_RATE_LIMIT')).toBe(false);
    expect(applied.backupPath).not.toBeNull();
    expect(statSync(join(w.folder, 'docker-compose.yml')).mode & 0o777).toBe(modeBefore);
    const entries = await w.journal.read({ deploymentId: 'crucible-dev' });
    expect(entries.map((e) => e.type)).toContain('fix.applied');
    expect((await w.journal.verify()).ok).toBe(true);
  });

  it('replaces the hard-coded CORS with ${VAR:-default} and the finding goes', async () => {
    const w = await world('stock-prod', 'production', ['docker-compose.prod.yml']);
    const r = await w.svc.run('crucible-dev');
    const f = r.findings.find((x) => x.code === 'COMPOSE_HARDCODED_CORS')!;
    const p = await w.svc.previewFix('crucible-dev', f.fixId!);
    expect(p.diff).toContain('+      - ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:-http://localhost:3000}');
    const { audit } = await w.svc.applyFix('crucible-dev', f.fixId!, p.token);
    expect(audit.findings.map((x) => x.code)).not.toContain('COMPOSE_HARDCODED_CORS');
    expect(audit.findings.map((x) => x.code)).not.toContain('KNOWN_PRODUCTION_CORS_BLOCKS_START');
  });

  it('binds a datastore port defined in the override file, editing that file', async () => {
    const w = await world('override');
    const f = (await w.svc.run('crucible-dev')).findings.find((x) => x.code === 'COMPOSE_DATASTORE_PORT_PUBLISHED')!;
    const p = await w.svc.previewFix('crucible-dev', f.fixId!);
    expect(p.file).toBe('docker-compose.override.yml');
    const { audit } = await w.svc.applyFix('crucible-dev', f.fixId!, p.token);
    expect(audit.counts.critical).toBe(0);
    expect(readFileSync(join(w.folder, 'docker-compose.override.yml'), 'utf8')).toContain(
      '- "127.0.0.1:5432:5432" # added for debugging, forgot to bind to localhost',
    );
  });

  it('adds .env to a missing .gitignore and chmods .env and a backup to 600', async () => {
    const w = await world('hardcoded-secrets', 'production');
    chmodSync(join(w.folder, '.env'), 0o644);
    writeFileSync(join(w.folder, '.env.bak-20261101T000000000Z'), 'X=1\n', { mode: 0o640 });
    chmodSync(join(w.folder, '.env.bak-20261101T000000000Z'), 0o640);
    const r = await w.svc.run('crucible-dev');
    const codes = r.findings.map((x) => x.code);
    expect(codes).toEqual(
      expect.arrayContaining(['FILES_ENV_READABLE', 'FILES_BACKUP_READABLE', 'FILES_ENV_NOT_GITIGNORED']),
    );
    for (const code of ['FILES_ENV_NOT_GITIGNORED', 'FILES_ENV_READABLE', 'FILES_BACKUP_READABLE']) {
      const f = (await w.svc.run('crucible-dev')).findings.find((x) => x.code === code)!;
      const p = await w.svc.previewFix('crucible-dev', f.fixId!);
      await w.svc.applyFix('crucible-dev', f.fixId!, p.token);
    }
    const after = await w.svc.run('crucible-dev');
    expect(after.findings.map((x) => x.code)).not.toEqual(expect.arrayContaining(['FILES_ENV_READABLE']));
    expect(after.findings.filter((x) => x.code.startsWith('FILES_'))).toEqual([]);
    expect(statSync(join(w.folder, '.env')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(w.folder, '.gitignore'), 'utf8')).toContain('.env\n.env.bak-*\n');
  });

  it('refuses a stale preview and a fix the audit does not offer, writing nothing', async () => {
    const w = await world('stock-dev');
    const f = (await w.svc.run('crucible-dev')).findings.find((x) => x.service === 'frontend' && x.fixId)!;
    const p = await w.svc.previewFix('crucible-dev', f.fixId!);
    const path = join(w.folder, 'docker-compose.yml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('# Crucible', '# Edited Crucible'));
    await expect(w.svc.applyFix('crucible-dev', f.fixId!, p.token)).rejects.toMatchObject({ code: 'FIX_STALE' });
    await expect(w.svc.previewFix('crucible-dev', 'bind-loopback:../../etc/passwd:api:0')).rejects.toMatchObject({
      code: 'FIX_NOT_OFFERED',
    });
    await expect(w.svc.previewFix('crucible-dev', 'chmod-600:/etc/shadow')).rejects.toMatchObject({
      code: 'FIX_NOT_OFFERED',
    });
    expect(readdirSync(w.folder).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('reports git-tracked .env and backups, and git-ignored state, from a real repository', async () => {
    const w = await world('stock-dev', 'development', [], 'git');
    const git = (...a: string[]) => execFileSync('git', ['-C', w.folder, ...a], { stdio: 'pipe' });
    git('init', '-q');
    writeFileSync(join(w.folder, '.gitignore'), 'node_modules/\n');
    writeFileSync(join(w.folder, '.env.bak-20261101T000000000Z'), 'X=1\n', { mode: 0o600 });
    git('add', '-f', '.env', '.env.bak-20261101T000000000Z', '.gitignore');
    const r = await w.svc.run('crucible-dev');
    const codes = r.findings.map((x) => `${x.code}:${x.severity}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'FILES_ENV_TRACKED:critical',
        'FILES_BACKUP_TRACKED:critical',
        'FILES_ENV_NOT_GITIGNORED:error',
      ]),
    );
    const f = r.findings.find((x) => x.code === 'FILES_ENV_NOT_GITIGNORED')!;
    await w.svc.applyFix('crucible-dev', f.fixId!, (await w.svc.previewFix('crucible-dev', f.fixId!)).token);
    const again = await w.svc.run('crucible-dev');
    expect(again.findings.map((x) => x.code)).not.toContain('FILES_ENV_NOT_GITIGNORED');
    expect(again.findings.map((x) => x.code)).toContain('FILES_ENV_TRACKED');
  });
});

describe('the .env rules', () => {
  it("include everything check-env reports for the deployment's environment", async () => {
    const w = await world('stock-prod', 'production', ['docker-compose.prod.yml']);
    writeFileSync(
      join(w.folder, '.env'),
      readFileSync(join(w.folder, '.env'), 'utf8').replace(
        /^ROUNDTABLE_JWT_SECRET=.*$/m,
        'ROUNDTABLE_JWT_SECRET=secret',
      ),
    );
    const r = await w.svc.run('crucible-dev');
    const weak = r.findings.find((f) => f.code === 'ENV_WEAK_VALUE' && f.variable === 'ROUNDTABLE_JWT_SECRET');
    expect(weak?.file).toBe('.env');
    expect(r.findings.some((f) => f.code.startsWith('COMPOSE_'))).toBe(true);
  });

  it('a missing .env is an error and the compose checks still run', async () => {
    const w = await world('stock-dev');
    const { rmSync } = await import('node:fs');
    rmSync(join(w.folder, '.env'));
    const r = await w.svc.run('crucible-dev');
    expect(r.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(['ENV_FILE_MISSING', 'COMPOSE_PORT_ALL_INTERFACES']),
    );
  });
});

describe('across deployments', () => {
  it('finds the same secret in two deployments by fingerprint without showing it', async () => {
    const w = await world('stock-dev', 'development');
    const other = materialise('stock-prod');
    await w.store.update((d) => {
      d.deployments.push({
        id: 'crucible-prod',
        name: 'Crucible prod',
        folder: other,
        composeFiles: ['docker-compose.prod.yml'],
        environment: 'production',
        createdAt: NOW.toISOString(),
      });
    });
    const r = await w.svc.run('crucible-prod');
    const reused = r.findings.filter((f) => f.code === 'CROSS_SECRET_REUSED');
    expect(reused.map((f) => f.variable).sort()).toEqual([
      'API_KEY_ENCRYPTION_KEY',
      'POSTGRES_PASSWORD',
      'REDIS_PASSWORD',
      'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
      'ROUNDTABLE_JWT_REFRESH_SECRET',
      'ROUNDTABLE_JWT_SECRET',
    ]);
    expect(reused.every((f) => f.severity === 'error')).toBe(true);
    expect(JSON.stringify(r)).not.toContain('CANARY');
  });

  it("sees a change to the other deployment's .env on the next audit (its fingerprints are cached per file stamp)", async () => {
    const w = await world('stock-dev', 'development');
    const other = materialise('stock-prod');
    await w.store.update((d) => {
      d.deployments.push({
        id: 'crucible-prod',
        name: 'Crucible prod',
        folder: other,
        composeFiles: ['docker-compose.prod.yml'],
        environment: 'production',
        createdAt: NOW.toISOString(),
      });
    });
    const reused = async () =>
      (await w.svc.run('crucible-prod')).findings
        .filter((f) => f.code === 'CROSS_SECRET_REUSED')
        .map((f) => f.variable);
    // Dated back, so that only the file's stamp (not its recent change) decides whether it is read again.
    const env = join(w.folder, '.env');
    const settle = (secondsAgo: number) =>
      utimesSync(env, new Date(Date.now() - secondsAgo * 1000), new Date(Date.now() - secondsAgo * 1000));
    settle(600);
    expect(await reused()).toContain('ROUNDTABLE_JWT_SECRET');
    // Rewritten in place (same inode), as an editor without atomic save does.
    writeFileSync(
      env,
      readFileSync(env, 'utf8').replace(
        /^ROUNDTABLE_JWT_SECRET=.*$/m,
        "ROUNDTABLE_JWT_SECRET='rotated-in-place-0123456789abcdef0123456789abcdef'",
      ),
    );
    settle(500);
    expect(await reused()).not.toContain('ROUNDTABLE_JWT_SECRET');
    // Replaced by a rename (a new inode), as every write of ours does.
    writeFileSync(
      `${env}.new`,
      readFileSync(env, 'utf8').replace(/^REDIS_PASSWORD=.*$/m, "REDIS_PASSWORD='rotated-by-rename-0123456789abcdef'"),
      { mode: 0o600 },
    );
    renameSync(`${env}.new`, env);
    settle(500);
    const after = await reused();
    expect(after).not.toContain('REDIS_PASSWORD');
    expect(after).toContain('POSTGRES_PASSWORD');
    rmSync(env);
    expect(await reused()).toEqual([]);
  });
});

describe('checklist and report', () => {
  it('evaluates items from findings, keeps ticks in the state, and refuses ticking an evaluated item', async () => {
    const w = await world('stock-dev');
    const { items } = await w.svc.checklist('crucible-dev');
    const byId = Object.fromEntries(items.map((i) => [i.id, i]));
    expect(byId['pre-cors']?.status).toBe('fail');
    expect(byId['pre-cors']?.evidence.join()).toContain('COMPOSE_HARDCODED_CORS');
    expect(byId['pre-firewall']?.status).toBe('fail');
    expect(byId['env-gitignored']?.status).toBe('pass');
    expect(byId['pre-backups']).toMatchObject({ status: 'todo', state: 'todo' }); // no backup in the journal yet
    expect(byId['ongoing-security-review']?.status).toBe('due');
    const after = await w.svc.tick('crucible-dev', 'pre-backups', true, 'restic to the NAS, restore tested');
    expect(after.items.find((i) => i.id === 'pre-backups')).toMatchObject({
      status: 'done',
      state: 'manual',
      tick: { note: 'restic to the NAS, restore tested' },
    });
    expect((await w.store.read()).checklists['crucible-dev']?.['pre-backups']?.note).toBe(
      'restic to the NAS, restore tested',
    );
    await w.svc.tick('crucible-dev', 'pre-backups', false);
    expect((await w.store.read()).checklists['crucible-dev']?.['pre-backups']).toBeUndefined();
    await expect(w.svc.tick('crucible-dev', 'pre-cors', true)).rejects.toMatchObject({
      code: 'CHECKLIST_EVALUATED_ITEM',
    });
    await expect(w.svc.tick('crucible-dev', 'nope', true)).rejects.toMatchObject({ code: 'CHECKLIST_UNKNOWN_ITEM' });
  });

  it('exports Markdown and HTML reports, dated, without any secret value', async () => {
    const w = await world('hardcoded-secrets', 'production');
    for (const format of ['markdown', 'html'] as const) {
      const r = await w.svc.report('crucible-dev', format);
      expect(r.fileName).toMatch(/^crucible-audit-crucible-dev-\d{4}-\d{2}-\d{2}\.(md|html)$/);
      expect(r.content).toContain('COMPOSE_HARDCODED_SECRET');
      expect(r.content).toContain('Crucible dev');
      for (const canary of ['CANARY', 'hunter2', 'literal-redis-pass']) expect(r.content).not.toContain(canary);
    }
    const html = (await w.svc.report('crucible-dev', 'html')).content;
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('@media print');
  });

  it('the dashboard summarises each deployment', async () => {
    const w = await world('stock-dev');
    const [d] = await w.svc.dashboard();
    expect(d).toMatchObject({
      deployment: { id: 'crucible-dev' },
      worst: 'error',
      activeIncident: false,
      rotations: { overdue: [], due: [] },
      newestBackupAt: null,
      newestBackupAgeDays: null,
    });
    expect(d?.checklist.failing).toBeGreaterThan(0);
    expect(d?.checklist.due).toBe(5);
  });

  it('the dashboard lists rotations overdue/due from the rotation policy and the newest backup from the journal', async () => {
    const DAY = 86_400_000;
    // The audit's clock runs 3 days after the journal's, so the backup journaled "now" is 3 days old.
    const w = await world('stock-dev', 'development', [], null, NOW.getTime() + 3 * DAY);
    const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
    const meta = (variable: string, created: string, lastRotated: string | null) => ({
      variable,
      fingerprint: '0123456789abcdef',
      generation: lastRotated ? 2 : 1,
      created,
      lastRotated,
      origin: 'generated' as const,
    });
    await w.store.update((d) => {
      d.secrets['crucible-dev'] = {
        // redis-password and postgres-password playbooks: 180 days at most (rotation/policy.ts).
        REDIS_PASSWORD: meta('REDIS_PASSWORD', ago(200), null),
        POSTGRES_PASSWORD: meta('POSTGRES_PASSWORD', ago(400), ago(170)),
      };
    });
    let [d] = await w.svc.dashboard();
    expect(d?.rotations).toEqual({ overdue: ['REDIS_PASSWORD'], due: ['POSTGRES_PASSWORD'] });
    expect(d).toMatchObject({ newestBackupAt: null, newestBackupAgeDays: null });

    await w.journal.append({ type: 'backup.exported', deploymentId: 'other-deployment', subject: 'x.csbackup' });
    [d] = await w.svc.dashboard();
    expect(d?.newestBackupAt).toBeNull();
    await w.journal.append({
      type: 'backup.exported',
      deploymentId: 'crucible-dev',
      subject: 'crucible-secrets-backup.csbackup',
    });
    [d] = await w.svc.dashboard();
    expect(d).toMatchObject({ newestBackupAt: NOW.toISOString(), newestBackupAgeDays: 3 });
  });

  it('nothing secret reaches the log lines', async () => {
    const w = await world('stock-dev');
    await w.svc.run('crucible-dev');
    await w.svc.report('crucible-dev', 'markdown');
    expect(w.lines.join('\n')).not.toContain('CANARY');
  });
});
