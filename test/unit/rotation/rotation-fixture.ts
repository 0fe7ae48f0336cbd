import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envValues, parseEnv, writeEnvFile } from '../../../electron/core/envfile';
import { createJournal, type Journal } from '../../../electron/core/journal/journal';
import { serviceFor, type Keychain, type KeychainEntry } from '../../../electron/core/keychain/keychain';
import { createLogger, memorySink, type Logger } from '../../../electron/core/log/logger';
import type { CommandRunner } from '../../../electron/core/rotation/commands';
import { createRotationService, type RotationService } from '../../../electron/core/rotation/rotation.service';
import { crucibleCeProfile } from '../../../electron/core/stack/crucible-ce';
import { createStateStore, type StateStore } from '../../../electron/core/store/state-store';
import { deriveCrucibleFernetKey, fernetEncrypt } from '../../../electron/core/crypto/fernet';

/**
 * A deployment on disk, a keychain, a state store and a journal that survive a simulated crash: a
 * "restart" builds a new rotation service over the same keychain and files. `crashAfter(n)` makes the n-th
 * effect (keychain write/delete, state write, `.env` write, command) throw, as a crash at that point would.
 */

export class Crash extends Error {
  constructor() {
    super('simulated crash');
  }
}

/** A keychain whose whole content can be copied (to try resume and rollback from the same crash). */
export class TestKeychain implements Keychain {
  readonly backend = 'memory' as const;
  data = new Map<string, Map<string, string>>();
  constructor(private readonly effect: () => void = () => undefined) {}
  get(service: string, account: string): Promise<string | null> {
    return Promise.resolve(this.data.get(service)?.get(account) ?? null);
  }
  set(service: string, account: string, value: string): Promise<void> {
    this.effect();
    let s = this.data.get(service);
    if (!s) this.data.set(service, (s = new Map()));
    s.set(account, value);
    return Promise.resolve();
  }
  delete(service: string, account: string): Promise<boolean> {
    this.effect();
    return Promise.resolve(this.data.get(service)?.delete(account) ?? false);
  }
  list(service: string): Promise<KeychainEntry[]> {
    return Promise.resolve(
      [...(this.data.get(service) ?? new Map<string, string>())].map(([account, value]) => ({ account, value })),
    );
  }
  ensureUsable(): Promise<void> {
    return Promise.resolve();
  }
  /** Every entry of every staging service (`…/rotation/<run>`). */
  staged(): string[] {
    return [...this.data]
      .filter(([s]) => s.includes('/rotation/'))
      .flatMap(([s, m]) => [...m.keys()].map((a) => `${s}:${a}`));
  }
  cloneWith(effect: () => void): TestKeychain {
    const k = new TestKeychain(effect);
    for (const [s, m] of this.data) k.data.set(s, new Map(m));
    return k;
  }
}

export const DEP = 'prod-one';
export const OLD = {
  API_KEY_ENCRYPTION_KEY: 'oldEncKey_0123456789abcdefghijABCDEFGHIJ_xyz',
  ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: 'old-login-password-22c',
  ROUNDTABLE_JWT_SECRET: 'oldJwt'.padEnd(64, 'j'),
  ROUNDTABLE_JWT_REFRESH_SECRET: 'oldRefresh'.padEnd(64, 'r'),
  POSTGRES_USER: 'pguser123abc',
  POSTGRES_PASSWORD: 'oldPgPassword_0123456789abcdefgh',
  REDIS_PASSWORD: 'oldRedisPassword_0123456789abcdefghijklmnop',
  ROUNDTABLE_OPENROUTER_API_KEY: 'sk-or-v1-old-provider-key-0000000000',
} as const;

/** A cheap stand-in for bcrypt in crash loops (the real one is tested separately). */
const fakeHashSync = (p: string) => `H-${createHash('sha256').update(p).digest('hex')}`;
export const fakeHash = (p: string) => Promise.resolve(fakeHashSync(p));
export const fakeVerify = async (p: string, h: string) => h === (await fakeHash(p));
export const isFakeHash = (v: string) => /^H-[0-9a-f]{64}$/.test(v);

/** What the keychain and `.env` hold before a rotation: the login password in its stored form (its hash). */
export const OLD_STORED: Record<keyof typeof OLD, string> = {
  ...OLD,
  ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: fakeHashSync(OLD.ROUNDTABLE_COMMUNITY_AUTH_PASSWORD),
};

export interface World {
  root: string;
  home: string;
  folder: string;
  kc: TestKeychain;
  budget: { left: number };
  commands: string[][];
  logger: Logger;
  service(): RotationService;
  store(): StateStore;
  journal(): Journal;
  env(): Promise<Map<string, string>>;
  /** A copy of this world (files and keychain) with its own budget. */
  fork(): Promise<World>;
  dispose(): Promise<void>;
}

async function exportFor(key: string): Promise<string> {
  const f = await deriveCrucibleFernetKey(key);
  return JSON.stringify([
    {
      id: '11111111-1111-4111-8111-111111111111',
      provider_api_keys: JSON.stringify({ openrouter: fernetEncrypt(f, 'sk-or-v1-user-key-123456') }),
    },
  ]);
}

let exportCache: string | null = null;
/** tmpfs when there is one: the crash loops do thousands of fsyncs. */
const BASE = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
let tick = Date.parse('2026-11-30T10:00:00Z');

/** A fake runner: records argv, returns a database dump for pg_dump and an export for the SELECT. */
function fakeRunner(w: { commands: string[][] }, effect: () => void): CommandRunner {
  return {
    async run(argv) {
      effect();
      w.commands.push([...argv]);
      if (argv.includes('pg_dump')) return { code: 0, stdout: '-- dump\n', stderr: '' };
      // The service check in the api container: every check passes.
      if (argv.includes('api') && argv.includes('python'))
        return { code: 0, stdout: '{"results":[{"check":"health","ok":true,"detail":"ok"}]}\n', stderr: '' };
      if (argv.some((a) => a.startsWith('SELECT coalesce(json_agg'))) {
        exportCache ??= await exportFor(OLD.API_KEY_ENCRYPTION_KEY);
        return { code: 0, stdout: exportCache, stderr: '' };
      }
      return { code: 0, stdout: '', stderr: '' };
    },
  };
}

function build(root: string, kc: TestKeychain, budget: { left: number }, commands: string[][]): World {
  const home = join(root, 'home');
  const folder = join(root, 'deploy');
  const logger = createLogger({ sink: memorySink() });
  // Advances on every call: state backups are named by time and must not collide across store instances.
  const clock = () => new Date((tick += 1000));
  const store = () => createStateStore({ file: join(home, 'state.json'), logger, clock });
  const journal = () => createJournal({ file: join(home, 'journal.jsonl'), clock, redactor: logger.redactor });
  const effect = () => {
    if (budget.left-- <= 0) throw new Crash();
  };
  const crashingStore = (): StateStore => {
    const s = store();
    return {
      ...s,
      file: s.file,
      read: () => s.read(),
      notice: () => s.notice(),
      update: (c) => (effect(), s.update(c)),
    };
  };
  const w: World = {
    root,
    home,
    folder,
    kc,
    budget,
    commands,
    logger,
    store,
    journal,
    service: () =>
      createRotationService({
        store: crashingStore(),
        journal: journal(),
        keychain: () => Promise.resolve(kc),
        logger,
        clock,
        profile: crucibleCeProfile,
        runner: fakeRunner(w, effect),
        findDocker: () => Promise.resolve('/usr/bin/docker'),
        env: { PATH: '/usr/bin', POSTGRES_PASSWORD: 'shell-export-must-not-leak' },
        writeEnv: (p, c, o) => (effect(), writeEnvFile(p, c, o)),
        hash: fakeHash,
        verifyHash: fakeVerify,
        isHash: isFakeHash,
        home,
      }),
    env: async () => envValues(parseEnv(await readFile(join(folder, '.env'), 'utf8'))),
    async fork() {
      const r2 = await mkdtemp(join(BASE, 'cs-rot-'));
      await cp(root, r2, { recursive: true });
      // The state holds absolute paths (the deployment folder, export and SQL files): point them at the copy.
      const stateFile = join(r2, 'home', 'state.json');
      await writeFile(stateFile, (await readFile(stateFile, 'utf8')).split(root).join(r2));
      const b = { left: Infinity };
      const cmds: string[][] = [];
      return build(
        r2,
        kc.cloneWith(() => {
          if (b.left-- <= 0) throw new Crash();
        }),
        b,
        cmds,
      );
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
  return w;
}

/** A registered deployment whose `.env` and keychain hold OLD_STORED (the login password as its hash in both). */
export async function makeWorld(): Promise<World> {
  const root = await mkdtemp(join(BASE, 'cs-rot-'));
  const budget = { left: Infinity };
  const kc = new TestKeychain(() => {
    if (budget.left-- <= 0) throw new Crash();
  });
  const w = build(root, kc, budget, []);
  await mkdir(w.folder, { recursive: true });
  const lines = ['# Crucible', 'ROUNDTABLE_ENVIRONMENT=production', ''];
  for (const [k, v] of Object.entries(OLD_STORED)) lines.push(`${k}='${v}'`);
  await writeFile(join(w.folder, '.env'), lines.join('\n') + '\n', { mode: 0o600 });
  for (const [k, v] of Object.entries(OLD_STORED)) await kc.set(serviceFor(DEP), k, v);
  await w.store().update((s) => {
    s.deployments.push({
      id: DEP,
      name: 'Prod',
      folder: w.folder,
      composeFiles: ['docker-compose.yml'],
      environment: 'production',
      createdAt: '2026-01-01T00:00:00Z',
    });
    s.secrets[DEP] = Object.fromEntries(
      Object.keys(OLD).map((k) => [
        k,
        {
          variable: k,
          fingerprint: '0123456789abcdef',
          generation: 1,
          created: '2026-01-01T00:00:00Z',
          lastRotated: null,
          origin: 'generated' as const,
        },
      ]),
    );
  });
  return w;
}
