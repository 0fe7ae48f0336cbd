import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileVault, type VaultKdfParams } from '../../../../electron/core/keychain/file-vault';
import { createKeychainProvider } from '../../../../electron/core/keychain/select';

// Small argon2id parameters keep the unit tests fast; the integration test uses the defaults.
const kdf: VaultKdfParams = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const PASS = 'correct horse battery staple';
const CANARY = 'CANARY-vault-value-7c1e9b2f44';
const file = () => join(mkdtempSync(join(tmpdir(), 'cs-vault-')), 'vault.cskv');

describe('file vault', () => {
  it('stores, lists, reads back and deletes across a lock and unlock', async () => {
    const f = file();
    const v = await FileVault.create(f, PASS, { kdf });
    await v.set('crucible-secrets/demo-one', 'REDIS_PASSWORD', CANARY);
    await v.set('crucible-secrets/demo-one', 'POSTGRES_PASSWORD', 'pg-value');
    v.lock();
    await expect(v.get('crucible-secrets/demo-one', 'REDIS_PASSWORD')).rejects.toMatchObject({
      code: 'KEYCHAIN_VAULT_LOCKED',
    });
    const again = await FileVault.unlock(f, PASS);
    expect(await again.get('crucible-secrets/demo-one', 'REDIS_PASSWORD')).toBe(CANARY);
    expect((await again.list('crucible-secrets/demo-one')).map((e) => e.account).sort()).toEqual([
      'POSTGRES_PASSWORD',
      'REDIS_PASSWORD',
    ]);
    expect(await again.delete('crucible-secrets/demo-one', 'REDIS_PASSWORD')).toBe(true);
    expect(await again.delete('crucible-secrets/demo-one', 'REDIS_PASSWORD')).toBe(false);
    expect(await again.list('crucible-secrets/other')).toEqual([]);
  });

  it('keeps values encrypted on disk, mode 0600, with no backup copies beside it', async () => {
    const f = file();
    const v = await FileVault.create(f, PASS, { kdf });
    await v.set('s', 'A', CANARY);
    await v.set('s', 'A', CANARY + '2');
    const text = readFileSync(f, 'utf8');
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(Buffer.from(CANARY).toString('base64'));
    expect(JSON.parse(text)).toMatchObject({
      format: 'crucible-secrets-vault',
      version: 1,
      kdf: { name: 'argon2id', memoryKiB: 1024 },
      cipher: { name: 'aes-256-gcm' },
    });
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(f, '..'))).toEqual(['vault.cskv']);
  });

  it('uses a fresh nonce for every write', async () => {
    const f = file();
    const v = await FileVault.create(f, PASS, { kdf });
    await v.set('s', 'A', 'x');
    const n1 = JSON.parse(readFileSync(f, 'utf8')).cipher.nonce;
    await v.set('s', 'A', 'x');
    expect(JSON.parse(readFileSync(f, 'utf8')).cipher.nonce).not.toBe(n1);
  });

  it('refuses a wrong passphrase', async () => {
    const f = file();
    await FileVault.create(f, PASS, { kdf });
    await expect(FileVault.unlock(f, 'wrong horse battery staple')).rejects.toMatchObject({
      code: 'KEYCHAIN_VAULT_WRONG_PASSPHRASE',
    });
  });

  it('detects a changed ciphertext and a changed KDF parameter (the header is authenticated)', async () => {
    const f = file();
    const v = await FileVault.create(f, PASS, { kdf });
    await v.set('s', 'A', CANARY);
    const doc = JSON.parse(readFileSync(f, 'utf8'));
    const flipped = Buffer.from(doc.ciphertext, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    writeFileSync(f, JSON.stringify({ ...doc, ciphertext: flipped.toString('base64') }));
    await expect(v.get('s', 'A')).rejects.toMatchObject({ code: 'KEYCHAIN_VAULT_WRONG_PASSPHRASE' });
    writeFileSync(f, JSON.stringify({ ...doc, kdf: { ...doc.kdf, iterations: 2 } }));
    await expect(FileVault.unlock(f, PASS)).rejects.toMatchObject({ code: 'KEYCHAIN_VAULT_WRONG_PASSPHRASE' });
  });

  it('says clearly when the file is not a vault, is missing, or already exists', async () => {
    const f = file();
    await expect(FileVault.unlock(f, PASS)).rejects.toMatchObject({ code: 'KEYCHAIN_VAULT_MISSING' });
    writeFileSync(f, 'not a vault');
    await expect(FileVault.unlock(f, PASS)).rejects.toMatchObject({ code: 'KEYCHAIN_VAULT_CORRUPTED' });
    await expect(FileVault.create(f, PASS, { kdf })).rejects.toMatchObject({ code: 'KEYCHAIN_VAULT_EXISTS' });
    expect(readFileSync(f, 'utf8')).toBe('not a vault');
  });

  it('refuses a short passphrase', async () => {
    await expect(FileVault.create(file(), 'short', { kdf })).rejects.toMatchObject({
      code: 'KEYCHAIN_VAULT_WEAK_PASSPHRASE',
    });
  });

  it('two handles on the same vault (app and CLI) see each other’s writes and lose none', async () => {
    const f = file();
    const a = await FileVault.create(f, PASS, { kdf });
    const b = await FileVault.unlock(f, PASS);
    await Promise.all([a.set('s', 'A', '1'), a.set('s', 'B', '2')]);
    await b.set('s', 'C', '3');
    expect((await a.list('s')).map((e) => e.account).sort()).toEqual(['A', 'B', 'C']);
  });
});

describe('keychain backend selector', () => {
  it('returns the OS keychain when the admin chose it, and never the vault instead', async () => {
    const f = file();
    const osError = Object.assign(new Error('x'), { code: 'KEYCHAIN_NATIVE_MODULE_MISSING' });
    const p = createKeychainProvider({
      readChoice: () => Promise.resolve('os'),
      vaultFile: f,
      vaultKdf: kdf,
      openOs: () => Promise.reject(osError),
    });
    await p.createVault(PASS).catch(() => undefined); // even with a vault present and unlocked
    await expect(p.get()).rejects.toBe(osError);
  });

  it('with the vault chosen: locked is an error, unlocked is the vault', async () => {
    const f = file();
    await FileVault.create(f, PASS, { kdf });
    const p = createKeychainProvider({
      readChoice: () => Promise.resolve('file-vault'),
      vaultFile: f,
      openOs: () => Promise.reject(new Error('must not be called')),
    });
    await expect(p.get()).rejects.toMatchObject({ code: 'KEYCHAIN_VAULT_LOCKED' });
    await p.unlockVault(PASS);
    expect((await p.get()).backend).toBe('file-vault');
    p.lockVault();
    await expect(p.get()).rejects.toMatchObject({ code: 'KEYCHAIN_VAULT_LOCKED' });
  });
});
