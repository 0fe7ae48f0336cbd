import { PassThrough } from 'node:stream';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { createCoreServices, type CoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { addDeployment } from '../../../electron/core/store/deployments';

const PASS = 'correct horse battery staple';
const VALUE = 'CANARY-vault-cli-value-1f2e3d';

describe('crucible-secrets keychain use', () => {
  it('the admin explicitly chooses the vault; later commands unlock it with the passphrase', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cs-kuse-'));
    const folder = join(home, 'crucible');
    mkdirSync(folder);
    // Each CLI run builds its own core, as separate processes would.
    const fresh = () =>
      createCoreServices({
        home,
        logger: createLogger({ sink: nullSink }),
        vaultKdf: { memoryKiB: 1024, iterations: 1, parallelism: 1 },
      });
    const run = async (argv: string[], stdinText?: string) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const stdin = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      if (stdinText !== undefined) stdin.end(stdinText);
      const code = await runCli(argv, { stdout, stderr, stdin, env: {} }, { coreFactory: fresh });
      return { code, out, err };
    };
    const setupCore: CoreServices = fresh();
    await setupCore.store.update((s) =>
      addDeployment(s, {
        id: 'vault-one',
        name: 'V',
        folder,
        composeFiles: [],
        environment: 'production',
        createdAt: new Date().toISOString(),
      }),
    );

    const chosen = await run(['keychain', 'use', 'vault', '--passphrase-stdin'], `${PASS}\n`);
    expect(chosen.code, chosen.err).toBe(0);
    expect(chosen.out).toContain('A new vault was created');
    expect(existsSync(join(home, 'vault.cskv'))).toBe(true);
    expect(JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')).settings.keychainBackend).toBe('file-vault');

    const writer = fresh();
    await writer.keychains.unlockVault(PASS);
    await writer.inventory.store({ deploymentId: 'vault-one', values: { REDIS_PASSWORD: VALUE }, origin: 'generated' });
    expect(readFileSync(join(home, 'vault.cskv'), 'utf8')).not.toContain(VALUE);

    const listed = await run(['secrets', 'list', folder, '--json', '--passphrase-stdin'], `${PASS}\n`);
    expect(listed.code, listed.err).toBe(0);
    expect(JSON.parse(listed.out).refs.find((r: { name: string }) => r.name === 'REDIS_PASSWORD').status).toBe('ok');

    const wrong = await run(['secrets', 'list', folder, '--passphrase-stdin'], 'not the passphrase\n');
    expect(wrong.code).toBe(69);
    expect(wrong.err).toContain('KEYCHAIN_VAULT_WRONG_PASSPHRASE');

    const back = await run(['keychain', 'use', 'os']);
    expect(back.code).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')).settings.keychainBackend).toBe('os');
  });
});
