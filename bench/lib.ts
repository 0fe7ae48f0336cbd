import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';

/**
 * The benchmark contract: every `bench/*.bench.ts` default-exports an async function returning rows.
 * bench/run.mjs bundles and runs them all in one process run and prints one Markdown table.
 */
export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export interface Row {
  group: string;
  name: string;
  unit: 'ms' | 'kB' | 'count';
  stats: Stats;
  /** The same measure for the reference implementation, when one exists: the table shows ours / reference. */
  reference?: { name: string; stats: Stats };
  note?: string;
}

export function summarise(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, runs: s.length };
}

/** Times `fn` `runs` times after `warmup` untimed runs; milliseconds. */
export async function measure(fn: () => unknown, { runs = 5, warmup = 1 } = {}): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return summarise(samples);
}

/** A single value measured once (sizes). */
export function constant(value: number): Stats {
  return { median: value, min: value, max: value, runs: 1 };
}

/** CPU time (user + system, every thread of this process: libuv pool and native threads included) spent in `fn`; ms. */
export async function cpuMs(fn: () => unknown): Promise<number> {
  const c = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

/**
 * CPU time (user + system) of this process's waited-for children so far, from /proc/self/stat (cutime +
 * cstime, in USER_HZ = 100 ticks: 10 ms resolution); ms. Null where /proc is absent.
 */
export function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 (cutime) and 17 (cstime) of proc(5); f[0] is field 3.
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return null;
  }
}

/**
 * Runs `a` and `b` alternately (a, b, a, b …) `runs` times each after `warmup` rounds, so that both see the
 * same load on a shared machine. Each function returns its own sample (ms), so it may time itself.
 */
export async function interleaved(
  a: () => Promise<number> | number,
  b: () => Promise<number> | number,
  { runs = 5, warmup = 1 } = {},
): Promise<[Stats, Stats]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < runs; i++) {
    sa.push(await a());
    sb.push(await b());
  }
  return [summarise(sa), summarise(sb)];
}

/** Wall time of `fn`; ms. */
export async function wallMs(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
