import { readFileSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { createCoreServices, type CoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { cliIo } from '../../helpers/cli-io';
import { materialise } from '../core/audit/helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function rig(register: boolean) {
  const dir = materialise('stock-dev');
  const home = mkdtempSync(join(tmpdir(), 'cs-cli-auditfix-'));
  dirs.push(dir, home);
  const core: CoreServices = createCoreServices({
    home,
    logger: createLogger({ sink: nullSink }),
    platform: 'linux',
    keychain: new MemoryKeychain(),
  });
  if (register) {
    await core.store.update((s) => {
      s.deployments.push({
        id: 'dev-one',
        name: 'Dev',
        folder: dir,
        composeFiles: [],
        environment: 'development',
        createdAt: new Date().toISOString(),
      });
    });
  }
  const cli = async (...argv: string[]) => {
    const t = cliIo();
    const code = await runCli(argv, t.io, { coreFactory: () => core });
    return { code, out: t.out(), err: t.err() };
  };
  return { dir, core, cli };
}

/** The fix command the audit printed for the api's port, and its id. */
function portFix(out: string): string {
  const m = /--fix '?(bind-loopback:docker-compose\.yml:api:\d+)'? --preview/.exec(out);
  if (!m?.[1]) throw new Error(`no bind-loopback fix for api in:\n${out}`);
  return m[1];
}

describe('crucible-secrets audit --fix', () => {
  it('the audit names the CLI command for each fix, never the app’s Audit page', async () => {
    const { dir, cli } = await rig(true);
    const r = await cli('audit', dir);
    expect(r.out).not.toMatch(/Audit page|the app can fix/);
    expect(r.out).toContain(`crucible-secrets audit ${dir} --fix`);
  });

  it('--preview shows the diff and changes nothing; --apply --expect makes exactly that change and audits again', async () => {
    const { dir, cli } = await rig(true);
    const fixId = portFix((await cli('audit', dir)).out);
    const before = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
    const preview = await cli('audit', dir, '--fix', fixId, '--preview');
    expect(preview.code, preview.err).toBe(0);
    expect(preview.out).toMatch(/^\+.*127\.0\.0\.1:8000/m);
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toBe(before);
    const token = /--expect (\S+)/.exec(preview.out)?.[1];
    expect(token).toBeTruthy();

    const stale = await cli('audit', dir, '--fix', fixId, '--apply', '--expect', 'not-the-token');
    expect(stale.code).toBe(65);
    expect(stale.err).toContain('FIX_STALE');
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toBe(before);

    const applied = await cli('audit', dir, '--fix', fixId, '--apply', '--expect', token ?? '');
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toContain('Audited again');
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).toContain('127.0.0.1:8000');
    const again = await cli('audit', dir, '--fix', fixId, '--preview');
    expect(again.code).toBe(65);
    expect(again.err).toContain('FIX_NOT_OFFERED');
  });

  it('refuses to fix a folder that is not registered, and bad option combinations', async () => {
    const { dir, cli } = await rig(false);
    const r = await cli('audit', dir, '--fix', 'gitignore-env', '--apply');
    expect(r.code).toBe(65);
    expect(r.err).toContain('crucible-secrets init');
    expect((await cli('audit', dir, '--fix', 'gitignore-env')).code).toBe(64);
    expect((await cli('audit', dir, '--preview')).code).toBe(64);
  });
});
