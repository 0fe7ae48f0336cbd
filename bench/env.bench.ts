import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvFile, parseEnv } from '../electron/core/envfile';
import { crucibleCeProfile } from '../electron/core/stack';
import { checkEnv } from '../electron/core/validation';
import { envOfLines } from './fixtures';
import { measure, type Row } from './lib';

/**
 * The .env engine (issue 3 targets: check-env on Crucible's .env < 20 ms; a 10,000-line .env < 1 s), then
 * .env files of 10, 100, 1,000 and 10,000 lines to show how time grows (fixtures.ts envOfLines: Crucible's
 * stock lines, cut or padded). bcrypt against python3-bcrypt is in hashing.bench.ts. Run: `node bench/run.mjs env`.
 */
export default async function envBench(): Promise<Row[]> {
  const stockPath = join(process.cwd(), 'test/fixtures/env/crucible-stock.env');
  const stock = readFileSync(stockPath, 'utf8');
  const check = (text: string) => checkEnv(parseEnv(text), { profile: crucibleCeProfile, environment: 'production' });
  const rows: Row[] = [
    {
      group: 'env',
      name: "check-env on Crucible's stock .env (parse + python-dotenv comparison + rules)",
      unit: 'ms',
      stats: await measure(() => check(stock), { runs: 21, warmup: 3 }),
      note: 'target < 20 ms',
    },
    {
      group: 'env',
      name: "check-env on Crucible's stock .env incl. file read + sha256",
      unit: 'ms',
      stats: await measure(
        async () => {
          const { doc } = await readEnvFile(stockPath);
          checkEnv(doc, { profile: crucibleCeProfile, environment: 'production' });
        },
        { runs: 21, warmup: 3 },
      ),
      note: 'target < 20 ms',
    },
  ];
  for (const n of [10, 100, 1000, 10_000]) {
    const text = envOfLines(stock, n);
    rows.push({
      group: 'env',
      name: `check-env on a ${n.toLocaleString('en')}-line .env`,
      unit: 'ms',
      stats: await measure(() => check(text), { runs: n >= 10_000 ? 5 : 9, warmup: 1 }),
      note: n === 10_000 ? 'target < 1000 ms' : undefined,
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-env-'));
  try {
    const bigPath = join(dir, '.env');
    writeFileSync(bigPath, envOfLines(stock, 10_000));
    const bigFile = await measure(
      async () => {
        const { doc } = await readEnvFile(bigPath);
        checkEnv(doc, { profile: crucibleCeProfile, environment: 'production' });
      },
      { runs: 5, warmup: 1 },
    );
    rows.push({
      group: 'env',
      name: 'check-env on a 10,000-line .env incl. file read + sha256',
      unit: 'ms',
      stats: bigFile,
      note: 'target < 1000 ms',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
