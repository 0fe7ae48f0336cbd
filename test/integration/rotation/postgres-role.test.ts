import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alterRoleSql } from '../../../electron/core/rotation/scram';
import { startThrowawayPg, type ThrowawayPg } from '../../harness/pg-throwaway';

/**
 * The POSTGRES_PASSWORD playbook's ALTER ROLE, against a real PostgreSQL 15: the SQL (a SCRAM-SHA-256
 * verifier, never the password) goes on psql's stdin over the trusted local connection, and afterwards
 * password authentication over TCP accepts the new password and rejects the old one.
 */
let pg: ThrowawayPg;
const OLD = 'oldPgPassword_0123456789abcdefgh';
const NEW = 'newPgPassword_ZYXWVUTSRQPONMLKJI';

beforeAll(() => {
  pg = startThrowawayPg();
  // Password auth (SCRAM) for the application role over TCP; everything else stays trusted for the test.
  const hba = join(pg.dir, 'data', 'pg_hba.conf');
  writeFileSync(hba, `host all approle 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, 'utf8')}`);
  pg.query('postgres', `SELECT pg_reload_conf(); CREATE ROLE approle LOGIN PASSWORD '${OLD}'`);
}, 60_000);

afterAll(() => {
  pg.stop();
});

function loginAs(password: string): number {
  const r = spawnSync('psql', [`postgresql://approle@127.0.0.1:${pg.port}/postgres`, '-X', '-At', '-c', 'select 1'], {
    env: { ...process.env, PGPASSWORD: password },
    encoding: 'utf8',
  });
  return r.status ?? -1;
}

describe('ALTER ROLE with a SCRAM-SHA-256 verifier', () => {
  it('the old password works before, the new one after; the SQL never contains the password', () => {
    expect(loginAs(OLD)).toBe(0);
    const sql = alterRoleSql('approle', NEW);
    expect(sql).not.toContain(NEW);
    expect(sql).toMatch(
      /^ALTER ROLE "approle" WITH PASSWORD 'SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+';\n$/,
    );
    const r = pg.psql('postgres', [], sql);
    expect(r.status, r.stderr).toBe(0);
    expect(loginAs(NEW)).toBe(0);
    expect(loginAs(OLD)).not.toBe(0);
    expect(
      pg.query('postgres', "SELECT rolpassword LIKE 'SCRAM-SHA-256$4096:%' FROM pg_authid WHERE rolname = 'approle'"),
    ).toBe('t');
  });

  it('rolling back sets the previous password again', () => {
    const r = pg.psql('postgres', [], alterRoleSql('approle', OLD));
    expect(r.status, r.stderr).toBe(0);
    expect(loginAs(OLD)).toBe(0);
    expect(loginAs(NEW)).not.toBe(0);
  });
});
