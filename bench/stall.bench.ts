import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { hashPassword } from '../electron/core/hashing';
import { MemoryKeychain } from '../electron/core/keychain/memory-keychain';
import { createLogger, nullSink } from '../electron/core/log/logger';
import { createCoreServices, type CoreServices } from '../electron/core/services';
import { addDeployment } from '../electron/core/store/deployments';
import { benchDeployment, seedSecrets } from './fixtures';
import { summarise, type Row } from './lib';

/**
 * The main process's longest event-loop stall while a backup export (production Argon2id, 100 secrets) and
 * a bcrypt cost-12 password hash run concurrently through the real core services (createCoreServices: the
 * state store, journal, fingerprinter and backup service the app uses; the keychain is a MemoryKeychain so
 * keyring I/O does not enter). The figure is monitorEventLoopDelay's max with a 1 ms resolution: the longest
 * gap between two 1 ms timer ticks, so it includes that 1 ms. "Warm" runs follow one warm-up export in the
 * same process; "first export" runs each start a fresh process, so they include every first-use cost (the
 * passphrase-strength dictionaries, code not yet compiled). Reference: the same monitor over an idle sleep
 * of the same length (what the loaded machine itself costs).
 */
const RUNS = 5;
const SECRETS = 100;
const PASS = 'violet tractor sings under seven moons';
const COLD_ENV = 'CS_BENCH_STALL_CHILD';
const ms = (ns: number) => ns / 1e6;

async function world(): Promise<{ core: CoreServices; id: string; file: string; close: () => void }> {
  const home = mkdtempSync(join(tmpdir(), 'cs-bench-stall-'));
  const folder = join(home, 'crucible');
  mkdirSync(folder);
  const keychain = new MemoryKeychain();
  const core = createCoreServices({ home, logger: createLogger({ sink: nullSink }), keychain });
  const id = `bench-${randomBytes(3).toString('hex')}`;
  await core.store.update((s) => addDeployment(s, benchDeployment(id, folder)));
  await seedSecrets(keychain, id, SECRETS);
  return { core, id, file: join(home, 'b.csbackup'), close: () => rmSync(home, { recursive: true, force: true }) };
}

/** Max event-loop delay (ms) and wall time (ms) while `fn` runs. */
async function stall(fn: () => Promise<unknown>): Promise<{ max: number; wall: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // The histogram records the gap between two ticks, so it needs a first tick before `fn`'s synchronous
  // start (or a stall there goes unseen) and one more after its end.
  await sleep(10);
  const t = performance.now();
  await fn();
  const wall = performance.now() - t;
  await sleep(10);
  h.disable();
  return { max: ms(h.max), wall };
}

const both = (w: { core: CoreServices; id: string; file: string }) =>
  Promise.all([w.core.backup.exportTo(w.file, [w.id], PASS, PASS), hashPassword('correct horse battery staple', 12)]);

/** Child mode: one concurrent export + hash in a fresh process, printed as JSON. */
async function coldChild(): Promise<void> {
  const w = await world();
  try {
    const r = await stall(() => both(w));
    process.stdout.write(JSON.stringify(r));
  } finally {
    w.close();
  }
}

export default async function stallBench(): Promise<Row[]> {
  const w = await world();
  const samples = {
    idle: [] as number[],
    exp: [] as number[],
    hash: [] as number[],
    both: [] as number[],
    bothWall: [] as number[],
    cold: [] as number[],
  };
  try {
    await both(w); // warm-up: dictionaries built, code paths compiled
    for (let i = 0; i < RUNS; i++) {
      const b = await stall(() => both(w));
      samples.both.push(b.max);
      samples.bothWall.push(b.wall);
      samples.exp.push((await stall(() => w.core.backup.exportTo(w.file, [w.id], PASS, PASS))).max);
      samples.hash.push((await stall(() => hashPassword('correct horse battery staple', 12))).max);
      samples.idle.push((await stall(() => sleep(b.wall))).max);
    }
  } finally {
    w.close();
  }
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, [__filename], {
      env: { ...process.env, [COLD_ENV]: '1' },
      encoding: 'utf8',
    });
    samples.cold.push((JSON.parse(out) as { max: number }).max);
  }
  const idle = { name: 'idle sleep of the same length', stats: summarise(samples.idle) };
  const note = 'monitorEventLoopDelay max, resolution 1 ms (includes the 1 ms tick)';
  return [
    {
      group: 'event loop',
      name: `longest stall: backup export (${String(SECRETS)} secrets, production KDF) + bcrypt-12 hash concurrently, warm`,
      unit: 'ms',
      stats: summarise(samples.both),
      reference: idle,
      note: `${note}; both together took ${summarise(samples.bothWall).median.toFixed(0)} ms`,
    },
    {
      group: 'event loop',
      name: 'longest stall: same, first export in a fresh process',
      unit: 'ms',
      stats: summarise(samples.cold),
      reference: idle,
      note: 'first-use costs included (passphrase-strength dictionaries, code not yet compiled)',
    },
    {
      group: 'event loop',
      name: 'longest stall: backup export alone, warm',
      unit: 'ms',
      stats: summarise(samples.exp),
      reference: idle,
    },
    {
      group: 'event loop',
      name: 'longest stall: bcrypt-12 hash alone',
      unit: 'ms',
      stats: summarise(samples.hash),
      reference: idle,
    },
  ];
}

if (process.env[COLD_ENV] === '1') void coldChild();
