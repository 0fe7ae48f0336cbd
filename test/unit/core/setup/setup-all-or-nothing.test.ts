import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../../electron/common/errors';
import { runCli } from '../../../../electron/cli/main';
import { createCoreServices, type CoreServices } from '../../../../electron/core/services';
import { createLogger, memorySink } from '../../../../electron/core/log/logger';
import { cliIo } from '../../../helpers/cli-io';
import { makeFolder, snapshot, TrackingKeychain } from './helpers';

/**
 * Issue 16, "All or nothing, really": importing an existing `.env` (ours, Crucible's generate_secrets.py,
 * hand-written) works, and a setup that fails at any step — the journal included — leaves the keychain,
 * `.env`, the compose files, `.gitignore`, the state and the journal's entries exactly as before.
 */

const UPSTREAM = join(process.cwd(), '..', 'shared', 'upstream', 'crucible-community-2d1840e.tar.gz');
const PY = '/usr/bin/python3';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A CLI with its own app home and an in-memory keychain, as `crucible-secrets` would run. */
function cli(stdin?: string) {
  const home = temp('cs-aon-home-');
  const keychain = new TrackingKeychain();
  const sink = memorySink();
  let core: CoreServices | undefined;
  const getCore = () => (core ??= createCoreServices({ home, logger: createLogger({ sink }), keychain }));
  return {
    home,
    keychain,
    core: getCore,
    logLines: sink.lines,
    async run(argv: string[]) {
      const t = cliIo();
      if (stdin !== undefined) t.io.stdin.end(stdin);
      const code = await runCli(argv, t.io, { coreFactory: getCore });
      return { code, out: t.out(), err: t.err() };
    },
  };
}

const PROD = ['--environment', 'production', '--public-url', 'https://crucible.example.org', '--password-stdin'];

describe('setup imports an existing .env', () => {
  it('a .env written by our own generate', async () => {
    const c = cli('copper lantern orbit meadow\n');
    const d = makeFolder();
    cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    const g = await c.run([
      'generate',
      '--environment',
      'production',
      '--frontend-url',
      'https://crucible.example.org',
      '--out',
      join(d, '.env'),
    ]);
    expect(g.code, g.err).toBe(0);
    const r = await c.run(['init', d, ...PROD]);
    expect(r.code, r.err).toBe(0);
    expect((await c.core().journal.verify()).ok).toBe(true);
    const state = await c.core().store.read();
    expect(state.deployments).toHaveLength(1);
    // Settings are not secrets: the environment's name is journalled, not refused.
    const journal = readFileSync(c.core().paths.journalFile, 'utf8');
    expect(journal).toContain('"environment":"production"');
    expect(journal).toContain('setup.completed');
  });

  it("a .env written by Crucible's own scripts/generate_secrets.py", async () => {
    const up = temp('cs-aon-upstream-');
    execFileSync('tar', ['xzf', UPSTREAM, '-C', up]);
    const d = join(up, 'crucible-community');
    execFileSync(PY, ['scripts/generate_secrets.py', '--force'], { cwd: d, stdio: 'ignore' });
    const before = readFileSync(join(d, '.env'), 'utf8');
    expect(before).toContain('ROUNDTABLE_ENABLE_RATE_LIMITING=true');
    const c = cli('copper lantern orbit meadow\n');
    const r = await c.run(['init', d, ...PROD]);
    expect(r.code, r.err).toBe(0);
    expect((await c.core().journal.verify()).ok).toBe(true);
    expect(readFileSync(join(d, '.env'), 'utf8')).toContain("ROUNDTABLE_ENVIRONMENT='production'");
  });

  it('a .env written by hand (unquoted, comments, blank lines, non-secret settings)', async () => {
    const d = makeFolder();
    cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    writeFileSync(
      join(d, '.env'),
      [
        '# our server',
        'ROUNDTABLE_ENVIRONMENT=production',
        'ROUNDTABLE_FRONTEND_URL=https://crucible.example.org',
        'ROUNDTABLE_ENABLE_RATE_LIMITING=true',
        'ROUNDTABLE_LLM_RATE_LIMIT_TPM=100000',
        '',
        'POSTGRES_USER=roundtable',
        'POSTGRES_PASSWORD=Zq8vN3xR7tK2mW9pL4sY6hB1',
        '',
      ].join('\n'),
    );
    const c = cli('copper lantern orbit meadow\n');
    const r = await c.run(['init', d, ...PROD]);
    expect(r.code, r.err).toBe(0);
    expect((await c.core().journal.verify()).ok).toBe(true);
    // The user name is kept, and no log line or journal entry is refused for it.
    expect(readFileSync(join(d, '.env'), 'utf8')).toMatch(/^POSTGRES_USER='?roundtable'?$/m);
    expect(c.logLines.join('\n')).not.toContain('JOURNAL_REFUSED_SECRET');
  });
});

describe('a failed setup changes nothing', () => {
  async function failingInit(breakJournal: (c: ReturnType<typeof cli>) => void | Promise<void>) {
    const c = cli('copper lantern orbit meadow\n');
    const d = makeFolder({ env: 'setup/existing-weak/dotenv', gitignore: true });
    cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    // The journal already has an entry, so "as before" includes its bytes.
    await c.core().journal.append({ type: 'file.written', subject: 'before' });
    const files = snapshot(d);
    const kc = await c.keychain.dump();
    const stateBefore = await c.core().store.read();
    const journalBefore = readFileSync(c.core().paths.journalFile, 'utf8');
    await breakJournal(c);
    const r = await c.run(['init', d, ...PROD]);
    return { c, d, r, files, kc, stateBefore, journalBefore };
  }

  it('a journal replaced by a symbolic link: refused before anything is written, and a retry works', async () => {
    const f = await failingInit((c) => {
      const file = c.core().paths.journalFile;
      const elsewhere = join(temp('cs-aon-elsewhere-'), 'journal.jsonl');
      writeFileSync(elsewhere, readFileSync(file));
      unlinkSync(file);
      symlinkSync(elsewhere, file);
    });
    expect(f.r.code).toBe(65);
    expect(f.r.err).toContain('symbolic link');
    expect(f.r.err).toContain('Nothing was changed');
    expect(snapshot(f.d)).toEqual(f.files);
    expect(await f.c.keychain.dump()).toBe(f.kc);
    const state = await f.c.core().store.read();
    expect(state.deployments).toEqual(f.stateBefore.deployments);
    expect(state.secrets).toEqual({});
    expect(state.pendingKeychainWrites).toEqual([]);
    // Repaired, the same command completes: no "already registered".
    const file = f.c.core().paths.journalFile;
    unlinkSync(file);
    writeFileSync(file, f.journalBefore, { mode: 0o600 });
    const again = await f.c.run(['init', f.d, ...PROD]);
    expect(again.code, again.err).toBe(0);
  });

  it('a journal that fails while the change is written: everything is put back', async () => {
    const f = await failingInit((c) => {
      vi.spyOn(c.core().journal, 'appendAll').mockRejectedValueOnce(
        new AppError('FS_WRITE_FAILED', 'The disk is full.'),
      );
    });
    expect(f.r.code).toBe(65);
    expect(f.r.err).toContain('The disk is full.');
    expect(f.r.err).toContain('Nothing was changed');
    expect(snapshot(f.d)).toEqual(f.files);
    // The keychain was written and put back: every service is as it was (empty), rollback copies gone.
    expect(f.c.keychain.services.size).toBeGreaterThan(1);
    expect(await f.c.keychain.dump()).toBe(f.kc);
    const state = await f.c.core().store.read();
    expect(state.secrets).toEqual({});
    expect(state.pendingKeychainWrites).toEqual([]);
    // The journal holds what it held, plus the record of the failed attempt, and still verifies.
    const journal = readFileSync(f.c.core().paths.journalFile, 'utf8');
    expect(journal.startsWith(f.journalBefore)).toBe(true);
    expect(journal).not.toContain('setup.completed');
    expect((await f.c.core().journal.verify()).ok).toBe(true);
  });
});
