import { z } from 'zod';
import type { DeploymentRef } from '../../common/model/deployment';
import { composeBase, type PlannedCommand } from '../rotation/commands';

/**
 * Verifying the running service (issue 15, "the service is verified, not just restarted"). One small
 * Python program runs inside the api container (`docker compose exec -T api python -c …`), where Python,
 * the api's port and the compose network's `postgres` host all exist, so it works the same on this
 * computer and on a server. It reads its request (which checks, and any password) from stdin — never
 * argv — and prints one JSON object: each check with ok and a short reason, never a value.
 *
 * Checks:
 *  - health: `GET /api/health` answers 200 (retried while the recreated container starts);
 *  - redis: `GET /api/health/redis` says connected;
 *  - database: PostgreSQL at `postgres:5432` accepts the new password and refuses the old one (asyncpg,
 *    which the api image has; a TCP connection, so the password is really checked);
 *  - login: `POST /api/auth/login` with the password the admin typed answers 200;
 *  - provider-keys: after logging in, every stored provider key reads back (decrypts) through the API.
 * `CRUCIBLE_PROBE_API`, `CRUCIBLE_PROBE_PG_HOST` and `CRUCIBLE_PROBE_PG_PORT` override the in-container
 * addresses (a test bed without containers sets them); real containers never do.
 */

export const CheckName = z.enum(['health', 'redis', 'database', 'login', 'provider-keys']);
export type CheckName = z.infer<typeof CheckName>;

export const CheckResult = z.object({ check: CheckName, ok: z.boolean(), detail: z.string().max(300) });
export type CheckResult = z.infer<typeof CheckResult>;

export const ProbeReport = z.object({ results: z.array(CheckResult) });

/** What a probe may be given on stdin. Secrets only here, and only for the checks that need them. */
export interface ProbeRequest {
  checks: CheckName[];
  /** Seconds to wait for the api to answer after a recreate. */
  waitSeconds?: number;
  database?: { user: string; password: string; oldPassword: string | null };
  login?: { password: string };
}

const PROBE = String.raw`
import json, os, sys, time, urllib.request, urllib.error
req = json.loads(sys.stdin.readline() or '{}')
base = os.environ.get('CRUCIBLE_PROBE_API', 'http://127.0.0.1:8000')
out = []
def report(check, ok, detail):
    out.append({'check': check, 'ok': bool(ok), 'detail': str(detail)[:300]})
def call(path, method='GET', body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    r = urllib.request.Request(base + path, data=data, method=method)
    r.add_header('Content-Type', 'application/json')
    if token: r.add_header('Authorization', 'Bearer ' + token)
    try:
        with urllib.request.urlopen(r, timeout=10) as res:
            return res.status, json.loads(res.read() or b'null')
    except urllib.error.HTTPError as e:
        return e.code, None
checks = req.get('checks', [])
deadline = time.time() + float(req.get('waitSeconds', 90))
status = None
while True:
    try:
        status, _ = call('/api/health')
    except Exception as e:
        status = None
        last = type(e).__name__
    if status == 200 or time.time() > deadline: break
    time.sleep(1)
report('health', status == 200, 'GET /api/health answered 200' if status == 200 else 'GET /api/health did not answer 200 (last: %s)' % (status or last))
if 'redis' in checks:
    try:
        s, body = call('/api/health/redis')
        ok = s == 200 and isinstance(body, dict) and body.get('connected') is True
        report('redis', ok, 'Redis is connected' if ok else 'GET /api/health/redis says Redis is not connected')
    except Exception as e:
        report('redis', False, 'GET /api/health/redis failed (%s)' % type(e).__name__)
if 'database' in checks:
    db = req.get('database') or {}
    try:
        import asyncpg, asyncio
        async def attempt(pw):
            try:
                c = await asyncpg.connect(user=db['user'], password=pw, host=os.environ.get('CRUCIBLE_PROBE_PG_HOST', 'postgres'), port=int(os.environ.get('CRUCIBLE_PROBE_PG_PORT', '5432')), database='roundtable', timeout=10)
                await c.close()
                return True
            except Exception:
                return False
        new_ok = asyncio.run(attempt(db['password']))
        old = db.get('oldPassword')
        old_refused = True if old is None else not asyncio.run(attempt(old))
        report('database', new_ok and old_refused, 'PostgreSQL accepts the new password' + (' and refuses the old one' if old else '') if new_ok and old_refused else ('PostgreSQL refuses the new password' if not new_ok else 'PostgreSQL still accepts the old password'))
    except ImportError:
        report('database', False, 'asyncpg is not available in the api container, so the password could not be checked')
token = None
if 'login' in checks or 'provider-keys' in checks:
    pw = (req.get('login') or {}).get('password')
    s, body = call('/api/auth/login', 'POST', {'username': 'admin', 'password': pw}) if pw else (None, None)
    token = body.get('access_token') if s == 200 and isinstance(body, dict) else None
    if 'login' in checks:
        report('login', token is not None, 'The login works' if token else 'POST /api/auth/login answered %s' % s)
if 'provider-keys' in checks:
    if token is None:
        report('provider-keys', False, 'Could not log in, so the stored provider keys could not be read')
    else:
        s, body = call('/api/user/settings', token=token)
        keys = (body or {}).get('providerApiKeys') or {} if isinstance(body, dict) else {}
        bad = []
        for p in sorted(k for k, v in keys.items() if v):
            s2, b2 = call('/api/user/settings/provider-key/' + p, token=token)
            if s2 != 200 or not isinstance(b2, dict) or not b2.get('key'): bad.append(p)
        report('provider-keys', s == 200 and not bad, ('%d stored provider key(s) read back' % len([k for k, v in keys.items() if v])) if s == 200 and not bad else 'These stored provider keys do not decrypt: %s' % (', '.join(bad) or 'settings unreadable'))
print(json.dumps({'results': out}))
sys.exit(0 if all(r['ok'] for r in out) else 3)
`.trim();

/**
 * The probe as a command on the deployment's host; the request goes on stdin. What is displayed is the
 * check an admin runs by hand on the server (the published api port), so it runs as printed.
 */
export function probeCommand(d: Pick<DeploymentRef, 'composeFiles'>, checks: readonly CheckName[]): PlannedCommand {
  const argv = [...composeBase(d), 'exec', '-T', 'api', 'python', '-c', PROBE];
  const byHand = [
    'curl -fsS http://127.0.0.1:8000/api/health',
    ...(checks.includes('redis') ? ['curl -fsS http://127.0.0.1:8000/api/health/redis'] : []),
  ];
  return { argv, display: byHand.join(' && '), stdin: { kind: 'probe' } };
}

/** The request line for the probe (JSON, one line). */
export function probeInput(r: ProbeRequest): string {
  return `${JSON.stringify(r)}\n`;
}

/**
 * Reads the probe's answer. Null when it printed nothing usable (the container did not run it).
 */
export function readProbeReport(stdout: string): CheckResult[] | null {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    const r = ProbeReport.safeParse(JSON.parse(line));
    return r.success ? r.data.results : null;
  } catch {
    return null;
  }
}
