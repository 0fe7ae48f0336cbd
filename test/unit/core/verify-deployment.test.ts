import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHost } from '../../../electron/core/host';
import { Redactor } from '../../../electron/core/log/redact';
import { verifyDeployment } from '../../../electron/core/verify/verify-deployment';

/** The check of the running service through a host, with a `docker` that plays the api container. */
function world(script: string) {
  const home = mkdtempSync(join(tmpdir(), 'cs-verify-'));
  const folder = mkdtempSync(join(tmpdir(), 'cs-verify-dep-'));
  const stdinLog = join(home, 'stdin');
  writeFileSync(join(home, 'docker'), `#!/bin/sh\ncat > "${stdinLog}"\n${script}\n`);
  chmodSync(join(home, 'docker'), 0o755);
  const env = { ...process.env, PATH: `${home}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  const deps = {
    openHost: (l: Parameters<typeof openHost>[0]) => openHost(l, { home, env }),
    redactor: new Redactor(),
  };
  const d = {
    id: 'verify-test',
    name: 'v',
    folder,
    composeFiles: ['docker-compose.yml'],
    environment: 'production' as const,
    createdAt: '2026-12-06T00:00:00Z',
  };
  return { deps, d, stdin: () => readFileSync(stdinLog, 'utf8') };
}

describe('verifyDeployment', () => {
  it('reports each check, and failed when one failed; the password goes on stdin, never argv', async () => {
    const w = world(
      `echo '{"results":[{"check":"health","ok":true,"detail":"GET /api/health answered 200"},{"check":"login","ok":false,"detail":"POST /api/auth/login answered 401"}]}'; exit 3`,
    );
    const r = await verifyDeployment(w.deps, w.d, { loginPassword: 'CANARY-login-password-123' });
    expect(r.ok).toBe(false);
    expect(r.results.map((c) => [c.check, c.ok])).toEqual([
      ['health', true],
      ['login', false],
    ]);
    expect(w.stdin()).toContain('CANARY-login-password-123');
    expect(JSON.parse(w.stdin().trim())).toMatchObject({ checks: ['health', 'redis', 'login', 'provider-keys'] });
  });

  it('says why in words when the check could not run at all (docker without the compose plugin)', async () => {
    const w = world(`echo "unknown shorthand flag: 'T' in -T" >&2; exit 125`);
    const r = await verifyDeployment(w.deps, w.d);
    expect(r.ok).toBe(false);
    expect(r.results).toEqual([]);
    expect(r.problem?.summary).toMatch(/Compose v2 plugin|compose plugin/i);
  });
});
