import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseFailure, lastLines, type DiagnosisKind } from '../../../electron/core/host/diagnose';
import type { RunResult } from '../../../electron/core/host/host';
import { LocalHost } from '../../../electron/core/host/local-host';
import { Redactor } from '../../../electron/core/log/redact';

/**
 * Where the machine can produce the real message, the test runs the real program: /usr/local/bin/docker here
 * is the docker 28 CLI alone (no compose plugin, no daemon).
 */
const DOCKER = '/usr/local/bin/docker';
const host = new LocalHost({ kind: 'local', path: tmpdir() });
const res = (code: number, stderr: string, stdout = ''): RunResult => ({ code, stdout, stderr });

describe('diagnoseFailure on real docker 28 output', () => {
  it('names the missing compose plugin for `docker compose exec -T` ("unknown shorthand flag: \'T\' in -T")', async () => {
    const argv = [DOCKER, 'compose', 'exec', '-T', 'postgres', 'psql', '-U', 'roundtable'];
    const r = await host.run(argv);
    expect(r.stderr).toContain("unknown shorthand flag: 'T' in -T");
    const d = diagnoseFailure(argv, r);
    expect(d.kind).toBe('compose-plugin-missing');
    expect(d.hint).toMatch(/docker-compose-plugin/);
    expect(d.hint).toMatch(/~\/\.docker\/cli-plugins/);
  });

  it.each([[['compose', 'version', '--short']], [['compose', 'version']], [['compose', 'up', '-d', 'api']]])(
    'names the missing compose plugin for docker %j',
    async (args) => {
      const argv = [DOCKER, ...args];
      expect(diagnoseFailure(argv, await host.run(argv)).kind).toBe('compose-plugin-missing');
    },
  );

  it('names a stopped daemon ("Cannot connect to the Docker daemon")', async () => {
    const argv = [DOCKER, '-H', `unix://${join(mkdtempSync(join(tmpdir(), 'cs-nodaemon-')), 'docker.sock')}`, 'info'];
    const r = await host.run(argv);
    expect(r.stderr).toContain('Cannot connect to the Docker daemon');
    expect(diagnoseFailure(argv, r)).toMatchObject({
      kind: 'daemon-down',
      hint: expect.stringContaining('systemctl start docker'),
    });
  });

  it('names the docker command missing (127)', async () => {
    const bare = new LocalHost({ kind: 'local', path: tmpdir() }, { env: { PATH: '/nonexistent' } });
    const r = await bare.run(['docker', 'compose', 'ps']);
    expect(diagnoseFailure(['docker', 'compose', 'ps'], r).kind).toBe('docker-missing');
    expect(diagnoseFailure(['docker', 'ps'], res(127, 'sh: 1: docker: not found\n')).kind).toBe('docker-missing');
  });

  describe('an account without access to the daemon socket', () => {
    let sock: string;
    const server = createServer();
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cs-sock-'));
      chmodSync(dir, 0o755);
      sock = join(dir, 'docker.sock');
      await new Promise<void>((r) => server.listen(sock, r));
      chmodSync(sock, 0o600);
    });
    afterAll(() => server.close());

    it('names the permission problem and the docker group (real client as user nobody)', async () => {
      const argv = ['runuser', '-u', 'nobody', '--', DOCKER, '-H', `unix://${sock}`, 'info'];
      const r = await host.run(argv);
      expect(r.stderr).toContain('permission denied while trying to connect to the Docker daemon socket');
      const d = diagnoseFailure(argv, r);
      expect(d.kind).toBe('permission-denied');
      expect(d.hint).toMatch(/docker group/);
      expect(d.hint).toMatch(/rootless/);
    });
  });
});

describe('diagnoseFailure on what compose and psql print', () => {
  const table: Array<[string, string[], RunResult, DiagnosisKind, RegExp]> = [
    [
      'docker 19 without compose',
      ['docker', 'compose', 'ps'],
      res(1, "docker: 'compose' is not a docker command.\nSee 'docker --help'\n"),
      'compose-plugin-missing',
      /plugin is missing/,
    ],
    [
      'docker 20 without compose',
      ['docker', 'compose', 'ps'],
      res(1, 'unknown command "compose" for "docker"\n'),
      'compose-plugin-missing',
      /plugin is missing/,
    ],
    [
      'a stopped service',
      ['docker', 'compose', 'exec', '-T', 'postgres', 'psql'],
      res(1, 'service "postgres" is not running\n'),
      'container-not-running',
      /^The postgres container is not running/,
    ],
    [
      'a removed container',
      ['docker', 'exec', 'crucible-redis-1', 'redis-cli'],
      res(1, 'Error response from daemon: No such container: crucible-redis-1\n'),
      'container-not-running',
      /container is not running/,
    ],
    [
      'a refused password',
      ['docker', 'compose', 'exec', '-T', 'api', 'psql'],
      res(
        2,
        'psql: error: connection to server at "postgres" (172.18.0.2), port 5432 failed: FATAL:  password authentication failed for user "roundtable"\n',
      ),
      'auth-failed',
      /refused the password for user "roundtable"/,
    ],
    [
      'an SQL error',
      ['docker', 'compose', 'exec', '-T', 'postgres', 'psql'],
      res(3, 'psql:<stdin>:1: ERROR:  role "roundtable_old" does not exist\n'),
      'sql-error',
      /PostgreSQL refused the SQL: role "roundtable_old" does not exist/,
    ],
    [
      'a timeout',
      ['docker', 'compose', 'up', '-d'],
      { code: 124, stdout: '', stderr: '', timedOut: true },
      'timeout',
      /did not finish/,
    ],
    [
      'anything else',
      ['docker', 'compose', 'pull'],
      res(18, 'Error response from daemon: manifest unknown\n'),
      'unknown',
      /docker compose pull failed with exit status 18/,
    ],
  ];
  it.each(table)('%s', (_n, argv, r, kind, summary) => {
    const d = diagnoseFailure(argv, r);
    expect(d.kind).toBe(kind);
    expect(d.summary).toMatch(summary);
    expect(d.hint.length).toBeGreaterThan(20);
  });

  it('shows the last lines of an unknown failure', () => {
    const d = diagnoseFailure(['docker', 'compose', 'up'], res(1, 'line 1\nline 2\n\nfinal reason\n'));
    expect(d.lastLines).toEqual(['line 1', 'line 2', 'final reason']);
  });

  it('never shows the password psql echoes after a failing statement', () => {
    const canary = 'canary-Zq81-pw';
    const stderr = `psql:<stdin>:1: ERROR:  syntax error at or near "PASSWOR"\nLINE 1: ALTER ROLE roundtable PASSWOR '${canary}';\n                            ^\n`;
    const d = diagnoseFailure(['docker', 'compose', 'exec', '-T', 'postgres', 'psql'], res(3, stderr));
    expect(d.kind).toBe('sql-error');
    expect(JSON.stringify(d)).not.toContain(canary);
  });
});

describe('lastLines', () => {
  it('returns the last n non-empty lines through the caller’s redactor, without control characters', () => {
    const r = new Redactor();
    const secret = 'Sup3r-Secret-Value-42';
    r.register(secret);
    const out = lastLines(`a\nb\n\u001b[31mpassword is ${secret}\u001b[0m\r\nlast\n\n`, 2, (t) => r.redact(t));
    expect(out).toEqual(['password is [REDACTED]', 'last']);
  });
});
