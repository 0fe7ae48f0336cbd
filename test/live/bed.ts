import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The live test bed (docs/testing-live.md): the real Crucible API run natively inside a Debian 13 tree
 * (scripts/testbed/build-tree.sh) against a throwaway PostgreSQL 15 and a `redis-server` on loopback, an
 * OpenSSH server on 127.0.0.1, and a `docker` stand-in that maps the compose commands the app issues onto
 * those services. Processes are started and stopped by scripts/testbed/bedctl.mjs; this module drives it.
 */

// Bundled as CommonJS by bench/run.mjs, import.meta is empty: the benches run from the repository root.
const REPO = typeof import.meta.url === 'string' ? fileURLToPath(new URL('../..', import.meta.url)) : process.cwd();
const BEDCTL = join(REPO, 'scripts', 'testbed', 'bedctl.mjs');
export const TESTBED_CACHE = process.env.CRUCIBLE_TESTBED_CACHE ?? '/var/cache/crucible-secrets/testbed';
export const TESTBED_TREE = join(TESTBED_CACHE, 'trixie');
/** The genuine upstream checkout the bed unpacks as the deployment folder. */
export const UPSTREAM_TARBALL =
  process.env.CRUCIBLE_UPSTREAM_TARBALL ?? join(REPO, '..', 'shared', 'upstream', 'crucible-community-2d1840e.tar.gz');
const UPSTREAM_TOP = 'crucible-community';

/** Whether a bed can start here; when not, why (shown as the skip reason, or the CI failure). */
export function bedAvailability(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'the live test bed needs Linux' };
  if (process.getuid?.() !== 0)
    return { ok: false, reason: 'the live test bed needs root (chroot, mount namespaces, sshd)' };
  if (!existsSync(join(TESTBED_TREE, '.crucible-testbed-stamp')))
    return {
      ok: false,
      reason: `no Python tree at ${TESTBED_TREE}: run scripts/testbed/build-tree.sh (as .ci/run does)`,
    };
  for (const bin of [
    '/usr/sbin/sshd',
    '/usr/bin/redis-server',
    '/usr/lib/postgresql/15/bin/initdb',
    '/usr/bin/unshare',
  ]) {
    if (!existsSync(bin)) return { ok: false, reason: `${bin} is missing: run scripts/install-system-deps.sh` };
  }
  if (!existsSync(UPSTREAM_TARBALL))
    return {
      ok: false,
      reason: `the upstream Crucible checkout ${UPSTREAM_TARBALL} is missing (set CRUCIBLE_UPSTREAM_TARBALL)`,
    };
  return { ok: true };
}

/**
 * Live tests run when the bed can start. Locally they skip with the reason; under CI (`CI=true`, or
 * `CRUCIBLE_LIVE_REQUIRED=1` as .ci/run sets it) a bed that cannot start is an error, so the live tests never
 * vanish silently from a CI run.
 * @throws Error under CI when the bed cannot start here.
 */
export function liveSkipReason(): string | null {
  const a = bedAvailability();
  if (a.ok) return null;
  if (process.env.CI === 'true' || process.env.CRUCIBLE_LIVE_REQUIRED === '1')
    throw new Error(`live tests cannot run in CI: ${a.reason}`);
  return a.reason;
}

const StartedBed = z.object({
  bed: z.string(),
  folder: z.string(),
  tree: z.string(),
  pgDir: z.string(),
  pgPort: z.number().int(),
  redisPort: z.number().int(),
  apiPort: z.number().int(),
  sshPort: z.number().int(),
  pgUser: z.string(),
  sshConfigFile: z.string(),
  dockerBin: z.string(),
  timings: z.record(z.string(), z.number()),
});

export interface BedOptions {
  /** The `.env` written into the fresh deployment folder (mode 0600) before anything starts. */
  envText: string;
  /** Runs on the deployment folder after the unpack and the `.env`, before the services start (e.g. a compose fix). */
  prepare?: (folder: string) => void | Promise<void>;
}

export interface Bed {
  /** The deployment folder: a fresh unpack of the upstream checkout, with the `.env`. */
  folder: string;
  /** `http://127.0.0.1:PORT` of the API (routes live under `/api`). */
  apiUrl: string;
  /** `ssh://root@127.0.0.1:PORT/<folder>`: the deployment as the app's SSH host sees it. */
  sshLocation: string;
  /** Client config for `ssh -F`: port, user, key, the bed's known_hosts. */
  sshConfigFile: string;
  /** The `docker` stand-in bound to this bed (SSH sessions get it first on PATH). */
  dockerBin: string;
  /** The bed's own folder: state, logs (api.log, redis.log, pg/server.log, ssh/sshd.log), keys. */
  dir: string;
  /** Milliseconds per start step and in total, as bedctl measured them. */
  timings: Record<string, number>;
  /** Every argv the stand-in was called with, in order. */
  dockerLog(): string[][];
  /** Makes matching stand-in commands fail (`'up api'`, `'exec psql => 2'`…; see scripts/testbed/docker.mjs), or clears it. */
  setFailure(pattern: string | null): void;
  /** Runs SQL in `roundtable` as POSTGRES_USER over the server's local socket; returns `-At` output. @throws Error with psql's message. */
  psql(sql: string): string;
  /** The API's log so far (it holds secrets: Crucible logs its Redis URL; never print it in test output). */
  apiLog(): string;
  /** Stops every process the bed started and deletes its temp folder. */
  stop(): Promise<void>;
}

/**
 * One HTTP request on a fresh connection (no keep-alive): the API is restarted under the tests' feet, and a
 * pooled connection to the old process would fail with "other side closed".
 * @throws Error when the connection fails (the API is down).
 */
export function apiRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { ...options.headers, connection: 'close' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const req = httpRequest(url, { method: options.method ?? 'GET', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function runNode(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e) => resolve({ code: 127, stdout, stderr: stderr + e.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

function unpackUpstream(dest: string): string {
  mkdirSync(dest, { recursive: true });
  const r = spawnSync('tar', ['-xzf', UPSTREAM_TARBALL, '-C', dest], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`could not unpack ${UPSTREAM_TARBALL} (tar exit ${String(r.status)}): ${r.stderr.trim()}`);
  return join(dest, UPSTREAM_TOP);
}

/**
 * Starts a bed: unpacks the upstream checkout, writes the `.env`, runs `prepare`, then starts PostgreSQL
 * (the image's first-start initialisation from POSTGRES_*), Redis, the API (validate_env → init_community_db
 * → uvicorn, in whatever mode the `.env` says) and sshd.
 * @throws Error with bedctl's reason (and the API log's path) when anything fails to start; nothing is left running.
 */
export async function startBed(options: BedOptions): Promise<Bed> {
  const root = mkdtempSync(join(tmpdir(), 'cs-bed-'));
  const bedDir = join(root, 'bed');
  mkdirSync(bedDir, { mode: 0o700 });
  let started = false;
  try {
    const folder = unpackUpstream(join(root, 'deploy'));
    writeFileSync(join(folder, '.env'), options.envText, { mode: 0o600 });
    await options.prepare?.(folder);
    const r = await runNode([BEDCTL, 'start', bedDir, folder, TESTBED_TREE]);
    if (r.code !== 0) throw new Error(`the live test bed did not start: ${r.stderr.trim()}`);
    started = true;
    const s = StartedBed.parse(JSON.parse(r.stdout));
    const failFile = join(bedDir, 'fail');
    return {
      folder,
      apiUrl: `http://127.0.0.1:${s.apiPort}`,
      sshLocation: `ssh://root@127.0.0.1:${s.sshPort}${folder}`,
      sshConfigFile: s.sshConfigFile,
      dockerBin: s.dockerBin,
      dir: bedDir,
      timings: s.timings,
      dockerLog: () => {
        const p = join(bedDir, 'docker.log');
        if (!existsSync(p)) return [];
        return readFileSync(p, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => z.array(z.string()).parse(JSON.parse(l)));
      },
      setFailure: (pattern) => {
        if (pattern === null) rmSync(failFile, { force: true });
        else writeFileSync(failFile, `${pattern}\n`, { mode: 0o600 });
      },
      psql: (sql) => {
        const p = spawnSync(
          '/usr/lib/postgresql/15/bin/psql',
          [
            '-h',
            s.pgDir,
            '-p',
            String(s.pgPort),
            '-U',
            s.pgUser,
            '-d',
            'roundtable',
            '-X',
            '-q',
            '-At',
            '-v',
            'ON_ERROR_STOP=1',
          ],
          { input: sql, encoding: 'utf8' },
        );
        if (p.status !== 0) throw new Error(`psql exited ${String(p.status)}: ${p.stderr.trim()}`);
        return p.stdout.replace(/\n$/, '');
      },
      apiLog: () => (existsSync(join(bedDir, 'api.log')) ? readFileSync(join(bedDir, 'api.log'), 'utf8') : ''),
      stop: async () => {
        const st = await runNode([BEDCTL, 'stop', bedDir]);
        if (process.env.CRUCIBLE_TESTBED_KEEP !== '1') rmSync(root, { recursive: true, force: true });
        if (st.code !== 0) throw new Error(`the live test bed did not stop cleanly: ${st.stderr.trim()}`);
      },
    };
  } catch (e) {
    if (started) await runNode([BEDCTL, 'stop', bedDir]);
    if (process.env.CRUCIBLE_TESTBED_KEEP !== '1') rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

const SettingsAnswer = z.union([
  z.object({ ok: z.literal(true), settings: z.record(z.string(), z.unknown()), warnings: z.array(z.string()) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
/** What Crucible's own `Settings()` made of an environment: the fields (plus `cors_origins_list`) and its warnings, or its refusal. */
export type CrucibleSettingsResult = z.infer<typeof SettingsAnswer>;

/**
 * The upstream service, unpacked once into the bed's cache (next to the tree) and only read from there:
 * Python runs with PYTHONDONTWRITEBYTECODE, so it stays as unpacked.
 */
function upstreamService(): string {
  const dir = join(TESTBED_CACHE, `service-${basename(UPSTREAM_TARBALL).replace(/\.tar\.gz$/, '')}`);
  const service = join(dir, UPSTREAM_TOP, 'service');
  if (existsSync(join(service, 'app', 'core', 'config.py'))) return service;
  const tmp = mkdtempSync(`${dir}.tmp-`);
  try {
    const r = spawnSync('tar', ['-xzf', UPSTREAM_TARBALL, '-C', tmp, `${UPSTREAM_TOP}/service`], { encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`could not unpack the upstream service (tar exit ${String(r.status)}): ${r.stderr.trim()}`);
    // Another test process may have won the race; either copy is the same.
    if (!existsSync(dir)) renameSync(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return service;
}

/** One `Settings()` case: the process environment, and optionally the `.env` text the dev compose mounts at `/app/.env`. */
export interface SettingsCase {
  env: Record<string, string>;
  dotenv?: string;
}

/**
 * Runs Crucible's own `Settings()` (service/app/core/config.py) once per environment, each with exactly that
 * environment and no `.env`, in ONE Python process inside the trixie tree (about 0.3 s plus a few ms a case).
 * @throws Error when the runner cannot start or answers out of step (the tree is missing, not root…).
 */
export async function crucibleSettingsMany(
  cases: ReadonlyArray<Record<string, string>>,
): Promise<CrucibleSettingsResult[]> {
  return crucibleSettingsCases(cases.map((env) => ({ env })));
}

/**
 * {@link crucibleSettingsMany} with a `.env` per case where given: it is placed at `/app/.env` and the working
 * folder is `/app`, so `load_dotenv()` (which never overrides the environment) and `env_file` read it as in
 * the dev api container.
 * @throws Error as crucibleSettingsMany does.
 */
export async function crucibleSettingsCases(cases: readonly SettingsCase[]): Promise<CrucibleSettingsResult[]> {
  if (cases.length === 0) return [];
  const input = cases.map((c) => JSON.stringify(c)).join('\n') + '\n';
  const r = await runNode([BEDCTL, 'settings', upstreamService(), TESTBED_TREE], input);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  if (r.code !== 0 || lines.length !== cases.length)
    throw new Error(
      `the Settings() runner failed (exit ${String(r.code)}, ${String(lines.length)}/${String(cases.length)} answers): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`,
    );
  return lines.map((l) => SettingsAnswer.parse(JSON.parse(l)));
}

/** {@link crucibleSettingsMany} for one environment. @throws Error as crucibleSettingsMany does. */
export async function crucibleSettings(env: Record<string, string>): Promise<CrucibleSettingsResult> {
  const [one] = await crucibleSettingsMany([env]);
  if (one === undefined) throw new Error('the Settings() runner gave no answer');
  return one;
}
