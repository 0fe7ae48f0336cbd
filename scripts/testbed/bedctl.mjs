#!/usr/bin/env node
// Starts and stops a whole live test bed (test/live/bed.ts drives it):
//   node scripts/testbed/bedctl.mjs start BED FOLDER [TREE]  -> prints the bed's state as JSON on stdout
//   node scripts/testbed/bedctl.mjs stop BED                  -> stops every process the bed started
//   node scripts/testbed/bedctl.mjs settings SERVICE [TREE]   -> settings-many.py with SERVICE at /app (stdio passed through)
// BED is an empty per-run folder; FOLDER the deployment folder (an unpacked upstream checkout with its
// `.env`); TREE the trixie tree from build-tree.sh. Everything the bed writes stays in BED.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PYCACHE,
  apiConfigHash,
  createDatabase,
  inTreeArgv,
  initPg,
  readDotenv,
  readState,
  redisConfigHash,
  startApi,
  startPg,
  startRedis,
  stopApi,
  stopPg,
  stopRedis,
  writeState,
} from './services.mjs';
import { startSshd, stopSshd } from './sshd.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function script(path, body) {
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  chmodSync(path, 0o755);
}
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

async function stopAll(bed) {
  if (!existsSync(join(bed, 'state.json'))) return;
  const state = readState(bed);
  const problems = [];
  for (const [name, fn] of [
    ['api', stopApi],
    ['redis', stopRedis],
    ['postgres', stopPg],
    ['sshd', stopSshd],
  ]) {
    try {
      await fn(state);
    } catch (e) {
      problems.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (problems.length > 0) throw new Error(`could not stop everything: ${problems.join('; ')}`);
}

async function start(bed, folder, tree) {
  const t0 = Date.now();
  bed = resolve(bed);
  const env = readDotenv(folder);
  for (const k of ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']) {
    if (!env[k])
      throw new Error(`${k} is missing from ${join(folder, '.env')}: the bed creates the database and Redis from it`);
  }
  const [pgPort, redisPort, apiPort, sshPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const state = {
    bed,
    folder: resolve(folder),
    tree: resolve(tree),
    pgDir: join(bed, 'pg'),
    pgPort,
    redisPort,
    apiPort,
    sshPort,
    pgUser: env.POSTGRES_USER,
  };
  writeState(bed, state);
  // The stand-in as sessions and tests call it, bound to this bed.
  mkdirSync(join(bed, 'bin'), { recursive: true });
  script(join(bed, 'bin', 'docker'), `CRUCIBLE_TESTBED_DIR=${q(bed)} exec ${q(join(here, 'docker'))} "$@"`);
  // The container's own tools, as `docker compose exec` reaches them: the postgres container's trusted
  // local socket, redis-cli on the container's port.
  for (const svc of ['postgres', 'redis']) mkdirSync(join(bed, 'svc-bin', svc), { recursive: true });
  for (const tool of ['psql', 'pg_dump', 'pg_isready'])
    script(
      join(bed, 'svc-bin', 'postgres', tool),
      `exec /usr/lib/postgresql/15/bin/${tool} -h ${q(state.pgDir)} -p ${pgPort} "$@"`,
    );
  script(join(bed, 'svc-bin', 'redis', 'redis-cli'), `exec /usr/bin/redis-cli -p ${redisPort} "$@"`);
  const timings = {};
  const mark = (k, since) => (timings[k] = Date.now() - since);
  try {
    let t = Date.now();
    initPg(state, env);
    startPg(state);
    createDatabase(state, env.POSTGRES_USER);
    mark('postgres', t);
    t = Date.now();
    await startRedis(state, env);
    mark('redis', t);
    t = Date.now();
    const failure = await startApi(state, []);
    mark('api', t);
    if (failure) throw new Error(`the Crucible API ${failure}; see ${join(bed, 'api.log')}`);
    writeFileSync(
      join(bed, 'config-hashes.json'),
      JSON.stringify({ api: apiConfigHash(state, []), redis: redisConfigHash(state) }),
      { mode: 0o600 },
    );
    t = Date.now();
    const { sshConfigFile } = await startSshd(state);
    mark('sshd', t);
    timings.total = Date.now() - t0;
    process.stdout.write(
      JSON.stringify({ ...state, sshConfigFile, dockerBin: join(bed, 'bin', 'docker'), timings }) + '\n',
    );
  } catch (e) {
    await stopAll(bed).catch(() => undefined);
    throw e;
  }
}

/** Crucible's Settings() for many environments (settings-many.py), in one chrooted Python process. */
function settings(serviceDir, tree) {
  const code = readFileSync(join(here, 'settings-many.py'), 'utf8');
  const r = spawnSync('unshare', inTreeArgv(tree, resolve(serviceDir), null, ['/usr/bin/python3', '-c', code]), {
    stdio: 'inherit',
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/root', LANG: 'C.UTF-8', PYTHONPYCACHEPREFIX: PYCACHE },
  });
  if (r.status !== 0) throw new Error(`the Settings() runner failed (exit ${r.status ?? r.signal})`);
  return Promise.resolve();
}

const [cmd, a1, a2, a3] = process.argv.slice(2);
const defaultTree = `${process.env.CRUCIBLE_TESTBED_CACHE ?? '/var/cache/crucible-secrets/testbed'}/trixie`;
const run =
  cmd === 'start' && a1 && a2
    ? start(a1, a2, a3 ?? defaultTree)
    : cmd === 'stop' && a1
      ? stopAll(resolve(a1))
      : cmd === 'settings' && a1
        ? settings(a1, a2 ?? defaultTree)
        : null;
if (!run) {
  process.stderr.write('usage: bedctl.mjs start BED FOLDER [TREE] | stop BED | settings SERVICE [TREE]\n');
  process.exit(2);
}
run.then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bedctl: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
