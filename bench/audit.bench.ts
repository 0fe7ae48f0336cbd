import { copyFileSync, chmodSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
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
import { benchDeployment, bigCompose, envOfLines } from './fixtures';
import { measure, summarise, type Row, type Stats } from './lib';

/**
 * The audit (issue 6 targets: Crucible's stock deployment audited in < 50 ms; a 500-service compose file
 * in < 1 s), then compose files of 1, 10, 100 and 500 services and .env files of 10 to 10,000 lines to show
 * how time grows. Median of 5 runs after one warm-up. "end to end" = the service's run(): state read, .env and
 * compose files read, interpolation, override merge, every rule, check-env, and the other registered
 * deployments' fingerprints for the reuse rule (all 10 bench deployments are registered in one state, so each
 * audit compares with 9 others; the service re-parses another .env only when it changed, see
 * audit/other-fingerprints.ts). Run: `node bench/run.mjs audit`.
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

/** A deployment's files as they usually are: written a while ago (a fresh file is re-read by every audit). */
function settle(dir: string): void {
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (const f of readdirSync(dir)) utimesSync(join(dir, f), hourAgo, hourAgo);
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
  const stockEnv = readFileSync(join(dev, '.env'), 'utf8');
  const SERVICES = [1, 10, 100, 500];
  const LINES = [10, 100, 1000, 10_000];
  const composeOf = new Map(SERVICES.map((n) => [n, fixture('stock-dev')]));
  for (const [n, dir] of composeOf) writeFileSync(join(dir, 'docker-compose.yml'), bigCompose(n));
  const envOf = new Map(LINES.map((n) => [n, fixture('stock-dev')]));
  for (const [n, dir] of envOf) writeFileSync(join(dir, '.env'), envOfLines(stockEnv, n), { mode: 0o600 });
  for (const dir of [dev, prod, ...composeOf.values(), ...envOf.values()]) settle(dir);
  await store.update((s) => {
    s.deployments.push(
      benchDeployment('bench-dev', dev, { name: 'dev', environment: 'development' }),
      benchDeployment('bench-prod', prod, { name: 'prod', composeFiles: ['docker-compose.prod.yml'] }),
      ...[...composeOf].map(([n, folder]) =>
        benchDeployment(`bench-svc-${String(n)}`, folder, { name: `${String(n)} services` }),
      ),
      ...[...envOf].map(([n, folder]) =>
        benchDeployment(`bench-env-${String(n)}`, folder, { name: `${String(n)} lines` }),
      ),
    );
  });
  const noGit = createAuditService({
    store,
    journal,
    logger,
    clock: () => new Date(),
    gitBinary: null,
    profile: crucibleCeProfile,
  });
  const withGit = createAuditService({ store, journal, logger, clock: () => new Date(), profile: crucibleCeProfile });
  const sets = secretVariablesFrom(crucibleCeProfile.variables);
  const key = randomBytes(32);
  const validateEnv = (text: string, environment: 'production' | 'staging' | 'development') =>
    checkEnv(parseEnv(text), { profile: crucibleCeProfile, environment, file: '.env' });
  const big = composeOf.get(500)!;
  const bigCtx = await buildAuditContext(
    { id: 'bench-svc-500', name: 'big', folder: big, composeFiles: [], environment: 'production' },
    {
      fingerprintKey: key,
      secretVariables: sets.secret,
      requiredVariables: sets.required,
      profile: crucibleCeProfile,
      gitBinary: null,
    },
  );

  const rows: Row[] = [
    {
      group: 'audit',
      name: 'stock dev deployment, end to end (no git)',
      unit: 'ms',
      stats: await measure(() => noGit.run('bench-dev')),
      note: 'target < 50 ms',
    },
    {
      group: 'audit',
      name: 'stock prod deployment, end to end (no git)',
      unit: 'ms',
      stats: await measure(() => noGit.run('bench-prod')),
      note: 'target < 50 ms',
    },
    {
      group: 'audit',
      name: 'stock dev deployment, end to end (with 4 git calls)',
      unit: 'ms',
      stats: await measure(() => withGit.run('bench-dev')),
      note: 'git rev-parse, ls-files, check-ignore ×2 (not a repository here)',
    },
    {
      group: 'audit',
      name: 'stock dev deployment, CPU time',
      unit: 'ms',
      stats: await measureCpu(() => noGit.run('bench-dev')),
      note: 'user+system; excludes waiting for the other processes of a loaded machine',
    },
    {
      group: 'audit',
      name: 'stock dev deployment, first audit of the process',
      unit: 'ms',
      stats: await measure(() =>
        createAuditService({
          store,
          journal,
          logger,
          clock: () => new Date(),
          gitBinary: null,
          profile: crucibleCeProfile,
        }).run('bench-dev'),
      ),
      note: `the other ${String(LINES.length + SERVICES.length + 1)} deployments' .env files parsed for the reuse check (one of 10,000 lines); later audits re-read only changed files`,
    },
  ];
  // Growth: the stock dev deployment with its compose file replaced by n generated services, then with its
  // .env cut or padded to n lines (fixtures.ts).
  for (const n of SERVICES) {
    let findings = 0;
    const stats = await measure(async () => (findings = (await noGit.run(`bench-svc-${String(n)}`)).findings.length));
    rows.push({
      group: 'audit',
      name: `compose file of ${String(n)} service${n === 1 ? '' : 's'}, end to end`,
      unit: 'ms',
      stats,
      note: `${String(findings)} findings${n === 500 ? '; target < 1 s' : ''}`,
    });
  }
  rows.push({
    group: 'audit',
    name: '500-service compose, CPU time',
    unit: 'ms',
    stats: await measureCpu(() => noGit.run('bench-svc-500')),
  });
  rows.push({
    group: 'audit',
    name: '500-service compose, rules only (files already read and merged)',
    unit: 'ms',
    stats: await measure(() => runAudit(bigCtx, { validateEnv })),
  });
  for (const n of LINES) {
    let findings = 0;
    // The 10,000-line audit takes seconds a run: no warm-up there (the smaller ones warmed the code).
    const stats = await measure(async () => (findings = (await noGit.run(`bench-env-${String(n)}`)).findings.length), {
      runs: 5,
      warmup: n >= 10_000 ? 0 : 1,
    });
    rows.push({
      group: 'audit',
      name: `.env of ${n.toLocaleString('en')} lines (stock compose), end to end`,
      unit: 'ms',
      stats,
      note: `${String(findings)} findings`,
    });
  }
  return rows;
}
