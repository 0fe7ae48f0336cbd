import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  composePrefix,
  psqlCommand,
  REVOKE_SHARE_LINKS_SQL,
  revokeSessionsCommands,
  selectAuthSessionKeys,
  shQuote,
} from '../../../../electron/core/incident/commands';

const uuid = () => '3f2b8c1e-6a4d-4e2f-9b7a-1c2d3e4f5a6b';
const token = () => randomBytes(32).toString('base64url'); // secrets.token_urlsafe(32): 43 characters

/** The Redis keyspace of a running Crucible (crucible-facts.md §6.3). */
function keyspace() {
  const auth = [token(), token(), token()].map((t) => `session:${t}`);
  const other = [
    `session:task:${uuid()}`,
    `session:streams:${uuid()}`,
    `session:events:${uuid()}:7`,
    `session:knights:${uuid()}`,
    `session:topic:${uuid()}`,
    `user:active_session:${uuid()}`,
    'llm_rate_limit:openai:global',
    `celery-task-meta-${uuid()}`,
    `session:${'a'.repeat(42)}`,
    `session:${'a'.repeat(44)}`,
    `session:task:${'b'.repeat(38)}`, // 43 characters after the prefix, but with a colon
    `session:${'c'.repeat(42)}.`,
  ];
  return { auth, other };
}

describe('auth session key selection', () => {
  it('selects exactly the 43-character token keys and leaves debate state alone', () => {
    const { auth, other } = keyspace();
    expect(selectAuthSessionKeys([...other, ...auth]).sort()).toEqual([...auth].sort());
  });
});

describe('composePrefix', () => {
  it('uses plain docker compose for the default file and -f for others', () => {
    expect(composePrefix(['/srv/crucible/docker-compose.yml'])).toBe('docker compose');
    expect(composePrefix(['/srv/crucible/docker-compose.yml', '/srv/crucible/docker-compose.override.yml'])).toBe(
      'docker compose',
    );
    expect(composePrefix(['/srv/crucible/docker-compose.prod.yml'])).toBe('docker compose -f docker-compose.prod.yml');
    expect(shQuote("it's here")).toBe(`'it'\\''s here'`);
  });
});

/**
 * The commands are run for real in bash with a fake `docker` (runs the `sh -c` script as the container
 * would) and fake `redis-cli` / `psql` that record what they receive.
 */
describe('the shown commands, executed', () => {
  let dir: string;
  const env = () => ({
    PATH: `${dir}:/usr/bin:/bin`,
    REDISCLI_AUTH: 'test-redis-pass',
    KEYS_FILE: join(dir, 'keys'),
    DELETED: join(dir, 'deleted'),
    PSQL_LOG: join(dir, 'psql.log'),
  });
  const script = (name: string, body: string) => {
    writeFileSync(join(dir, name), body);
    chmodSync(join(dir, name), 0o755);
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-incident-cmd-'));
    // docker compose [-f F] exec -T [-e NAME] SERVICE sh -c SCRIPT → runs SCRIPT (with the container's env).
    script(
      'docker',
      `#!/bin/bash
set -e
[ "$1" = compose ] || exit 90
shift
while [ "$1" != exec ]; do shift; done
shift
svc=""
while [ $# -gt 0 ]; do
  case "$1" in
    -T) shift ;;
    -e) [ "$2" = REDISCLI_AUTH ] || exit 91; shift 2 ;;
    sh) shift; [ "$1" = -c ] || exit 92; shift; break ;;
    *) svc="$1"; shift ;;
  esac
done
if [ "$svc" = postgres ]; then export POSTGRES_USER=k3v9q2m7x1ab; else unset POSTGRES_USER; fi
[ "$svc" = redis ] || [ "$svc" = postgres ] || exit 93
exec sh -c "$1"
`,
    );
    script(
      'redis-cli',
      `#!/bin/sh
[ "$REDISCLI_AUTH" = test-redis-pass ] || { echo "NOAUTH" >&2; exit 1; }
case "$*" in *-a*) echo "password on argv" >&2; exit 2 ;; esac
if [ "$1" = --scan ]; then
  [ "$2" = --pattern ] && [ "$3" = 'session:*' ] || exit 3
  grep '^session:' "$KEYS_FILE"
  exit 0
fi
while read -r cmd key; do
  [ "$cmd" = UNLINK ] || exit 4
  echo "$key" >> "$DELETED"
  echo 1
done
`,
    );
    script('psql', `#!/bin/sh\necho "ARGS $*" > "$PSQL_LOG"\ncat >> "$PSQL_LOG"\necho "UPDATE 2"\n`);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts then revokes only auth sessions, printing counts and no token', () => {
    const { auth, other } = keyspace();
    writeFileSync(join(dir, 'keys'), [...other, ...auth].join('\n') + '\n');
    const cmds = revokeSessionsCommands('docker compose -f docker-compose.prod.yml');
    const count = execFileSync('bash', ['--norc', '--noprofile', '-c', cmds.count], { env: env(), encoding: 'utf8' });
    expect(count.trim()).toBe('3');
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', cmds.revoke], { env: env(), encoding: 'utf8' });
    expect(out.trim()).toBe('3');
    for (const k of auth) expect(out).not.toContain(k.slice(8));
    expect(readFileSync(join(dir, 'deleted'), 'utf8').trim().split('\n').sort()).toEqual([...auth].sort());
  });

  it('never uses a plain session:* delete', () => {
    const cmds = revokeSessionsCommands('docker compose');
    expect(cmds.revoke).toContain("grep -E '^session:[A-Za-z0-9_-]{43}$'");
    expect(cmds.revoke).not.toMatch(/DEL\s+session:\*/);
    expect(cmds.revoke).not.toContain(' -a ');
  });

  it('revokes share links with the SQL on stdin through the local socket', () => {
    const out = execFileSync(
      'bash',
      ['--norc', '--noprofile', '-c', psqlCommand('docker compose', REVOKE_SHARE_LINKS_SQL)],
      { env: env(), encoding: 'utf8' },
    );
    expect(out.trim()).toBe('UPDATE 2');
    const log = readFileSync(join(dir, 'psql.log'), 'utf8');
    expect(log).toBe(
      `ARGS -v ON_ERROR_STOP=1 -U k3v9q2m7x1ab -d roundtable\nUPDATE share_tokens SET revoked_at = now() WHERE revoked_at IS NULL;\n`,
    );
  });
});
