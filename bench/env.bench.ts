import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvFile, parseEnv } from '../electron/core/envfile';
import { hashPassword } from '../electron/core/hashing';
import { crucibleCeProfile } from '../electron/core/stack';
import { checkEnv } from '../electron/core/validation';
import { measure, summarise, type Row } from './lib';

/**
 * The .env engine and bcrypt (issue 3 targets: check-env on Crucible's .env < 20 ms; a 10,000-line .env
 * < 1 s; bcrypt cost 12 within 10 % of python3-bcrypt on the same machine). Run: `node bench/run.mjs env`.
 */
export default async function envBench(): Promise<Row[]> {
  const stockPath = join(process.cwd(), 'test/fixtures/env/crucible-stock.env');
  const stock = readFileSync(stockPath, 'utf8');
  const check = (text: string) => checkEnv(parseEnv(text), { profile: crucibleCeProfile, environment: 'production' });

  // 10,000 lines: the stock file, then comments, blank lines and unknown keys in every quoting style.
  const lines = stock.split('\n');
  for (let i = 0; lines.length < 10_000; i++) {
    const style = i % 4;
    lines.push(style === 0 ? `# comment ${i}` : style === 1 ? `EXTRA_${i}='value-${i}-Ab9_xYz'` : style === 2 ? `EXTRA_${i}="dq ${i} \\n esc"` : `EXTRA_${i}=plain-${i} # trailing`);
  }
  const big = lines.slice(0, 10_000).join('\n') + '\n';
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-env-'));
  const bigPath = join(dir, '.env');
  writeFileSync(bigPath, big);

  const stockStats = await measure(() => check(stock), { runs: 21, warmup: 3 });
  const stockFile = await measure(async () => {
    const { doc } = await readEnvFile(stockPath);
    checkEnv(doc, { profile: crucibleCeProfile, environment: 'production' });
  }, { runs: 21, warmup: 3 });
  const bigStats = await measure(() => check(big), { runs: 5, warmup: 1 });
  const bigFile = await measure(async () => {
    const { doc } = await readEnvFile(bigPath);
    checkEnv(doc, { profile: crucibleCeProfile, environment: 'production' });
  }, { runs: 5, warmup: 1 });
  rmSync(dir, { recursive: true, force: true });

  // bcrypt cost 12: ours (native, thread pool) vs Debian python3-bcrypt timed inside Python (no start-up).
  const ours = await measure(() => hashPassword('correct horse battery staple', 12), { runs: 5, warmup: 1 });
  const py = execFileSync('/usr/bin/python3', ['-c', [
    'import bcrypt, time, json',
    'pw = b"correct horse battery staple"',
    'bcrypt.hashpw(pw, bcrypt.gensalt(12))',
    'out = []',
    'for _ in range(5):',
    '    t = time.perf_counter(); bcrypt.hashpw(pw, bcrypt.gensalt(12)); out.append((time.perf_counter() - t) * 1000)',
    'print(json.dumps(out))',
  ].join('\n')], { encoding: 'utf8' });
  const pyStats = summarise(JSON.parse(py) as number[]);

  return [
    { group: 'env', name: "check-env on Crucible's stock .env (parse + python comparison + rules)", unit: 'ms', stats: stockStats, note: 'target < 20 ms' },
    { group: 'env', name: "check-env on Crucible's stock .env incl. file read + sha256", unit: 'ms', stats: stockFile, note: 'target < 20 ms' },
    { group: 'env', name: 'check-env on a 10,000-line .env', unit: 'ms', stats: bigStats, note: 'target < 1000 ms' },
    { group: 'env', name: 'check-env on a 10,000-line .env incl. file read + sha256', unit: 'ms', stats: bigFile, note: 'target < 1000 ms' },
    { group: 'hashing', name: 'bcrypt cost 12 hash (node bcrypt 6, thread pool)', unit: 'ms', stats: ours, reference: { name: 'python3-bcrypt hashpw', stats: pyStats }, note: 'target ratio ≤ 1.10' },
  ];
}
