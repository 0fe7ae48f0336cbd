import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { cliIo } from '../../helpers/cli-io';
import { createCoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { addDeployment } from '../../../electron/core/store/deployments';
import { readEnvFile, writeEnvFile } from '../../../electron/core/envfile';
import { previousVersionsFolder } from '../../../electron/core/fs/previous-versions';

/**
 * `secrets previous`: the versions of .env the app replaced are kept under the app home (never beside the
 * file), listed, and put back with the current file kept first.
 */
const OLD = 'CANARY-previous-redis-1a2b3c';
const NEW = 'CANARY-current-redis-4d5e6f';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function rig() {
  const home = mkdtempSync(join(tmpdir(), 'cs-previous-cli-'));
  dirs.push(home);
  const folder = join(home, 'crucible');
  mkdirSync(folder);
  const keychain = new MemoryKeychain();
  const fresh = () => createCoreServices({ home, logger: createLogger({ sink: nullSink }), keychain, env: {} });
  const core = fresh();
  await core.store.update((s) => {
    addDeployment(s, {
      id: 'prev-one',
      name: 'P',
      folder,
      composeFiles: [],
      environment: 'production',
      createdAt: '2026-12-01T00:00:00.000Z',
    });
  });
  writeFileSync(join(folder, '.env'), `# mine\nREDIS_PASSWORD='${OLD}'\n`, { mode: 0o600 });
  const { sha256 } = await readEnvFile(join(folder, '.env'));
  await writeEnvFile(join(folder, '.env'), [{ op: 'set', key: 'REDIS_PASSWORD', value: NEW }], {
    expectedSha256: sha256,
    keepPreviousIn: previousVersionsFolder(home, 'prev-one'),
  });
  const run = async (argv: string[]) => {
    const t = cliIo();
    const code = await runCli(argv, t.io, { coreFactory: fresh });
    return { code, out: t.out(), err: t.err() };
  };
  return { home, folder, run, core };
}

describe('crucible-secrets secrets previous', () => {
  it('lists the kept .env and puts it back, keeping the replaced one; never prints a value', async () => {
    const t = await rig();
    expect(readdirSync(t.folder)).toEqual(['.env']);
    const list = await t.run(['secrets', 'previous', t.folder, '--json']);
    expect(list.code, list.err).toBe(0);
    const versions = (JSON.parse(list.out) as { versions: Array<{ id: string; of: string }> }).versions;
    expect(versions.map((v) => v.of)).toEqual(['.env']);
    const id = versions[0]?.id ?? '';

    const refused = await t.run(['secrets', 'previous', t.folder, '--restore', id]);
    expect(refused.code).toBe(64);
    expect(readFileSync(join(t.folder, '.env'), 'utf8')).toContain(NEW);

    const unknown = await t.run(['secrets', 'previous', t.folder, '--restore', '../../state.json', '--yes']);
    expect(unknown.code).toBe(65);
    expect(unknown.err).toContain('PREVIOUS_NOT_FOUND');

    const back = await t.run(['secrets', 'previous', t.folder, '--restore', id, '--yes']);
    expect(back.code, back.err).toBe(0);
    expect(back.out).toContain('secrets drift');
    expect(readFileSync(join(t.folder, '.env'), 'utf8')).toBe(`# mine\nREDIS_PASSWORD='${OLD}'\n`);
    expect(statSync(join(t.folder, '.env')).mode & 0o777).toBe(0o600);
    expect(readdirSync(t.folder)).toEqual(['.env']);
    // The version it replaced is kept too, so putting one back can be undone the same way.
    const after = await t.run(['secrets', 'previous', t.folder]);
    expect(after.out.split('\n').filter((l) => l.includes('.env.'))).toHaveLength(2);
    const kept = readdirSync(previousVersionsFolder(t.home, 'prev-one')).map((n) =>
      readFileSync(join(previousVersionsFolder(t.home, 'prev-one'), n), 'utf8'),
    );
    expect(kept.some((k) => k.includes(NEW))).toBe(true);
    const journal = readFileSync(t.core.paths.journalFile, 'utf8');
    expect(journal).toContain('file.restored');
    for (const r of [list, refused, unknown, back, after]) {
      expect(r.out + r.err).not.toContain(OLD);
      expect(r.out + r.err).not.toContain(NEW);
    }
    expect(journal).not.toContain(OLD);
    expect(journal).not.toContain(NEW);
  });
});
