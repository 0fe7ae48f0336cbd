// The native services behind the live test bed: PostgreSQL 15, redis-server and the Crucible API run inside
// the trixie tree. Used by bedctl.mjs (start/stop of the whole bed) and by the docker stand-in (compose
// commands). All state lives in the bed folder (state.json, pid files, logs); nothing outside it but the
// cached tree is touched.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeFiles, parseDotenv, serviceConfig } from './compose-env.mjs';

const PGBIN = process.env.PGBIN ?? '/usr/lib/postgresql/15/bin';
/** Where Python keeps the service's bytecode, inside the tree (see startApi). */
export const PYCACHE = '/var/cache/crucible-pycache';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function readState(bed) {
  return JSON.parse(readFileSync(join(bed, 'state.json'), 'utf8'));
}
export function writeState(bed, state) {
  writeFileSync(join(bed, 'state.json'), JSON.stringify(state, null, 2), { mode: 0o600 });
}
export function readDotenv(folder) {
  const p = join(folder, '.env');
  return existsSync(p) ? parseDotenv(readFileSync(p, 'utf8')) : {};
}

/** True while `pid` exists and is not a zombie (PID 1 here may not reap the children we orphan). */
export function alive(pid) {
  if (!pid) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
function readPid(file) {
  try {
    // postmaster.pid holds more lines after the pid.
    return Number(readFileSync(file, 'utf8').split('\n')[0].trim()) || 0;
  } catch {
    return 0;
  }
}
/** SIGTERM (the process group when it leads one), then SIGKILL after `graceMs`; resolves when gone. */
export async function terminate(pid, graceMs = 10_000, group = false) {
  if (!alive(pid)) return;
  const sig = (s) => {
    try {
      process.kill(group ? -pid : pid, s);
    } catch {
      /* already gone */
    }
  };
  sig('SIGTERM');
  for (let t = 0; t < graceMs && alive(pid); t += 100) await sleep(100);
  if (alive(pid)) sig('SIGKILL');
  for (let t = 0; t < 5000 && alive(pid); t += 50) await sleep(50);
}

// ---------------------------------------------------------------- PostgreSQL
/**
 * Creates the cluster the way the postgres image's first start does: POSTGRES_USER is the superuser (with
 * POSTGRES_PASSWORD), database `roundtable`, local socket connections trusted, TCP connections by
 * scram-sha-256 so a wrong password is really refused. initdb refuses root, so it runs in a user namespace.
 */
export function initPg(state, env) {
  const dir = state.pgDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, env.POSTGRES_PASSWORD ?? '', { mode: 0o600 });
  try {
    const r = spawnSync(
      'unshare',
      [
        '-U',
        `${PGBIN}/initdb`,
        '-D',
        join(dir, 'data'),
        '-U',
        env.POSTGRES_USER,
        `--pwfile=${pwfile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--no-sync',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0)
      throw new Error(`initdb failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}
export function startPg(state) {
  const dir = state.pgDir;
  const r = spawnSync(
    'unshare',
    [
      '-U',
      `${PGBIN}/pg_ctl`,
      '-D',
      join(dir, 'data'),
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      '-o',
      `-k ${dir} -h 127.0.0.1 -p ${state.pgPort} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (r.status !== 0) throw new Error(`PostgreSQL did not start (exit ${r.status}); see ${join(dir, 'server.log')}`);
}
export function pgRunning(state) {
  return alive(readPid(join(state.pgDir, 'data', 'postmaster.pid')));
}
export async function stopPg(state) {
  if (!existsSync(join(state.pgDir, 'data', 'postmaster.pid'))) return;
  const pid = readPid(join(state.pgDir, 'data', 'postmaster.pid'));
  spawnSync(
    'unshare',
    ['-U', `${PGBIN}/pg_ctl`, '-D', join(state.pgDir, 'data'), '-m', 'fast', '-w', '-t', '30', 'stop'],
    { stdio: 'ignore' },
  );
  await terminate(pid, 5000);
}
/** Runs psql over the trusted local socket, as `user`; stdin is passed through. */
export function createDatabase(state, user) {
  execFileSync(
    '/usr/bin/psql',
    [
      '-h',
      state.pgDir,
      '-p',
      String(state.pgPort),
      '-U',
      user,
      '-d',
      'postgres',
      '-v',
      'ON_ERROR_STOP=1',
      '-qc',
      `CREATE DATABASE roundtable OWNER "${user.replace(/"/g, '""')}"`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

// ---------------------------------------------------------------- Redis
/** redis-server as compose runs it (`--requirepass`, no persistence); the password goes in a 0600 config file, not argv. */
export async function startRedis(state, env) {
  const conf = join(state.bed, 'redis.conf');
  const pidfile = join(state.bed, 'redis.pid');
  const pw = env.REDIS_PASSWORD ?? '';
  const lines = [
    `port ${state.redisPort}`,
    'bind 127.0.0.1',
    'save ""',
    'appendonly no',
    'daemonize yes',
    `pidfile ${pidfile}`,
    `logfile ${join(state.bed, 'redis.log')}`,
    `dir ${state.bed}`,
  ];
  // requirepass with an empty value means "no password", which is what compose would pass for an empty variable.
  if (pw !== '') lines.push(`requirepass "${pw.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  writeFileSync(conf, lines.join('\n') + '\n', { mode: 0o600 });
  rmSync(pidfile, { force: true });
  const r = spawnSync('redis-server', [conf], { stdio: 'ignore' });
  if (r.status !== 0)
    throw new Error(`redis-server did not start (exit ${r.status}); see ${join(state.bed, 'redis.log')}`);
  for (let t = 0; t < 10_000; t += 50) {
    if (alive(readPid(pidfile))) return;
    await sleep(50);
  }
  throw new Error(`redis-server did not write its pid file; see ${join(state.bed, 'redis.log')}`);
}
export function redisRunning(state) {
  return alive(readPid(join(state.bed, 'redis.pid')));
}
export async function stopRedis(state) {
  await terminate(readPid(join(state.bed, 'redis.pid')), 5000);
}

// ---------------------------------------------------------------- API
/**
 * The api container's environment: every `.env` value (the dev api mounts `.env` and `load_dotenv` copies it
 * all), overlaid with the compose files' `environment:` for `api` (which wins, as in the container), with the
 * compose host names in the two URLs pointed at the bed's loopback ports.
 * @throws Error when compose could not resolve the files (missing file, `${VAR:?}` without a value).
 */
export function apiEnvironment(state, fileArgs = state.composeFileArgs ?? []) {
  const vars = readDotenv(state.folder);
  const files = composeFiles(state.folder, fileArgs);
  const { environment, volumes } = serviceConfig(files, 'api', vars);
  const env = { ...vars, ...environment };
  const point = (key, from, to) => {
    if (env[key] !== undefined) env[key] = env[key].replace(from, to);
  };
  point('ROUNDTABLE_DATABASE_URL', /@postgres:5432\//, `@127.0.0.1:${state.pgPort}/`);
  point('ROUNDTABLE_REDIS_URL', /@redis:6379\//, `@127.0.0.1:${state.redisPort}/`);
  const mountsEnv = volumes.some((v) => typeof v === 'string' && /^\.\/\.env:\/app\/\.env(:r[ow])?$/.test(v));
  return { env, mountsEnv };
}

/** What `up -d` compares to decide whether the api container must be recreated. */
export function apiConfigHash(state, fileArgs) {
  const { env } = apiEnvironment(state, fileArgs);
  return createHash('sha256')
    .update(JSON.stringify({ env, files: composeFiles(state.folder, fileArgs) }))
    .digest('hex');
}
export function redisConfigHash(state) {
  return createHash('sha256')
    .update(JSON.stringify(readDotenv(state.folder).REDIS_PASSWORD ?? ''))
    .digest('hex');
}

export function apiRunning(state) {
  return alive(readPid(join(state.bed, 'api.pid')));
}
export async function stopApi(state) {
  await terminate(readPid(join(state.bed, 'api.pid')), 10_000, true);
  rmSync(join(state.bed, 'api.pid'), { force: true });
}

// Runs in a private mount namespace, so the bind mounts and /proc vanish with the process: nothing to unmount
// on stop, nothing left behind if the bed is killed. /app is a tmpfs holding bind mounts of service/'s
// entries (and of .env when the compose file mounts it), as the image has them.
const MOUNT_APP = `set -e
T=$1; S=$2; E=$3; shift 3
mount -t tmpfs -o mode=755 tmpfs "$T/app"
for f in "$S"/* "$S"/.[!.]*; do
  [ -e "$f" ] || continue
  n=\${f##*/}
  if [ -d "$f" ]; then mkdir "$T/app/$n"; else : >"$T/app/$n"; fi
  mount --bind "$f" "$T/app/$n"
done
if [ -n "$E" ]; then : >"$T/app/.env"; mount --bind "$E" "$T/app/.env"; fi
mount -t proc proc "$T/proc"
exec /usr/sbin/chroot "$T" "$@"
`;
const API_COMMAND = `cd /app
echo "Validating environment variables..."
python3 scripts/validate_env.py 2>&1 || { echo "ERROR: Environment validation failed!"; exit 1; }
echo "Running database initialization..."
python3 scripts/init_community_db.py 2>&1 || { echo "ERROR: Database initialization failed!"; exit 1; }
echo "Starting API server..."
exec python3 -m uvicorn app.main:app --host 127.0.0.1 --port "$1"
`;

/**
 * argv that runs `command` (argv inside the tree) chrooted in `tree`, with `serviceDir` at /app and `envFile`
 * (or nothing) at /app/.env, in a private mount namespace.
 */
export function inTreeArgv(tree, serviceDir, envFile, command) {
  mkdirSync(join(tree, 'app'), { recursive: true });
  return ['-m', '--propagation', 'private', 'sh', '-c', MOUNT_APP, 'sh', tree, serviceDir, envFile ?? '', ...command];
}

/**
 * (Re)starts the API with the deployment's current `.env` (or, for `restart`, the environment it last ran
 * with) and waits for `GET /api/health`.
 * @returns null when healthy, else a compose-like reason ("exited (1)", "is unhealthy").
 */
export async function startApi(state, fileArgs, { reuseLastEnvironment = false, timeoutMs = 90_000 } = {}) {
  await stopApi(state);
  const saved = join(state.bed, 'api-env.json');
  const { env, mountsEnv } =
    reuseLastEnvironment && existsSync(saved)
      ? JSON.parse(readFileSync(saved, 'utf8'))
      : apiEnvironment(state, fileArgs);
  writeFileSync(saved, JSON.stringify({ env, mountsEnv }), { mode: 0o600 });
  const log = openSync(join(state.bed, 'api.log'), 'a');
  const command = ['/bin/sh', '-c', API_COMMAND, 'sh', String(state.apiPort)];
  const child = spawn(
    'unshare',
    inTreeArgv(state.tree, join(state.folder, 'service'), mountsEnv ? join(state.folder, '.env') : null, command),
    {
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        PATH: '/usr/local/bin:/usr/bin:/bin',
        HOME: '/root',
        LANG: 'C.UTF-8',
        PYTHONPATH: '/app',
        PYTHONUNBUFFERED: '1',
        // Bytecode goes to a cache inside the tree, not into the deployment's service/ (the bed must not
        // change the folder under test); it is shared by every bed, which saves seconds per API start.
        PYTHONPYCACHEPREFIX: PYCACHE,
        ...env,
      },
    },
  );
  closeSync(log);
  let exitCode = null;
  child.on('exit', (code) => (exitCode = code ?? 1));
  child.unref();
  writeFileSync(join(state.bed, 'api.pid'), String(child.pid));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== null || !alive(child.pid)) return `exited (${exitCode ?? 1})`;
    try {
      const res = await globalThis.fetch(`http://127.0.0.1:${state.apiPort}/api/health`, {
        signal: globalThis.AbortSignal.timeout(2000),
      });
      if (res.ok) return null;
    } catch {
      /* not listening yet */
    }
    await sleep(250);
  }
  return 'is unhealthy';
}
