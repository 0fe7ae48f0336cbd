import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileVault, type VaultKdfParams } from '../../../../electron/core/keychain/file-vault';
import { createKeychainProvider, type KeychainChoice } from '../../../../electron/core/keychain/select';
import { chosenStoreStatus } from '../../../../electron/core/keychain/chosen-status';
import type { KeychainStatus } from '../../../../electron/common/ipc/keychain.ipc';

const kdf: VaultKdfParams = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const clock = () => new Date('2026-12-06T07:00:00Z');
const gnome: KeychainStatus = {
  backend: 'secret-service',
  label: 'Secret Service (GNOME Keyring / KWallet)',
  usable: true,
  checkedAt: '2026-12-06T07:00:00.000Z',
  facts: {},
};

async function provider(choice: KeychainChoice) {
  const f = join(mkdtempSync(join(tmpdir(), 'cs-chosen-')), 'vault.cskv');
  await FileVault.create(f, 'a vault passphrase for the test', { kdf });
  return createKeychainProvider({
    readChoice: () => Promise.resolve(choice),
    vaultFile: f,
    vaultKdf: kdf,
    openOs: () => Promise.reject(new Error('not used')),
  });
}

describe("the window's keychain status is the store the admin chose", () => {
  it('the OS keychain: its doctor answers', async () => {
    const p = await provider('os');
    expect(await chosenStoreStatus(p, () => Promise.resolve(gnome), clock)).toBe(gnome);
  });

  it('the file vault: locked in the window, with the way on; the OS keychain is not asked', async () => {
    const p = await provider('file-vault');
    const s = await chosenStoreStatus(p, () => Promise.reject(new Error('must not be asked')), clock);
    expect(s).toMatchObject({ backend: 'file-vault', usable: false, problem: { code: 'LOCKED' } });
    expect(s.problem?.fix).toContain('crucible-secrets keychain use os');
    await p.unlockVault('a vault passphrase for the test');
    expect(await chosenStoreStatus(p, () => Promise.resolve(gnome), clock)).toMatchObject({
      backend: 'file-vault',
      usable: true,
      label: 'Passphrase-protected file vault',
    });
  });
});
