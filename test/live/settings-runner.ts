import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs Crucible's own start-up checks on many cases at once, inside the Debian 13 tree of the live test bed
 * (pydantic 2.10, pydantic-settings 2.8, python-dotenv 1.0 — the versions Crucible needs; Debian 12's
 * pydantic 1.10 cannot load its `config.py`). bed.ts's `crucibleSettingsMany` runs `Settings()` on an
 * environment alone; this runner adds what the dev api does around it, which issue 23's differential test
 * needs: the real python-dotenv reading the mounted `.env`, and validate_env.py. (To merge: give
 * scripts/testbed/settings-many.py an optional `dotenv` text and the validate_env stage.)
 *
 * What runs per case is what the dev api (`docker-compose.yml`) does before it serves anything:
 * 1. `service/scripts/validate_env.py`'s two checks, on the compose-provided environment only (it never
 *    reads `.env`);
 * 2. `service/app/core/config.py` imported afresh (its `load_dotenv()` finds the mounted `/app/.env`, so the
 *    case's `.env` text is placed at `<app>/.env`, next to the module's own folder tree as in the image)
 *    and `Settings()` constructed with the working directory `<app>` (its `env_file=".env"`).
 * Cases travel on stdin as JSON lines (they hold test secrets; never argv). Results carry pydantic's error
 * types and Crucible's own messages (which name variables, never values), and a few non-secret settings.
 */

/** The bed's tree (bed.ts `TESTBED_TREE`); `CRUCIBLE_TESTBED_ROOT` points at another one. */
export const DEFAULT_TESTBED_ROOT = join(
  process.env.CRUCIBLE_TESTBED_CACHE ?? '/var/cache/crucible-secrets/testbed',
  'trixie',
);
const UPSTREAM_TARBALL =
  process.env.CRUCIBLE_UPSTREAM_TARBALL ?? '/work/shared/upstream/crucible-community-2d1840e.tar.gz';

export type SettingsResult =
  | { ok: true; settings: Record<string, unknown> }
  | { ok: false; error: string; stage: 'validate_env' | 'settings' | 'runner' };

export interface ApiStartCase {
  /** The api container's environment (compose `environment:` after interpolation). */
  environment: Record<string, string>;
  /** The text of the `.env` mounted at `/app/.env` (dev compose); omitted for the prod compose file. */
  dotenv?: string;
}

/** The Debian 13 tree: `CRUCIBLE_TESTBED_ROOT`, else the bed's standard place. */
export function testbedRoot(): string {
  return process.env.CRUCIBLE_TESTBED_ROOT ?? DEFAULT_TESTBED_ROOT;
}

/** Why the runner cannot run here, or null when it can (root, the tree with pydantic-settings, the upstream tarball). */
export function testbedUnavailableReason(): string | null {
  const root = testbedRoot();
  if (process.getuid?.() !== 0) return 'the live runner needs root (chroot)';
  if (!existsSync(join(root, 'usr/bin/python3')))
    return `no Debian 13 tree at ${root} (scripts/testbed/build-tree.sh builds it)`;
  if (!existsSync(join(root, 'usr/lib/python3/dist-packages/pydantic_settings')))
    return `the tree at ${root} has no python3-pydantic-settings`;
  if (!existsSync(UPSTREAM_TARBALL)) return `the upstream tarball ${UPSTREAM_TARBALL} is missing`;
  return null;
}

const RUNNER_PY = String.raw`
import importlib.util, io, json, os, sys, contextlib, warnings
base = sys.argv[1]
app = os.path.join(base, 'app')
config_path = os.path.join(app, 'app', 'core', 'config.py')
validate_path = os.path.join(base, 'validate_env.py')
dotenv_path = os.path.join(app, '.env')
spec = importlib.util.spec_from_file_location('crucible_validate_env', validate_path)
validate_env = importlib.util.module_from_spec(spec)
spec.loader.exec_module(validate_env)
KEEP = ('environment', 'frontend_url', 'enable_rate_limiting', 'llm_rate_limit_tpm', 'llm_rate_limit_window_seconds', 'require_auth')
os.chdir(app)
for line in sys.stdin:
    case = json.loads(line)
    os.environ.clear()
    os.environ.update(case['environment'])
    os.environ['PATH'] = '/usr/bin:/bin'
    if case.get('dotenv') is not None:
        with open(dotenv_path, 'w', encoding='utf-8', newline='') as f:
            f.write(case['dotenv'])
    elif os.path.exists(dotenv_path):
        os.remove(dotenv_path)
    out = None
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        if not validate_env.validate_encryption_key() or not validate_env.validate_production_requirements():
            out = {'ok': False, 'stage': 'validate_env', 'error': 'validate_env.py exits 1'}
    if out is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                spec = importlib.util.spec_from_file_location('crucible_config', config_path)
                config = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(config)
                s = config.Settings()
            settings = {k: getattr(s, k) for k in KEEP}
            settings['cors_origins_list'] = s.cors_origins_list
            out = {'ok': True, 'settings': settings}
        except Exception as e:
            if hasattr(e, 'errors'):
                parts = []
                for err in e.errors(include_url=False, include_input=False):
                    loc = '.'.join(str(x) for x in err.get('loc', ()))
                    msg = err['msg'] if err['type'] == 'value_error' else ''
                    parts.append(err['type'] + ('@' + loc if loc else '') + (': ' + msg[:300] if msg else ''))
                out = {'ok': False, 'stage': 'settings', 'error': '; '.join(parts)}
            else:
                out = {'ok': False, 'stage': 'settings', 'error': type(e).__name__}
    sys.stdout.write(json.dumps(out, default=str) + '\n')
    sys.stdout.flush()
`;

/** Copies the two upstream files and the runner into a fresh folder inside the tree; returns its path inside and outside. */
function stage(root: string): { outside: string; inside: string } {
  const tmp = join(root, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const outside = mkdtempSync(join(tmp, 'cs-settings-'));
  const members = [
    'crucible-community/service/app/core/config.py',
    'crucible-community/service/scripts/validate_env.py',
  ];
  const r = spawnSync('tar', ['-xzf', UPSTREAM_TARBALL, '-C', outside, ...members], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(
      `tar could not extract Crucible's config.py and validate_env.py (exit ${String(r.status)}): ${r.stderr.slice(0, 300)}`,
    );
  mkdirSync(join(outside, 'app/app/core'), { recursive: true });
  const src = join(outside, 'crucible-community/service');
  spawnSync('mv', [join(src, 'app/core/config.py'), join(outside, 'app/app/core/config.py')]);
  spawnSync('mv', [join(src, 'scripts/validate_env.py'), join(outside, 'validate_env.py')]);
  if (!existsSync(join(outside, 'app/app/core/config.py')) || !existsSync(join(outside, 'validate_env.py')))
    throw new Error('staging the upstream files failed (mv)');
  writeFileSync(join(outside, 'runner.py'), RUNNER_PY);
  return { outside, inside: outside.slice(root.length) };
}

/**
 * Judges every case with Crucible's real start-up code, in order. One Python process serves all cases.
 * @throws Error when the tree is unusable or the runner dies (the message says which, without case values).
 */
export async function crucibleApiStartMany(cases: readonly ApiStartCase[]): Promise<SettingsResult[]> {
  const why = testbedUnavailableReason();
  if (why !== null) throw new Error(`cannot run Crucible's Settings(): ${why}`);
  const root = testbedRoot();
  const dir = stage(root);
  try {
    return await new Promise<SettingsResult[]>((resolve, reject) => {
      const child = spawn('chroot', [root, '/usr/bin/python3', '-I', join(dir.inside, 'runner.py'), dir.inside], {
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => {
        const lines = out.split('\n').filter((l) => l !== '');
        // stderr may quote a traceback; keep only its last line (an exception type and Crucible's message).
        if (code !== 0 || lines.length !== cases.length)
          reject(
            new Error(
              `the Settings() runner exited ${String(code)} after ${lines.length} of ${cases.length} cases: ${err.trim().split('\n').pop() ?? ''}`,
            ),
          );
        else resolve(lines.map((l) => JSON.parse(l) as SettingsResult));
      });
      child.stdin.on('error', () => undefined); // an early exit is reported by 'close'
      for (const c of cases)
        child.stdin.write(JSON.stringify({ environment: c.environment, dotenv: c.dotenv ?? null }) + '\n');
      child.stdin.end();
    });
  } finally {
    rmSync(dir.outside, { recursive: true, force: true });
  }
}
