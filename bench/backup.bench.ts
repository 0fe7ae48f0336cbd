import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { createBackupService, type BackupService } from '../electron/core/backup/backup.service';
import { envFilePort, stateStorePort } from '../electron/core/backup/adapters';
import { deriveKeys, DEFAULT_KDF } from '../electron/core/backup/kdf';
import { MemoryKeychain } from '../electron/core/keychain/memory-keychain';
import { serviceFor } from '../electron/core/keychain/keychain';
import { createLogger, nullSink } from '../electron/core/log/logger';
import { createStateStore } from '../electron/core/store/state-store';
import { createJournal } from '../electron/core/journal/journal';
import { fingerprintWith } from '../electron/core/inventory/fingerprint';
import { summarise, measure, type Row, type Stats } from './lib';

/**
 * Backup (issue 8): the KDF against Debian's reference `argon2` command at the same parameters; export,
 * verify and restore of 10/100/1,000 secrets with the production KDF (reference: the KDF alone) and without
 * it (the app's own overhead); the longest event-loop stall during an export. The keychain is in memory here
 * so that keyring I/O (measured in keychain.bench.ts) does not hide the backup code's own cost.
 */
const PASS = 'violet tractor sings under seven moons';
const RUNS = 5;
const ms = (ns: number) => ns / 1e6;

function world(n: number, weak: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-backup-'));
  const folder = join(dir, 'crucible');
  mkdirSync(folder);
  const logger = createLogger({ sink: nullSink });
  const store = createStateStore({ file: join(dir, 'state.json'), logger });
  const journal = createJournal({ file: join(dir, 'journal.jsonl') });
  const keychain = new MemoryKeychain();
  const key = randomBytes(32);
  const svc: BackupService = createBackupService(
    { keychain: () => Promise.resolve(keychain), state: stateStorePort(store, () => new Date()), journal, env: envFilePort(), fingerprinter: () => Promise.resolve((v) => fingerprintWith(key, v)), logger, clock: () => new Date(), appVersion: 'bench' },
    weak ? { kdf: { memoryKiB: 8, iterations: 1, parallelism: 1 }, weakKdfForTests: true } : {},
  );
  const id = 'bench-deployment';
  const seed = async () => {
    await store.update((s) => {
      s.deployments.push({ id, name: 'Bench', folder, composeFiles: [], environment: 'production', createdAt: new Date().toISOString() });
    });
    for (let i = 0; i < n; i++) await keychain.set(serviceFor(id), `SECRET_${i}`, randomBytes(32).toString('base64url'));
  };
  const wipe = async () => {
    for (const e of await keychain.list(serviceFor(id))) await keychain.delete(serviceFor(id), e.account);
    rmSync(join(folder, '.env'), { force: true });
  };
  return { dir, folder, svc, id, seed, wipe, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Times each operation RUNS times; restore is plan + apply (keychain and .env rewritten) after a wipe. */
async function operations(n: number, weak: boolean): Promise<{ export: Stats; verify: Stats; restore: Stats; stallMs: number[] }> {
  const w = world(n, weak);
  try {
    await w.seed();
    const file = join(w.dir, 'b.csbackup');
    const exp: number[] = [];
    const stalls: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      const t = performance.now();
      await w.svc.exportTo(file, [w.id], PASS, PASS);
      exp.push(performance.now() - t);
      h.disable();
      stalls.push(ms(h.max));
    }
    const info = await w.svc.registerFile(file);
    const verify = await measure(() => w.svc.verify(info.fileId, PASS), { runs: RUNS, warmup: 0 });
    const res: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await w.wipe();
      const t = performance.now();
      const plan = await w.svc.planRestore(info.fileId, PASS);
      await w.svc.applyRestore({ sessionId: plan.sessionId, deployments: [{ deploymentId: w.id, secrets: plan.deployments[0]!.secrets.map((s) => s.name), rewriteEnv: true }] });
      res.push(performance.now() - t);
    }
    return { export: summarise(exp), verify, restore: summarise(res), stallMs: stalls };
  } finally {
    w.close();
  }
}

export default async function backup(): Promise<Row[]> {
  const rows: Row[] = [];
  const salt = randomBytes(32);
  const kdf = await measure(() => deriveKeys(PASS, salt, DEFAULT_KDF), { runs: RUNS, warmup: 1 });
  // Debian's reference implementation (argon2 CLI, libargon2) at the same parameters: 2^16 KiB, t=3, p=4, 64-byte tag.
  const cliSalt = salt.toString('hex').slice(0, 32);
  const cli = spawnSync('argon2', [cliSalt, '-id', '-m', '16', '-t', '3', '-p', '4', '-l', '64', '-r'], { input: PASS });
  const cliStats =
    cli.status === 0
      ? await measure(() => spawnSync('argon2', [cliSalt, '-id', '-m', '16', '-t', '3', '-p', '4', '-l', '64', '-r'], { input: PASS }), { runs: RUNS, warmup: 1 })
      : null;
  rows.push({
    group: 'backup',
    name: 'Argon2id KDF m=64 MiB t=3 p=4 (node argon2 0.44)',
    unit: 'ms',
    stats: kdf,
    reference: cliStats ? { name: 'argon2 CLI (Debian libargon2)', stats: cliStats } : undefined,
    note: cliStats ? 'CLI time includes process start' : 'argon2 CLI not found',
  });
  for (const n of [10, 100, 1000]) {
    const full = await operations(n, false);
    const bare = await operations(n, true);
    for (const op of ['export', 'verify', 'restore'] as const) {
      rows.push({ group: 'backup', name: `${op} ${n} secrets (production KDF)`, unit: 'ms', stats: full[op], reference: { name: 'KDF alone', stats: kdf } });
      rows.push({ group: 'backup', name: `${op} ${n} secrets minus KDF (Argon2 minimum params)`, unit: 'ms', stats: bare[op] });
    }
    rows.push({ group: 'backup', name: `max event-loop stall during export of ${n} secrets`, unit: 'ms', stats: summarise(full.stallMs), note: 'monitorEventLoopDelay, resolution 1 ms' });
  }
  return rows;
}
