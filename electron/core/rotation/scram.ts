import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';

/**
 * A PostgreSQL SCRAM-SHA-256 verifier (RFC 5802/7677, the format `pg_authid.rolpassword` stores):
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`. `ALTER ROLE … WITH PASSWORD '<verifier>'`
 * stores it as is, so the password itself never reaches the server, psql's stdin, or the admin's screen
 * (crucible-facts.md §7.1: "optionally send a pre-computed SCRAM-SHA-256 verifier instead of plaintext").
 *
 * The salt is derived from the password (HMAC) so the same password always gives the same verifier and
 * a printed command can be re-derived later without storing anything. Salt reuse across roles does not
 * matter here: the passwords are 32 random characters, far beyond any precomputation.
 * Passwords are expected to be ASCII (our generator's alphabet), so SASLprep is the identity.
 */
export function scramSha256Verifier(password: string, iterations = 4096): string {
  const salt = createHmac('sha256', password).update('crucible-secrets/scram-salt/v1').digest().subarray(0, 16);
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** A role name as a SQL identifier (double quotes doubled). */
export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The SQL that sets a role's password from a verifier (fed to psql on stdin). */
export function alterRoleSql(user: string, password: string): string {
  return `ALTER ROLE ${sqlIdent(user)} WITH PASSWORD '${scramSha256Verifier(password)}';\n`;
}
