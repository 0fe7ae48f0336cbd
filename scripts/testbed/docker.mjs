// The live test bed's `docker`: maps the compose commands the app issues onto the bed's native services
// (see services.mjs) and records every argv (never stdin) in $CRUCIBLE_TESTBED_DIR/docker.log, one JSON
// array per line. A line in $CRUCIBLE_TESTBED_DIR/fail (or $CRUCIBLE_TESTBED_FAIL) makes matching commands
// fail the way the real thing does: `PATTERN` or `PATTERN => EXIT message`, PATTERN being words that must
// appear in that order in the command (global compose options removed), e.g. `up api`, `exec psql`, `info`.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import {
  apiConfigHash,
  apiRunning,
  pgRunning,
  readDotenv,
  readState,
  redisConfigHash,
  redisRunning,
  startApi,
  startPg,
  startRedis,
  stopApi,
  stopPg,
  stopRedis,
} from './services.mjs';

const COMPOSE_VERSION = '2.29.7';
const bed = process.env.CRUCIBLE_TESTBED_DIR;
if (!bed || !existsSync(join(bed, 'state.json'))) {
  process.stderr.write(
    'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n(test bed: CRUCIBLE_TESTBED_DIR is not set to a running bed)\n',
  );
  process.exit(1);
}
const argv = process.argv.slice(2);
appendFileSync(join(bed, 'docker.log'), JSON.stringify(argv) + '\n', { mode: 0o600 });
const state = readState(bed);
const err = (s) => process.stderr.write(s.endsWith('\n') ? s : s + '\n');
const out = (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');

// ---- global compose options
const GLOBAL_WITH_VALUE = new Set([
  '-f',
  '--file',
  '-p',
  '--project-name',
  '--project-directory',
  '--env-file',
  '--ansi',
  '--progress',
  '--profile',
]);
const files = [];
let projectDir = null;
let words = argv;
if (argv[0] === 'compose') {
  const rest = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    if (!GLOBAL_WITH_VALUE.has(flag)) break;
    const value = inline ?? argv[++i];
    if (flag === '-f' || flag === '--file') files.push(value);
    if (flag === '--project-directory') projectDir = value;
  }
  rest.push(...argv.slice(i));
  words = ['compose', ...rest];
}

// ---- failure injection
const KIND_FAILURES = {
  up: [
    1,
    'Error response from daemon: driver failed programming external connectivity on endpoint crucible-community-api-1: Bind for 0.0.0.0:8000 failed: port is already allocated',
  ],
  stop: [
    1,
    'Error response from daemon: cannot stop container: crucible-community-api-1: tried to kill container, but did not receive an exit event',
  ],
  psql: [
    2,
    'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  the database system is shutting down',
  ],
  pg_dump: [
    1,
    'pg_dump: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  the database system is shutting down',
  ],
  exec: [1, 'service "postgres" is not running'],
  version: [1, "docker: 'compose' is not a docker command.\nSee 'docker --help'"],
  daemon: [1, 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'],
};
function kindOf(ws) {
  if (ws[0] !== 'compose') return 'daemon';
  const sub = ws[1];
  if (sub === 'version') return 'version';
  if (sub === 'up' || sub === 'stop') return sub;
  if (sub === 'exec') {
    if (ws.includes('psql')) return 'psql';
    if (ws.includes('pg_dump')) return 'pg_dump';
    return 'exec';
  }
  return 'daemon';
}
function subsequence(pattern, ws) {
  let j = 0;
  for (const w of ws) if (j < pattern.length && w === pattern[j]) j++;
  return j === pattern.length;
}
const patterns = [
  process.env.CRUCIBLE_TESTBED_FAIL ?? '',
  existsSync(join(bed, 'fail')) ? readFileSync(join(bed, 'fail'), 'utf8') : '',
]
  .join('\n')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
for (const line of patterns) {
  const [pat, custom] = line.split('=>').map((s) => s.trim());
  if (!subsequence(pat.split(/\s+/), words)) continue;
  let [code, message] = KIND_FAILURES[kindOf(words)];
  if (custom) {
    const m = /^(\d+)\s*(.*)$/s.exec(custom);
    if (m) [code, message] = [Number(m[1]), m[2] || message];
  }
  err(message);
  process.exit(code);
}

// ---- commands
const project = basename(state.folder)
  .toLowerCase()
  .replace(/[^a-z0-9_-]/g, '');
const container = (s) => `${project}-${s}-1`;

function checkProject() {
  const dir =
    projectDir ??
    (files[0] !== undefined ? dirname(isAbsolute(files[0]) ? files[0] : resolve(files[0])) : process.cwd());
  let same = false;
  try {
    same = realpathSync(dir) === realpathSync(state.folder);
  } catch {
    /* missing folder */
  }
  if (!same) {
    err('no configuration file provided: not found');
    process.exit(1);
  }
  for (const f of files) {
    if (!existsSync(isAbsolute(f) ? f : join(state.folder, f))) {
      err(`open ${isAbsolute(f) ? f : join(state.folder, f)}: no such file or directory`);
      process.exit(1);
    }
  }
}

function saveHashes(h) {
  writeFileSync(join(bed, 'config-hashes.json'), JSON.stringify(h), { mode: 0o600 });
}
function loadHashes() {
  try {
    return JSON.parse(readFileSync(join(bed, 'config-hashes.json'), 'utf8'));
  } catch {
    return {};
  }
}

async function up(args) {
  const opts = new Set(args.filter((a) => a.startsWith('-')));
  if (!opts.has('-d') && !opts.has('--detach')) {
    err('test bed: only `up -d` is supported (an attached `up` would never return)');
    return 1;
  }
  const named = args.filter((a) => !a.startsWith('-'));
  const force = opts.has('--force-recreate');
  const noDeps = opts.has('--no-deps');
  const all = named.length === 0;
  const wants = (s) => all || named.includes(s);
  const apiLike = ['api', 'worker', 'beat'].some(wants);
  const scope = new Set(named);
  if (all || (apiLike && !noDeps)) ['postgres', 'redis'].forEach((s) => scope.add(s));
  const h = loadHashes();
  let apiHash;
  try {
    apiHash = apiConfigHash(state, files);
  } catch (e) {
    err(e.message);
    return 1;
  }
  if (scope.has('postgres')) {
    // The image ignores POSTGRES_* once its volume is initialised: only a stopped server or
    // --force-recreate (which recreates everything in scope, dependencies included) restarts it.
    if (!pgRunning(state) || force) {
      err(` Container ${container('postgres')}  Recreate`);
      await stopPg(state);
      startPg(state);
      err(` Container ${container('postgres')}  Started`);
    } else err(` Container ${container('postgres')}  Running`);
  }
  if (scope.has('redis')) {
    const changed = h.redis !== redisConfigHash(state);
    if (!redisRunning(state) || changed || force) {
      err(` Container ${container('redis')}  Recreate`);
      await stopRedis(state);
      await startRedis(state, readDotenv(state.folder));
      h.redis = redisConfigHash(state);
      saveHashes(h);
      err(` Container ${container('redis')}  Started`);
    } else err(` Container ${container('redis')}  Running`);
  }
  if (apiLike) {
    const changed = h.api !== apiHash;
    if (!apiRunning(state) || changed || force) {
      err(` Container ${container('api')}  Recreate`);
      const failure = await startApi(state, files);
      h.api = apiHash;
      saveHashes(h);
      if (failure) {
        err(` Container ${container('api')}  Error`);
        err(`container ${container('api')} ${failure}`);
        return 1;
      }
      err(` Container ${container('api')}  Started`);
    } else err(` Container ${container('api')}  Running`);
  }
  for (const s of named) if (s === 'frontend') err(` Container ${container('frontend')}  Running`);
  return 0;
}

async function stop(args) {
  const named = args.filter((a) => !a.startsWith('-') && !/^\d+$/.test(a));
  const all = named.length === 0;
  const wants = (s) => all || named.includes(s);
  if (['api', 'worker', 'beat'].some(wants)) {
    await stopApi(state);
    err(` Container ${container('api')}  Stopped`);
  }
  if (wants('redis')) {
    await stopRedis(state);
    err(` Container ${container('redis')}  Stopped`);
  }
  if (wants('postgres')) {
    await stopPg(state);
    err(` Container ${container('postgres')}  Stopped`);
  }
  return 0;
}

/** `restart` keeps the container's old environment: it does not re-read `.env` (crucible-facts.md §8.5). */
async function restart(args) {
  const named = args.filter((a) => !a.startsWith('-'));
  const all = named.length === 0;
  if (all || ['api', 'worker', 'beat'].some((s) => named.includes(s))) {
    const failure = await startApi(state, files, { reuseLastEnvironment: true });
    if (failure) {
      err(`container ${container('api')} ${failure}`);
      return 1;
    }
  }
  err(` Container ${container('api')}  Started`);
  return 0;
}

function exec(args) {
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '-T' || a === '--no-TTY' || a === '-d' || a === '--detach' || a === '--privileged') continue;
    if (['-u', '--user', '-w', '--workdir', '-e', '--env', '--index'].includes(a)) {
      i++;
      continue;
    }
    break;
  }
  const service = args[i];
  const cmd = args.slice(i + 1);
  const running = { postgres: pgRunning(state), redis: redisRunning(state), api: apiRunning(state) };
  if (!service || !(service in running) || !running[service]) {
    err(`service "${service ?? ''}" is not running`);
    return 1;
  }
  if (service === 'api') {
    // The api container's Python (the tree's, with asyncpg and httpx), reaching the bed's services the
    // way the container reaches them by name: the app's service check reads these three addresses.
    if (cmd[0] !== 'python' && cmd[0] !== 'python3') {
      err(`OCI runtime exec failed: exec: "${cmd[0] ?? ''}": the test bed's api container runs python only`);
      return 126;
    }
    const r = spawnSync('/usr/sbin/chroot', [state.tree, '/usr/bin/python3', ...cmd.slice(1)], {
      stdio: 'inherit',
      env: {
        PATH: '/usr/bin:/bin',
        LANG: 'C.UTF-8',
        CRUCIBLE_PROBE_API: `http://127.0.0.1:${state.apiPort}`,
        CRUCIBLE_PROBE_PG_HOST: '127.0.0.1',
        CRUCIBLE_PROBE_PG_PORT: String(state.pgPort),
      },
    });
    if (r.error) err(`test bed: could not run the api container's python (${r.error.message})`);
    return r.status ?? 1;
  }
  // The container's tools, pointed at the bed's server: psql/pg_dump/pg_isready over the trusted local
  // socket (as inside the postgres container), redis-cli at the bed's port.
  const r = spawnSync(cmd[0], cmd.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${join(bed, 'svc-bin', service)}:${process.env.PATH ?? '/usr/bin:/bin'}` },
  });
  if (r.error) {
    err(
      `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd[0]}": executable file not found in $PATH: unknown`,
    );
    return 126;
  }
  return r.status ?? 1;
}

/** `ps` as compose v2 prints it: a table, `--services`, or `--format json` (one object per line). */
function ps(args) {
  const running = [
    ['postgres', pgRunning(state), 'Up (healthy)', 'healthy'],
    ['redis', redisRunning(state), 'Up (healthy)', 'healthy'],
    ['api', apiRunning(state), 'Up', ''],
  ].filter(([, up]) => up);
  const format = args.includes('--format')
    ? args[args.indexOf('--format') + 1]
    : args.find((a) => a.startsWith('--format='))?.slice(9);
  if (args.includes('--services')) {
    for (const [svc] of running) out(svc);
  } else if (format === 'json') {
    for (const [svc, , status, health] of running)
      out(
        JSON.stringify({
          Name: container(svc),
          Service: svc,
          Project: project,
          State: 'running',
          Health: health,
          Status: status,
          ExitCode: 0,
        }),
      );
  } else {
    out(['NAME'.padEnd(36), 'SERVICE'.padEnd(12), 'STATUS'].join(' '));
    for (const [svc, , status] of running) out([container(svc).padEnd(36), svc.padEnd(12), status].join(' '));
  }
  return 0;
}

async function main() {
  if (words[0] === 'info') {
    out(
      `Client:\n Version:    28.2.2\n Context:    default\n\nServer:\n Containers: 3\n Server Version: 28.2.2\n Name: crucible-testbed`,
    );
    return 0;
  }
  if (words[0] === 'version' || words[0] === '--version') {
    out('Docker version 28.2.2, build e6534b4');
    return 0;
  }
  if (words[0] !== 'compose') {
    err(`docker: unknown command: docker ${words[0] ?? ''}\n\nRun 'docker --help' for more information`);
    return 1;
  }
  const [sub, ...args] = words.slice(1);
  if (sub === 'version') {
    out(args.includes('--short') ? COMPOSE_VERSION : `Docker Compose version v${COMPOSE_VERSION}`);
    return 0;
  }
  checkProject();
  switch (sub) {
    case 'up':
      return up(args);
    case 'stop':
      return stop(args);
    case 'restart':
      return restart(args);
    case 'exec':
      return exec(args);
    case 'ps':
      return ps(args);
    default:
      err(`test bed: docker compose ${sub ?? ''} is not modelled by the stand-in`);
      return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    err(`test bed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
