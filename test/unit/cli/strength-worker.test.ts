import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';

/**
 * The passphrase-strength check runs in a worker thread started from the esbuild CJS bundle. The built CLI
 * must still find zxcvbn-ts from there, answer, and exit on its own once the worker is idle (it is unref'd;
 * bin/ only sets process.exitCode, so a worker kept alive would hang the command until the timeout).
 */
const home = mkdtempSync(join(tmpdir(), 'cs-cli-strength-'));
const folder = join(home, 'crucible');
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the built CLI with the strength worker', { timeout: 180_000 }, () => {
  it('refuses a weak export passphrase and exits by itself', async () => {
    execFileSync('npm', ['run', '-s', 'build:electron'], { stdio: 'ignore', timeout: 120_000 });
    mkdirSync(folder);
    const core = createCoreServices({
      home: join(home, 'state'),
      logger: createLogger({ sink: nullSink }),
      keychain: new MemoryKeychain(),
    });
    await core.store.update((s) => {
      s.deployments.push({
        id: 'strength-cli',
        name: 'S',
        folder,
        composeFiles: [],
        environment: 'production',
        createdAt: '2026-11-01T00:00:00.000Z',
      });
    });
    const started = Date.now();
    const r = spawnSync(
      process.execPath,
      ['bin/crucible-secrets.cjs', 'backup', 'export', folder, '--passphrase-stdin', '--out', home],
      {
        input: 'passwordpassword123\n',
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, CRUCIBLE_SECRETS_HOME: join(home, 'state') },
      },
    );
    expect(r.signal).toBeNull(); // not killed by the timeout: the process ended on its own
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(/guess|common|easy/i); // zxcvbn's verdict came back from the worker
    expect(r.stderr).not.toContain('passwordpassword123');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
