import { execFileSync, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A throwaway PostgreSQL 15 cluster for integration tests, through scripts/pg-throwaway.sh
 * (trust auth on 127.0.0.1, random high port, fsync off). Each test file starts its own and stops it.
 */
const SCRIPT = fileURLToPath(new URL('../../scripts/pg-throwaway.sh', import.meta.url));

export interface ThrowawayPg {
  dir: string;
  port: number;
  /** Connection URL for a database (default `postgres`). */
  url(db?: string): string;
  /** Runs psql with `-v ON_ERROR_STOP=1 -X -q -At`; `stdin` feeds SQL. Never throws: inspect status. */
  psql(db: string, args: string[], stdin?: string): { status: number; stdout: string; stderr: string };
  /** Like psql but throws on failure and returns stdout without the trailing newline. */
  query(db: string, sql: string): string;
  stop(): void;
}

/** Starts a cluster; retries a few random ports if one is taken. */
export function startThrowawayPg(): ThrowawayPg {
  const dir = mkdtempSync(join(tmpdir(), 'cs-pg-'));
  let port = 0;
  let lastErr = '';
  for (let attempt = 0; attempt < 5 && port === 0; attempt++) {
    const p = randomInt(40_000, 60_000);
    const r = spawnSync(SCRIPT, ['start', dir, String(p)], { encoding: 'utf8' });
    if (r.status === 0) port = p;
    else lastErr = r.stderr;
  }
  if (port === 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start a throwaway PostgreSQL: ${lastErr}`);
  }
  const url = (db = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${db}`;
  const psql = (db: string, args: string[], stdin?: string) => {
    const r = spawnSync('psql', [url(db), '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], {
      encoding: 'utf8',
      input: stdin ?? '',
    });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    dir,
    port,
    url,
    psql,
    query(db, sql) {
      const r = psql(db, ['-At', '-c', sql]);
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
      return r.stdout.replace(/\n$/, '');
    },
    stop() {
      try {
        execFileSync(SCRIPT, ['stop', dir], { stdio: 'ignore' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
