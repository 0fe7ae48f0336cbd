/**
 * Generated inputs for the growth rows (how time grows with the size of a .env or a compose file), and the
 * deployment and secrets the benches seed their state with.
 */

import { randomBytes } from 'node:crypto';
import type { DeploymentRef } from '../electron/common/model/deployment';
import { serviceFor, type Keychain } from '../electron/core/keychain/keychain';

/** A bench's deployment record: 'Bench', production, no extra compose file, created now; `over` changes any. */
export function benchDeployment(id: string, folder: string, over: Partial<DeploymentRef> = {}): DeploymentRef {
  return {
    id,
    name: 'Bench',
    folder,
    composeFiles: [],
    environment: 'production',
    createdAt: new Date().toISOString(),
    ...over,
  };
}

/** Stores `n` random values, SECRET_0 … SECRET_{n-1}, under deployment `id` in `keychain`. */
export async function seedSecrets(keychain: Keychain, id: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await keychain.set(serviceFor(id), `SECRET_${String(i)}`, randomBytes(32).toString('base64url'));
}

/**
 * A .env of exactly `n` lines: `stock`'s lines first (cut to `n` when shorter), then padded with comments and
 * unknown keys in every quoting style (single, double with an escape, unquoted with a trailing comment).
 */
export function envOfLines(stock: string, n: number): string {
  const lines = stock.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
  for (let i = 0; lines.length < n; i++) {
    const style = i % 4;
    lines.push(
      style === 0
        ? `# comment ${String(i)}`
        : style === 1
          ? `EXTRA_${String(i)}='value-${String(i)}-Ab9_xYz'`
          : style === 2
            ? `EXTRA_${String(i)}="dq ${String(i)} \\n esc"`
            : `EXTRA_${String(i)}=plain-${String(i)} # trailing`,
    );
  }
  return lines.slice(0, n).join('\n') + '\n';
}

/** A compose file with `n` services shaped like Crucible's (ports, environment, command, healthcheck, volumes). */
export function bigCompose(n: number): string {
  const out = ['services:'];
  for (let i = 0; i < n; i++) {
    const kind = i % 5;
    out.push(`  svc-${String(i)}:`);
    out.push(
      `    image: ${kind === 0 ? 'postgres:15-alpine' : kind === 1 ? 'redis:7-alpine' : `example/app-${String(i)}:${kind === 2 ? 'latest' : '1.2.3'}`}`,
    );
    out.push('    ports:');
    out.push(
      kind === 0
        ? `      - "${String(20000 + i)}:5432"`
        : kind === 1
          ? `      - "127.0.0.1:${String(20000 + i)}:6379"`
          : `      - target: 8000\n        published: ${String(20000 + i)}`,
    );
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
