import { copyFileSync, chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createAuditService } from '../electron/core/audit/audit.service';
import { buildAuditContext } from '../electron/core/audit/context';
import { runAudit } from '../electron/core/audit/run';
import { secretVariablesFrom } from '../electron/core/audit/secret-variables';
import { parseEnv } from '../electron/core/envfile';
import { createJournal } from '../electron/core/journal/journal';
import { createLogger, nullSink } from '../electron/core/log/logger';
import { crucibleCeProfile } from '../electron/core/stack';
import { createStateStore } from '../electron/core/store/state-store';
import { checkEnv } from '../electron/core/validation';
import { measure, summarise, type Row, type Stats } from './lib';

/**
 * The audit (issue 6 targets: Crucible's stock deployment audited in < 50 ms; a 500-service compose file
 * in < 1 s). Median of 5 runs after one warm-up. "end to end" = the service's run(): state read, .env and
 * compose files read, interpolation, override merge, every rule, check-env. Run: `node bench/run.mjs audit`.
 */
function fixture(name: string): string {
  const src = join(process.cwd(), 'test/fixtures/compose', name);
  const dir = mkdtempSync(join(tmpdir(), `cs-bench-audit-${name}-`));
  for (const f of readdirSync(src)) {
    if (f === 'expected.json') continue;
    const dest = f === 'dotenv' ? '.env' : f === 'gitignore' ? '.gitignore' : f;
    copyFileSync(join(src, f), join(dir, dest));
  }
  chmodSync(join(dir, '.env'), 0o600);
  return dir;
}

/** A compose file with `n` services shaped like Crucible's (ports, environment, command, healthcheck, volumes). */
export function bigCompose(n: number): string {
  const out = ['services:'];
  for (let i = 0; i < n; i++) {
    const kind = i % 5;
    out.push(`  svc-${String(i)}:`);
    out.push(`    image: ${kind === 0 ? 'postgres:15-alpine' : kind === 1 ? 'redis:7-alpine' : `example/app-${String(i)}:${kind === 2 ? 'latest' : '1.2.3'}`}`);
    out.push('    ports:');
    out.push(kind === 0 ? `      - "${String(20000 + i)}:5432"` : kind === 1 ? `      - "127.0.0.1:${String(20000 + i)}:6379"` : `      - target: 8000\n        published: ${String(20000 + i)}`);
    out.push('    environment:');
    for (let e = 0; e < 10; e++) out.push(`      - VAR_${String(e)}=\${POSTGRES_PASSWORD}-${String(e)}`);
    out.push('      - ROUNDTABLE_CORS_ORIGINS=http://localhost:3000');
    out.push('    command: redis-server --requirepass ${REDIS_PASSWORD} --save ""');
    out.push('    healthcheck:');
    out.push('      test: ["CMD", "redis-cli", "-a", "${REDIS_PASSWORD}", "ping"]');
    out.push('    volumes:');
    out.push(`      - data-${String(i)}:/data`);
  }
  return out.join('\n') + '\n';
}

/** CPU time (user + system) of `fn`, median of `runs` after one warm-up: steadier than wall time on a busy machine. */
async function measureCpu(fn: () => unknown, runs = 5): Promise<Stats> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    await fn();
    const d = process.cpuUsage(c);
    samples.push((d.user + d.system) / 1000);
  }
  return summarise(samples);
}

export default async function auditBench(): Promise<Row[]> {
  const logger = createLogger({ sink: nullSink });
  const home = mkdtempSync(join(tmpdir(), 'cs-bench-audit-home-'));
  const store = createStateStore({ file: join(home, 'state.json'), logger });
  const journal = createJournal({ file: join(home, 'journal.jsonl') });
  const dev = fixture('stock-dev');
  const prod = fixture('stock-prod');
  const big = fixture('stock-dev');
  writeFileSync(join(big, 'docker-compose.yml'), bigCompose(500));
  const now = new Date().toISOString();
  await store.update((s) => {
    s.deployments.push({ id: 'bench-dev', name: 'dev', folder: dev, composeFiles: [], environment: 'development', createdAt: now });
    s.deployments.push({ id: 'bench-prod', name: 'prod', folder: prod, composeFiles: ['docker-compose.prod.yml'], environment: 'production', createdAt: now });
    s.deployments.push({ id: 'bench-big', name: 'big', folder: big, composeFiles: [], environment: 'production', createdAt: now });
  });
  const noGit = createAuditService({ store, journal, logger, clock: () => new Date(), gitBinary: null });
  const withGit = createAuditService({ store, journal, logger, clock: () => new Date() });
  const sets = secretVariablesFrom(crucibleCeProfile.variables);
  const key = randomBytes(32);
  const validateEnv = (text: string, environment: 'production' | 'staging' | 'development') => checkEnv(parseEnv(text), { profile: crucibleCeProfile, environment, file: '.env' });
  const bigCtx = await buildAuditContext({ id: 'bench-big', name: 'big', folder: big, composeFiles: [], environment: 'production' }, { fingerprintKey: key, secretVariables: sets.secret, requiredVariables: sets.required, gitBinary: null });
  let findings = 0;

  const rows: Row[] = [
    { group: 'audit', name: 'stock dev deployment, end to end (no git)', unit: 'ms', stats: await measure(() => noGit.run('bench-dev')), note: 'target < 50 ms' },
    { group: 'audit', name: 'stock prod deployment, end to end (no git)', unit: 'ms', stats: await measure(() => noGit.run('bench-prod')), note: 'target < 50 ms' },
    { group: 'audit', name: 'stock dev deployment, end to end (with 4 git calls)', unit: 'ms', stats: await measure(() => withGit.run('bench-dev')), note: 'git rev-parse, ls-files, check-ignore ×2 (not a repository here)' },
    { group: 'audit', name: '500-service compose, end to end', unit: 'ms', stats: await measure(async () => (findings = (await noGit.run('bench-big')).findings.length)), note: 'target < 1 s' },
    { group: 'audit', name: '500-service compose, rules only', unit: 'ms', stats: await measure(() => runAudit(bigCtx, { validateEnv })) },
  ];
  rows.push({ group: 'audit', name: 'stock dev deployment, CPU time', unit: 'ms', stats: await measureCpu(() => noGit.run('bench-dev')), note: 'user+system; excludes waiting for the other processes of a loaded machine' });
  rows.push({ group: 'audit', name: '500-service compose, CPU time', unit: 'ms', stats: await measureCpu(() => noGit.run('bench-big')) });
  rows.push({ group: 'audit', name: '500-service compose, findings', unit: 'count', stats: { median: findings, min: findings, max: findings, runs: 1 } });
  return rows;
}
