import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  ftruncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import { createCoreServices, type CoreServices } from '../../electron/core/services';
import { createLogger, nullSink } from '../../electron/core/log/logger';
import { MemoryKeychain } from '../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../electron/core/keychain/keychain';
import { interpolate } from '../../electron/core/compose/interpolate';
import { loadComposeProject } from '../../electron/core/compose/load';
import { parseEnv } from '../../electron/core/envfile';
import { readBoundedFile } from '../../electron/core/fs/read-bounded';
import { appHomeModeProblem, ensureAppHome } from '../../electron/core/paths/app-home';
import { cliIo, noCore } from '../helpers/cli-io';
import { manyAliases, manyServices, nestedDefault, unknownKeys } from '../fixtures/hostile/corpus';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

/**
 * Issue 19: one named regression per finding of the hostile-input review. Each was checked to fail with
 * its fix reverted (see the report of issue 19). The Electron and harness ones are in
 * hardening-electron.security.test.ts.
 */

const isRoot = process.getuid?.() === 0;
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `cs-hard-${p}-`));
const core = (): CoreServices =>
  createCoreServices({
    home: tmp('home'),
    logger: createLogger({ sink: nullSink }),
    platform: 'linux',
    keychain: new MemoryKeychain(),
  });

async function cli(argv: string[], make: () => CoreServices = core) {
  const t = cliIo();
  const started = performance.now();
  const code = await runCli(argv, t.io, { coreFactory: make });
  return { code, out: t.out(), err: t.err(), ms: performance.now() - started };
}

const COMPOSE = 'services:\n  api:\n    image: busybox:1.36\n';

describe('T-HARD-01 a FIFO planted as .env', () => {
  it('audit DIR refuses it at once (exit 65, names the problem) instead of waiting forever', async () => {
    const dir = tmp('fifo');
    writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE);
    execFileSync('mkfifo', [join(dir, '.env')]);
    const r = await cli(['audit', dir]);
    expect(r.code).toBe(65);
    expect(r.err).toContain('FILE_NOT_REGULAR');
    expect(r.ms).toBeLessThan(2000);
  }, 5000);

  it('check-env FILE refuses a FIFO too', async () => {
    const dir = tmp('fifo-ce');
    execFileSync('mkfifo', [join(dir, '.env')]);
    const r = await cli(['check-env', join(dir, '.env')]);
    expect(r.code).toBe(65);
    expect(r.err).toContain('ENV_NOT_A_FILE');
  }, 5000);
});

describe('T-HARD-02 .env as /dev/zero or a huge sparse file', () => {
  it('audit DIR refuses a link to /dev/zero without reading it', async () => {
    const dir = tmp('zero');
    writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE);
    symlinkSync('/dev/zero', join(dir, '.env'));
    const before = process.memoryUsage().rss;
    const r = await cli(['audit', dir]);
    expect(r.code).toBe(65);
    expect(r.err).toContain('FILE_NOT_REGULAR');
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  }, 10_000);

  it('audit DIR refuses a 400 MB sparse .env naming the cap, with no memory spike', async () => {
    const dir = tmp('sparse');
    writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE);
    const fd = openSync(join(dir, '.env'), 'w');
    ftruncateSync(fd, 400 * 1024 * 1024);
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const r = await cli(['audit', dir]);
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/larger than 1 MiB, the most a \.env file may be/);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  }, 10_000);

  it('the bounded reader stops at the cap even when the size it was told is wrong (it reads cap + 1 bytes at most)', async () => {
    await expect(readBoundedFile('/proc/self/status', 'env', { maxBytes: 16 })).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    });
  });
});

describe('T-HARD-03 ${A:- nested 100,000 deep', () => {
  it('check-env reports an invalid template (exit 2) in well under 2 s instead of crashing with exit 70', async () => {
    const dir = tmp('deep');
    writeFileSync(join(dir, '.env'), `A=${nestedDefault(100_000)}\nB=${nestedDefault(150_000, '"')}\n`);
    const r = await cli(['check-env', join(dir, '.env'), '--json']);
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(2000);
    const j = JSON.parse(r.out) as { findings: Array<{ code: string; message: string }> };
    expect(j.findings.find((f) => f.code === 'ENV_INVALID_TEMPLATE')?.message).toMatch(/more than 32 levels/);
  }, 10_000);

  it('audit with it (60,000 deep, within the size cap) in a compose file finishes with a finding, not a crash', async () => {
    const dir = tmp('deep-audit');
    writeFileSync(
      join(dir, 'docker-compose.yml'),
      `services:\n  api:\n    image: busybox:1.36\n    environment:\n      X: "${nestedDefault(60_000)}"\n`,
    );
    writeFileSync(join(dir, '.env'), 'ROUNDTABLE_ENVIRONMENT=development\n');
    const r = await cli(['audit', dir, '--json']);
    expect([0, 1, 2]).toContain(r.code);
    expect(r.out).toContain('COMPOSE_BAD_INTERPOLATION');
  }, 10_000);

  it('compose interpolation refuses past 32 levels and still accepts 32', () => {
    expect(() => interpolate(nestedDefault(100_000), () => undefined)).toThrow(
      expect.objectContaining({ code: 'COMPOSE_BAD_INTERPOLATION' }) as Error,
    );
    expect(interpolate(nestedDefault(32), () => undefined).value).toBe('x');
  });

  it('100,000 unclosed "${A:-" in double quotes parse in linear time (python-dotenv emulation took 97 s)', () => {
    const started = performance.now();
    const doc = parseEnv(`A="${'${A:-'.repeat(100_000)}"\n`);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(doc.problems.map((p) => p.code)).toContain('ENV_INVALID_TEMPLATE');
  });
});

describe('T-HARD-04 findings capped per code with "N more"', () => {
  it('200,000 unknown keys give a small --json with one summary, the full counts and the same exit code', async () => {
    const dir = tmp('many');
    writeFileSync(join(dir, '.env'), unknownKeys(200_000));
    const r = await cli(['check-env', join(dir, '.env'), '--json']);
    expect(r.out.length).toBeLessThan(200_000); // was 86 MB
    const j = JSON.parse(r.out) as {
      counts: { info: number; warning: number; error: number };
      findings: Array<{ code: string; more?: number }>;
      omitted: Record<string, number>;
    };
    const unknown = j.findings.filter((f) => f.code === 'ENV_UNKNOWN_KEY');
    expect(unknown.length).toBe(26);
    expect(unknown.at(-1)?.more).toBe(200_000 - 25);
    expect(j.omitted.ENV_UNKNOWN_KEY).toBe(200_000 - 25);
    expect(j.counts.info + j.counts.warning + j.counts.error).toBeGreaterThanOrEqual(200_000);
  }, 30_000);

  it('the text output says "N more" too', async () => {
    const dir = tmp('many-text');
    writeFileSync(join(dir, '.env'), unknownKeys(1000));
    const r = await cli(['check-env', join(dir, '.env')]);
    expect(r.out).toContain('975 more:');
    expect(r.out.split('\n').filter((l) => l.includes('[ENV_UNKNOWN_KEY]')).length).toBe(26);
  });
});

describe('T-HARD-05 compose files built to exhaust the YAML reader', () => {
  it('30,000 aliases (within the size cap) are refused quickly, naming the limit', async () => {
    const dir = tmp('aliases');
    writeFileSync(join(dir, 'docker-compose.yml'), manyAliases(30_000));
    const started = performance.now();
    await expect(loadComposeProject(dir, ['docker-compose.yml'], () => undefined)).rejects.toMatchObject({
      code: 'COMPOSE_TOO_MANY_ALIASES',
    });
    expect(performance.now() - started).toBeLessThan(5000); // was 14.8 s
  }, 30_000);

  it('a 3.5 MB file with 45,000 services is refused by its size before any parsing', async () => {
    const dir = tmp('services');
    writeFileSync(join(dir, 'docker-compose.yml'), manyServices(45_000));
    const started = performance.now();
    await expect(loadComposeProject(dir, ['docker-compose.yml'], () => undefined)).rejects.toMatchObject({
      code: 'COMPOSE_TOO_LARGE',
      message: expect.stringMatching(/512 KiB/) as string,
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('duplicate keys are still found (in one pass) and reported with their line', async () => {
    const dir = tmp('dup');
    writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  api:\n    image: a\n  api:\n    image: b\n');
    await expect(loadComposeProject(dir, ['docker-compose.yml'], () => undefined)).rejects.toMatchObject({
      code: 'COMPOSE_YAML_INVALID',
      message: expect.stringMatching(/line 4.*twice/) as string,
    });
  });

  it('a FIFO as the compose file is refused without hanging', async () => {
    const dir = tmp('fifo-compose');
    execFileSync('mkfifo', [join(dir, 'docker-compose.yml')]);
    await expect(loadComposeProject(dir, ['docker-compose.yml'], () => undefined)).rejects.toMatchObject({
      code: 'COMPOSE_READ_FAILED',
    });
  }, 5000);
});

describe('T-HARD-06 backup export --sheet is all or nothing', () => {
  async function registered(): Promise<{ core: CoreServices; folder: string; out: string }> {
    const keychain = new MemoryKeychain();
    const c = createCoreServices({
      home: tmp('bk-home'),
      logger: createLogger({ sink: nullSink }),
      platform: 'linux',
      keychain,
    });
    const folder = tmp('bk-dep');
    await c.store.update((s) => {
      s.deployments.push({
        id: 'hard-06',
        name: 'Hard',
        folder,
        composeFiles: [],
        environment: 'production',
        createdAt: '2026-11-01T00:00:00.000Z',
      });
    });
    await keychain.set(serviceFor('hard-06'), 'ROUNDTABLE_JWT_SECRET', 'CANARY-hard06-jwt-0a1b2c3d4e5f6071');
    const out = tmp('bk-out');
    return { core: c, folder, out };
  }
  const PASS = 'violet tractor sings under seven moons\n';
  const exportCli = async (c: CoreServices, argv: string[]) => {
    const t = cliIo();
    (t.io.stdin as unknown as { end(s: string): void }).end(PASS);
    const code = await runCli(argv, t.io, { coreFactory: () => c });
    return { code, out: t.out(), err: t.err() };
  };

  it('a symlink as the sheet: exit 65 and no backup file written', async () => {
    const { core: c, folder, out } = await registered();
    const sheet = join(out, 'sheet.html');
    symlinkSync('/tmp/elsewhere.html', sheet);
    const r = await exportCli(c, ['backup', 'export', folder, '--out', out, '--sheet', sheet, '--passphrase-stdin']);
    expect(r.code).toBe(65);
    expect(r.err).toContain('FS_SYMLINK_REFUSED');
    // Refused by the check before anything was written, not by taking the backup back afterwards.
    expect(r.err).not.toContain('removed again');
    expect(readdirSync(out)).toEqual(['sheet.html']);
    expect(r.err + r.out).not.toContain('CANARY');
  }, 60_000);

  it('a failure after both files were written (the journal refuses): backup and sheet are removed again', async () => {
    const home = tmp('bk-home2');
    const keychain = new MemoryKeychain();
    const c = createCoreServices({ home, logger: createLogger({ sink: nullSink }), platform: 'linux', keychain });
    const folder = tmp('bk-dep2');
    await c.store.update((st) => {
      st.deployments.push({
        id: 'hard-06',
        name: 'Hard',
        folder,
        composeFiles: [],
        environment: 'production',
        createdAt: '2026-11-01T00:00:00.000Z',
      });
    });
    await keychain.set(serviceFor('hard-06'), 'ROUNDTABLE_JWT_SECRET', 'CANARY-hard06-jwt-0a1b2c3d4e5f6071');
    // A folder where the journal file should be: the journal write fails after both files were written.
    mkdirSync(join(home, 'journal.jsonl'));
    const out = tmp('bk-out2');
    const sheet = join(out, 'sheet.html');
    const r = await exportCli(c, ['backup', 'export', folder, '--out', out, '--sheet', sheet, '--passphrase-stdin']);
    expect(r.code).not.toBe(0);
    expect(readdirSync(out)).toEqual([]);
    expect(r.err + r.out).not.toContain('CANARY');
  }, 60_000);
});

describe('T-HARD-07 the app home is private', () => {
  it('a pre-existing 0755 home is tightened to 0700 at start', () => {
    const home = join(tmp('apphome'), 'home');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    expect(appHomeModeProblem(home, 'linux')).toMatch(/chmod 700/);
    expect(ensureAppHome(home, 'linux')).toEqual({ mode: 0o700, tightened: true });
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(appHomeModeProblem(home, 'linux')).toBeNull();
  });

  it('the CLI tightens it before a command uses it', async () => {
    const base = tmp('apphome-cli');
    const home = join(base, 'home');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    writeFileSync(join(base, 'docker-compose.yml'), COMPOSE);
    const t = cliIo({ CRUCIBLE_SECRETS_HOME: home });
    expect(await runCli(['audit', base, '--json'], t.io)).not.toBe(65);
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });

  // Only root can give a folder away: skipped (reported, not passed) for anyone else.
  it.skipIf(!isRoot)('a home open to others and owned by another account is refused with the command to run', () => {
    const home = join(tmp('apphome-other'), 'home');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    chownSync(home, 65534, 65534);
    expect(() => ensureAppHome(home, 'linux')).toThrow(
      expect.objectContaining({
        code: 'APP_HOME_UNSAFE',
        message: expect.stringContaining('chmod 700') as string,
      }) as Error,
    );
  });
});

describe('T-HARD-13 proxy --out --apply-compose --apply-env is all or nothing', () => {
  // chattr needs root (CI and this machine run as root): skipped (reported, not passed) for anyone else.
  it.skipIf(!isRoot)(
    'a .env that cannot be replaced puts the compose file back and removes the written config',
    async () => {
      const dir = tmp('proxy');
      copyFileSync(join(FIXTURES, 'proxy', 'stock-docker-compose.yml'), join(dir, 'docker-compose.yml'));
      writeFileSync(
        join(dir, '.env'),
        "ROUNDTABLE_ENVIRONMENT='production'\nROUNDTABLE_FRONTEND_URL='http://localhost:3000'\n",
        { mode: 0o600 },
      );
      const compose = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
      // Immutable: readable (the plan reads it), but not even root may rename over it, so the .env write fails
      // after the compose file was replaced.
      execFileSync('chattr', ['+i', join(dir, '.env')]);
      try {
        const t = cliIo({ CRUCIBLE_SECRETS_HOME: join(dir, '..', `${dir.split('/').pop() ?? 'x'}-home`) });
        const code = await runCli(
          [
            'proxy',
            dir,
            '--server',
            'nginx',
            '--domain',
            'crucible.example.com',
            '--out',
            join(dir, 'c.conf'),
            '--apply-compose',
            '--apply-env',
          ],
          t.io,
          noCore,
        );
        expect(code).toBe(65);
        expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toBe(compose);
        expect(readdirSync(dir).sort()).toEqual(['.env', 'docker-compose.yml']);
      } finally {
        execFileSync('chattr', ['-i', join(dir, '.env')]);
      }
    },
  );
});
