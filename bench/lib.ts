import { performance } from 'node:perf_hooks';

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
