import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { createBackupService, type BackupService } from '../electron/core/backup/backup.service';
import { envFilePort, stateStorePort } from '../electron/core/backup/adapters';
import { DEFAULT_KDF, deriveKeys } from '../electron/core/backup/kdf';
import { MemoryKeychain } from '../electron/core/keychain/memory-keychain';
import { serviceFor } from '../electron/core/keychain/keychain';
import { createLogger, nullSink } from '../electron/core/log/logger';
import { createStateStore } from '../electron/core/store/state-store';
import { createJournal } from '../electron/core/journal/journal';
import { fingerprintWith } from '../electron/core/inventory/fingerprint';
import { benchDeployment, seedSecrets } from './fixtures';
import { interleaved, summarise, measure, type Row, type Stats } from './lib';
import { passwordHashVariables } from '../electron/core/hashing/stored-form';
import { crucibleCeProfile } from '../electron/core/stack/crucible-ce';

const PASSWORD_VARS = passwordHashVariables(crucibleCeProfile);

/**
 * Backup (issue 8): export, verify and restore of 10/100/1,000 secrets minus the KDF, i.e. the same service
 * code with Argon2's minimum parameters (its cost is measured and stated), then export and restore of 1,000
 * secrets with the production KDF against the KDF alone: the issue's "less than 5 % longer than the KDF". The KDF itself against Debian's `argon2` is in hashing.bench.ts; the event-loop
 * stall during an export in stall.bench.ts. The keychain is in memory here so that keyring I/O (measured in
 * keychain.bench.ts) does not hide the backup code's own cost. Export includes the passphrase-strength check,
 * the atomic 0600 write and the journal entry; restore is plan + apply (keychain and .env rewritten).
 */
const PASS = 'violet tractor sings under seven moons';
const RUNS = 5;
/** Argon2's own minimum parameters, reachable only through the tests-only weakKdfForTests option. */
const WEAK_KDF = { memoryKiB: 8, iterations: 1, parallelism: 1 };

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
    {
      keychain: () => Promise.resolve(keychain),
      state: stateStorePort(store, () => new Date()),
      journal,
      env: envFilePort(PASSWORD_VARS, { home: dir }),
      passwordVariables: PASSWORD_VARS,
      fingerprinter: () => Promise.resolve((v) => fingerprintWith(key, v)),
      logger,
      clock: () => new Date(),
      appVersion: 'bench',
    },
    weak ? { kdf: WEAK_KDF, weakKdfForTests: true } : {},
  );
  const id = 'bench-deployment';
  const seed = async () => {
    await store.update((s) => {
      s.deployments.push(benchDeployment(id, folder));
    });
    await seedSecrets(keychain, id, n);
  };
  const wipe = async () => {
    for (const e of await keychain.list(serviceFor(id))) await keychain.delete(serviceFor(id), e.account);
    rmSync(join(folder, '.env'), { force: true });
  };
  return { dir, folder, svc, id, seed, wipe, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Times each operation RUNS times; restore is plan + apply (keychain and .env rewritten) after a wipe. */
async function operations(n: number, weak: boolean): Promise<{ export: Stats; verify: Stats; restore: Stats }> {
  const w = world(n, weak);
  try {
    await w.seed();
    const file = join(w.dir, 'b.csbackup');
    await w.svc.exportTo(file, [w.id], PASS, PASS); // warm-up: builds the passphrase checker
    const exp: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await w.svc.exportTo(file, [w.id], PASS, PASS);
      exp.push(performance.now() - t);
    }
    const info = await w.svc.registerFile(file);
    const verify = await measure(() => w.svc.verify(info.fileId, PASS), { runs: RUNS, warmup: 0 });
    const res: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await w.wipe();
      const t = performance.now();
      const plan = await w.svc.planRestore(info.fileId, PASS);
      await w.svc.applyRestore({
        sessionId: plan.sessionId,
        deployments: [
          { deploymentId: w.id, secrets: plan.deployments[0]!.secrets.map((s) => s.name), rewriteEnv: true },
        ],
      });
      res.push(performance.now() - t);
    }
    return { export: summarise(exp), verify, restore: summarise(res) };
  } finally {
    w.close();
  }
}

export default async function backup(): Promise<Row[]> {
  const rows: Row[] = [];
  // What "minus KDF" still contains: one Argon2id call at Argon2's minimum parameters.
  const salt = randomBytes(32);
  const weakKdf = await measure(() => deriveKeys(PASS, salt, WEAK_KDF, { weakKdfForTests: true }), {
    runs: RUNS,
    warmup: 1,
  });
  for (const n of [10, 100, 1000]) {
    const bare = await operations(n, true);
    for (const op of ['export', 'verify', 'restore'] as const) {
      rows.push({
        group: 'backup',
        name: `${op} ${String(n)} secrets, minus KDF`,
        unit: 'ms',
        stats: bare[op],
        note:
          n === 10 && op === 'export'
            ? `minus KDF = the same code with Argon2's minimum parameters (8 KiB, t=1, p=1: ${weakKdf.median.toFixed(2)} ms per call) instead of 64 MiB, t=3, p=4`
            : undefined,
      });
    }
  }
  rows.push(...(await againstKdf(1000)));
  return rows;
}

/**
 * The measure as the admin meets it: export, and restore (plan + apply), of n secrets with the
 * production KDF, each of 21 runs alternating with one KDF call alone at the same parameters (lib.ts
 * interleaved), so both see the same load (11 runs left the ratio ±8 % between whole bench runs on this VM).
 * Targets (issue 8, restated by issue 20): export ≤ 1.05 × the KDF alone; for restore, the step with the KDF
 * (open and plan) ≤ 1.05 × the KDF alone, and apply (no KDF) ≤ 60 ms for 1,000 secrets. Restore as a whole (plan + apply) is shown for reference: apply is work the KDF cannot hide.
 */
async function againstKdf(n: number): Promise<Row[]> {
  const w = world(n, false);
  try {
    await w.seed();
    const file = join(w.dir, 'b.csbackup');
    await w.svc.exportTo(file, [w.id], PASS, PASS); // builds the passphrase checker
    const salt = randomBytes(32);
    const kdfAlone = async () => {
      const t = performance.now();
      await deriveKeys(PASS, salt, DEFAULT_KDF);
      return performance.now() - t;
    };
    const [exp, kdfE] = await interleaved(
      async () => {
        const t = performance.now();
        await w.svc.exportTo(file, [w.id], PASS, PASS);
        return performance.now() - t;
      },
      kdfAlone,
      { runs: 21, warmup: 1 },
    );
    const info = await w.svc.registerFile(file);
    const plans: number[] = [];
    const applies: number[] = [];
    const [res, kdfR] = await interleaved(
      async () => {
        await w.wipe();
        const t = performance.now();
        const plan = await w.svc.planRestore(info.fileId, PASS);
        const planned = performance.now();
        await w.svc.applyRestore({
          sessionId: plan.sessionId,
          deployments: [
            { deploymentId: w.id, secrets: plan.deployments[0]!.secrets.map((s) => s.name), rewriteEnv: true },
          ],
        });
        const end = performance.now();
        plans.push(planned - t);
        applies.push(end - planned);
        return end - t;
      },
      kdfAlone,
      { runs: 21, warmup: 1 },
    );
    // interleaved() ran one warm-up round first: its samples are not in the medians above.
    plans.shift();
    applies.shift();
    const ref = (stats: Stats) => ({ name: 'the KDF alone (Argon2id 64 MiB, t=3, p=4), runs alternating', stats });
    return [
      {
        group: 'backup',
        name: `export ${String(n)} secrets, production KDF`,
        unit: 'ms',
        stats: exp,
        reference: ref(kdfE),
        note: 'target ratio < 1.05',
      },
      {
        group: 'backup',
        name: `restore ${String(n)} secrets (plan + apply), production KDF`,
        unit: 'ms',
        stats: res,
        reference: ref(kdfR),
        note: 'no target of its own: the sum of the two rows below',
      },
      {
        group: 'backup',
        name: `restore ${String(n)} secrets: open and plan (KDF, decrypt, conflicts by fingerprint)`,
        unit: 'ms',
        stats: summarise(plans),
        reference: ref(kdfR),
        note: 'the step with the KDF; target ratio ≤ 1.05',
      },
      {
        group: 'backup',
        name: `restore ${String(n)} secrets: apply (no KDF)`,
        unit: 'ms',
        stats: summarise(applies),
        note: `target ≤ 60 ms for 1,000 secrets; write-ahead state write, ${String(n)} keychain writes (in memory), .env rewrite checked by both readers, state commit, journal`,
      },
    ];
  } finally {
    w.close();
  }
}
