import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import { buildAuditContext } from '../../electron/core/audit/context';
import { runAudit } from '../../electron/core/audit/run';
import { secretVariablesFrom } from '../../electron/core/audit/secret-variables';
import { applyEnvChanges, parseEnv, parseEnvStrict } from '../../electron/core/envfile';
import { createJournal } from '../../electron/core/journal/journal';
import { FileVault } from '../../electron/core/keychain/file-vault';
import { createLogger, fileSink } from '../../electron/core/log/logger';
import { crucibleCeProfile } from '../../electron/core/stack';
import { checkEnv } from '../../electron/core/validation';

/**
 * Regressions of the security review: value fragments in parser messages, unbounded vault KDF parameters,
 * and symbolic links followed in the app home.
 */

const tmp = (p: string) => mkdtempSync(join(tmpdir(), `cs-review-${p}-`));

/** Everything a failed call says: the AppError's code and message. */
function errorText(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof Error ? `${(e as { code?: string }).code ?? ''} ${e.message}` : String(e);
  }
  throw new Error('expected a throw');
}

function cliIo() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (out += d.toString()));
  const coreFactory = () => {
    throw new Error('core() must not be needed');
  };
  return { io: { stdout, stderr, stdin: new PassThrough(), env: {} }, coreFactory, out: () => out };
}

// Every planted fragment contains "anary": none of it may appear in any message.
const BCRYPT_UNQUOTED = '$2b$12$CanarySalt.0123456789uvwxyzABCDEFGHIJKLMNOPQRSTU0123456'; // salt starts with a "name"
const ENV_TEXT = [
  'POSTGRES_USER=crucible',
  'POSTGRES_PASSWORD=ab$CanaryKq9fL2mZsecret',
  'REDIS_PASSWORD="x$CanaryRedis7 y${CanaryBraced} z$CanaryThird"',
  `ROUNDTABLE_COMMUNITY_AUTH_PASSWORD=${BCRYPT_UNQUOTED}`,
  'ROUNDTABLE_JWT_SECRET=Q1${CanaryRequired:?CanaryMessage}w',
  'ROUNDTABLE_JWT_REFRESH_SECRET=p4${CanaryBadOp%x}',
  // A genuine reference (a key of this file) is still named.
  'DATABASE_URL=postgres://${POSTGRES_USER}:pw@db:5432/app',
  'API_KEY_ENCRYPTION_KEY=k9${LATER:?set LATER}',
  'LATER=1',
  '',
].join('\n');

describe('security review regressions', () => {
  it('T-REVIEW-01: .env parser, check-env, ENV_PARSE_ERROR and the CLI never quote a piece of a value as a "reference"', async () => {
    const doc = parseEnv(ENV_TEXT);
    const outputs: string[] = [JSON.stringify(doc.problems)];
    for (const environment of ['production', 'staging', 'development'] as const)
      outputs.push(JSON.stringify(checkEnv(doc, { profile: crucibleCeProfile, environment, file: '.env' })));
    outputs.push(errorText(() => parseEnvStrict(ENV_TEXT)));
    outputs.push(errorText(() => applyEnvChanges(ENV_TEXT, [{ op: 'set', key: 'NEW_KEY', value: 'v' }], doc)));
    // KEY=value pasted whole where a name is asked for: the "name" is not echoed.
    outputs.push(
      errorText(() => applyEnvChanges("A='1'\n", [{ op: 'set', key: 'POSTGRES_PASSWORD=CanaryPasted', value: 'v' }])),
    );
    outputs.push(
      errorText(() => applyEnvChanges("A='1'\n", [{ op: 'set', key: 'POSTGRES_PASSWORD CanaryPasted', value: 'v' }])),
    );
    // Without the fatal lines: every non-fatal message reaches ENV_PARSE_ERROR-free paths too.
    const nonFatal = ENV_TEXT.split('\n')
      .filter((l) => !l.includes(':?') && !l.includes('%'))
      .join('\n');
    outputs.push(JSON.stringify(parseEnv(nonFatal).problems));

    const dir = tmp('cli');
    for (const [name, text] of [
      ['.env', ENV_TEXT],
      ['ok.env', nonFatal],
    ] as const) {
      writeFileSync(join(dir, name), text, { mode: 0o600 });
      for (const extra of [[], ['--json'], ['-e', 'production']]) {
        const t = cliIo();
        const code = await runCli(['check-env', join(dir, name), ...extra], t.io, { coreFactory: t.coreFactory });
        expect(code).toBe(2);
        outputs.push(t.out());
      }
    }

    const all = outputs.join('\n');
    expect(all).toContain('ENV_UNSET_REFERENCE');
    expect(all).toContain('ENV_REQUIRED_VARIABLE_UNSET');
    expect(all.toLowerCase()).not.toContain('anary');
    for (const fragment of ['Kq9fL2mZ', 'secret"', '0123456789uvwxyz', 'Q1', 'p4', 'pw@db'])
      expect(all).not.toContain(fragment);
    // The references are counted instead, and genuine ones (keys of this file) are still named.
    const problems = doc.problems.map((p) => p.message);
    expect(problems).toContain(
      'Line 2: compose reads 1 "$" reference in the unquoted value of POSTGRES_PASSWORD as a variable that is not set, and substitutes an empty string. Single-quote the value.',
    );
    expect(problems).toContain(
      'Line 3: compose reads 3 "$" references in the double-quoted value of REDIS_PASSWORD as variables that are not set, and substitutes an empty string. Single-quote the value.',
    );
    expect(problems).toContain(
      'Line 7: compose substitutes 1 "$" reference (POSTGRES_USER) into the value of DATABASE_URL.',
    );
    expect(problems.find((m) => m.startsWith('Line 5:'))).toMatch(/requires a variable/);
    expect(problems.find((m) => m.startsWith('Line 8:'))).toMatch(/requires LATER /);
  });

  it('T-REVIEW-02: compose interpolation problems never quote a bare "$name" cut out of a hard-coded value', async () => {
    const folder = tmp('compose');
    writeFileSync(
      join(folder, 'docker-compose.yml'),
      [
        'services:',
        '  db:',
        '    image: postgres:15-alpine',
        '    environment:',
        '      POSTGRES_PASSWORD: "ab$CanaryKq9fL2mZ"',
        '      OTHER_SETTING: "zz${CanaryOp%x}"',
        '      LIST_SETTING: "$CanaryOne and $CanaryTwo"',
        '      REDIS_URL: "redis://:${REDIS_PASSWORD}@redis"',
        '      HOMEISH: "${MISSING_BRACED}"',
        '',
      ].join('\n'),
    );
    writeFileSync(join(folder, '.env'), "POSTGRES_USER='crucible'\n", { mode: 0o600 });
    const sets = secretVariablesFrom(crucibleCeProfile.variables);
    const ctx = await buildAuditContext(
      { id: 'review', name: 'review', folder, composeFiles: [], environment: 'production' },
      {
        fingerprintKey: Buffer.alloc(32, 7),
        secretVariables: sets.secret,
        requiredVariables: sets.required,
        profile: crucibleCeProfile,
        others: [],
        gitBinary: null,
      },
    );
    const problems = JSON.stringify(ctx.compose?.problems);
    const findings = JSON.stringify(runAudit(ctx));
    for (const text of [problems, findings]) {
      expect(text.toLowerCase()).not.toContain('anary');
      expect(text).not.toContain('Kq9fL2mZ');
      expect(text).toContain('COMPOSE_BAD_INTERPOLATION');
      // Braced references are genuine: still named.
      expect(text).toContain('REDIS_PASSWORD is referenced in docker-compose.yml but not set');
      expect(text).toContain('MISSING_BRACED is referenced');
    }
    const counted = ctx.compose?.problems
      .filter((p) => p.code === 'COMPOSE_VARIABLE_NOT_SET' && p.variable === undefined)
      .map((p) => p.message);
    expect(counted).toEqual([
      'A "$" reference in docker-compose.yml (line 5) names a variable that is not set; compose substitutes an empty string. Write $$ for a literal dollar sign.',
      '2 "$" references in docker-compose.yml (line 7) name variables that are not set; compose substitutes an empty string. Write $$ for a literal dollar sign.',
    ]);
  });

  it('T-REVIEW-03: an edited vault file asking for an unbounded KDF is refused before the KDF runs', async () => {
    const file = join(tmp('vault'), 'vault.json');
    const pass = 'correct horse battery staple';
    const v = await FileVault.create(file, pass, { kdf: { memoryKiB: 1024, iterations: 1, parallelism: 1 } });
    v.lock();
    const original = readFileSync(file, 'utf8');
    const withKdf = (kdf: Record<string, number>) => {
      const doc = JSON.parse(original) as { kdf: Record<string, unknown> };
      writeFileSync(file, JSON.stringify({ ...doc, kdf: { ...doc.kdf, ...kdf } }));
    };
    // Cheap ones first (before the fix they ran the KDF and failed on the tag); then the ones that would hang or OOM.
    const crafted: Array<Record<string, number>> = [
      { iterations: 50 },
      { memoryKiB: 1024, parallelism: 64 },
      { memoryKiB: 1024 * 1024, iterations: 10 }, // 10 GiB·passes: over the work cap
      { memoryKiB: 4 * 1024 * 1024, iterations: 100, parallelism: 64 },
    ];
    for (const kdf of crafted) {
      withKdf(kdf);
      const started = Date.now();
      await expect(FileVault.unlock(file, pass)).rejects.toMatchObject({
        code: 'KEYCHAIN_VAULT_UNSAFE_PARAMETERS',
        message: expect.stringContaining('vault.json') as unknown,
      });
      expect(Date.now() - started).toBeLessThan(1000);
    }
    await expect(
      FileVault.create(join(tmp('vault2'), 'v.json'), pass, {
        kdf: { memoryKiB: 2 * 1024 * 1024, iterations: 3, parallelism: 1 },
      }),
    ).rejects.toMatchObject({ code: 'KEYCHAIN_VAULT_UNSAFE_PARAMETERS' });
    writeFileSync(file, original);
    expect((await FileVault.unlock(file, pass)).unlocked).toBe(true);
  });

  it('T-REVIEW-04: the log refuses a symbolic link planted in the app home, and keeps its file 0600', () => {
    const home = tmp('home');
    const victim = join(tmp('victim'), 'victim.txt');
    writeFileSync(victim, 'untouched\n', { mode: 0o644 });

    // Log: a link present when the sink is made, and one planted after.
    const logFile = join(home, 'logs', 'app.log');
    mkdirSync(join(home, 'logs'), { recursive: true });
    symlinkSync(victim, logFile);
    expect(() => fileSink(logFile)).toThrow(expect.objectContaining({ code: 'FS_SYMLINK_REFUSED' }) as Error);
    unlinkSync(logFile);
    const logger = createLogger({ sink: fileSink(logFile) });
    logger.info('first');
    chmodSync(logFile, 0o644);
    logger.info('second');
    expect(statSync(logFile).mode & 0o777).toBe(0o600);
    unlinkSync(logFile);
    symlinkSync(victim, logFile);
    expect(() => logger.info('redirected')).toThrow(expect.objectContaining({ code: 'FS_SYMLINK_REFUSED' }) as Error);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  it('T-REVIEW-05: the journal refuses a symbolic link planted in the app home, and keeps its file 0600', async () => {
    const home = tmp('home');
    const victim = join(tmp('victim'), 'victim.txt');
    writeFileSync(victim, 'untouched\n', { mode: 0o644 });
    const journalFile = join(home, 'journal.jsonl');
    const journal = createJournal({ file: journalFile });
    await journal.append({ type: 'file.written', subject: 'one' });
    chmodSync(journalFile, 0o644);
    await journal.append({ type: 'file.written', subject: 'two' });
    expect(statSync(journalFile).mode & 0o777).toBe(0o600);
    unlinkSync(journalFile);
    symlinkSync(victim, journalFile);
    await expect(journal.append({ type: 'file.written', subject: 'three' })).rejects.toMatchObject({
      code: 'FS_SYMLINK_REFUSED',
    });
    expect(lstatSync(journalFile).isSymbolicLink()).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });
});
