import { AppError } from '../../../electron/common/errors';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openBackup, sealBackup, inspectBackup } from '../../../electron/core/backup/container';
import { encodeHeader, sealHeader, HEADER_LENGTH_V1, KEY_CHECK_OFFSET } from '../../../electron/core/backup/format';
import { DEFAULT_KDF } from '../../../electron/core/backup/kdf';
import { BackupPayload, type BackupPayloadInput } from '../../../electron/core/backup/payload';
import { GOLDEN_FILES, GOLDEN_PAYLOAD_V1 } from '../../fixtures/backup/golden-payload';

/** Argon2's own minimum: allowed only with the explicit test option, so a full byte sweep stays fast. */
const WEAK = { kdf: { memoryKiB: 8, iterations: 1, parallelism: 1 }, weakKdfForTests: true } as const;
const PASS = 'sturdy pelican orbits the quiet harbour';
const CANARY = 'CANARY-backup-value-9f8e7d6c5b4a';

const small: BackupPayloadInput = {
  kind: 'crucible-secrets-backup',
  payloadVersion: 1,
  appVersion: '0.1.0',
  createdAt: '2026-11-30T00:00:00.000Z',
  deployments: [
    {
      id: 'demo-one',
      name: 'Demo',
      folder: '/srv/demo',
      environment: 'development',
      createdAt: '2026-11-30T00:00:00.000Z',
      secrets: [{ name: 'ROUNDTABLE_JWT_SECRET', value: CANARY }],
    },
  ],
};

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    const err = e as { code?: string; message: string };
    // No error message may carry the secret or the passphrase.
    expect(err.message).not.toContain(CANARY);
    expect(err.message).not.toContain(PASS);
    return err.code ?? 'no-code';
  }
}

describe('backup container v1', () => {
  it('round-trips a payload and applies schema defaults', async () => {
    const file = await sealBackup(small, PASS, WEAK);
    const back = await openBackup(file, PASS, WEAK);
    expect(back.deployments[0]?.secrets[0]).toMatchObject({
      name: 'ROUNDTABLE_JWT_SECRET',
      value: CANARY,
      generation: 1,
      origin: 'unknown',
    });
    expect(file.includes(Buffer.from(CANARY))).toBe(false);
  });

  it('gets a fresh salt and nonce every time', async () => {
    const a = await sealBackup(small, PASS, WEAK);
    const b = await sealBackup(small, PASS, WEAK);
    expect(a.subarray(28, 72).equals(b.subarray(28, 72))).toBe(false);
  });

  it('reports a wrong passphrase with its own error', async () => {
    const file = await sealBackup(small, PASS, WEAK);
    expect(await codeOf(openBackup(file, PASS + ' ', WEAK))).toBe('BACKUP_WRONG_PASSPHRASE');
  });

  it('treats NFKC-equivalent passphrases as the same', async () => {
    const file = await sealBackup(small, 'ｓｔｕｒｄｙ pelican orbits the quiet harbour', WEAK);
    await expect(openBackup(file, PASS, WEAK)).resolves.toBeTruthy();
  });

  it('rejects every single-byte change as corrupted', async () => {
    const file = await sealBackup(small, PASS, WEAK);
    const codes = new Map<string, number>();
    for (let i = 0; i < file.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = Buffer.from(file);
        bad[i] = (bad[i] ?? 0) ^ mask;
        const code = await codeOf(openBackup(bad, PASS, WEAK));
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (code !== 'BACKUP_CORRUPTED') throw new Error(`byte ${i} ^ ${mask} gave ${code}`);
      }
    }
    expect([...codes.keys()]).toEqual(['BACKUP_CORRUPTED']);
  });

  it('rejects every truncation as corrupted', async () => {
    const file = await sealBackup(small, PASS, WEAK);
    for (let n = 0; n < file.length; n++) {
      const code = await codeOf(openBackup(file.subarray(0, n), PASS, WEAK));
      if (code !== 'BACKUP_CORRUPTED') throw new Error(`truncation to ${n} gave ${code}`);
    }
  });

  it('rejects appended bytes as corrupted', async () => {
    const file = await sealBackup(small, PASS, WEAK);
    for (const extra of [Buffer.alloc(1), Buffer.from('\n'), Buffer.alloc(16, 0xaa), file]) {
      expect(await codeOf(openBackup(Buffer.concat([file, extra]), PASS, WEAK))).toBe('BACKUP_CORRUPTED');
    }
  });

  it('refuses weak KDF parameters for an export without the test-only option', async () => {
    expect(
      await codeOf(sealBackup(small, PASS, { kdf: { memoryKiB: 32 * 1024, iterations: 3, parallelism: 4 } })),
    ).toBe('BACKUP_UNSAFE_PARAMETERS');
    expect(await codeOf(sealBackup(small, PASS, { kdf: { memoryKiB: 65536, iterations: 2, parallelism: 4 } }))).toBe(
      'BACKUP_UNSAFE_PARAMETERS',
    );
  });

  it('refuses to open a weak-parameter file without the test-only option, before any KDF', async () => {
    const file = await sealBackup(small, PASS, WEAK);
    expect(await codeOf(openBackup(file, PASS))).toBe('BACKUP_UNSAFE_PARAMETERS');
  });

  it('refuses crafted huge KDF parameters before running the KDF', async () => {
    // A header with a valid checksum asking for 4 GiB × 2^32 passes: would hang for ever if the KDF ran.
    for (const kdf of [
      { memoryKiB: 0xffffffff, iterations: 3, parallelism: 4 },
      { memoryKiB: 65536, iterations: 0xffffffff, parallelism: 4 },
      { memoryKiB: 65536, iterations: 3, parallelism: 0xffffff },
      { memoryKiB: 1024 * 1024, iterations: 10, parallelism: 4 },
      { memoryKiB: 65536, iterations: 3, parallelism: 0 },
    ]) {
      const header = encodeHeader({ kdf, salt: Buffer.alloc(32, 1), nonce: Buffer.alloc(12, 2), ciphertextLength: 10 });
      sealHeader(header, Buffer.alloc(32, 3));
      const file = Buffer.concat([header, Buffer.alloc(26)]);
      const phases: string[] = [];
      expect(await codeOf(openBackup(file, PASS, { onPhase: (p) => phases.push(p) }))).toBe('BACKUP_UNSAFE_PARAMETERS');
      // Refused at the header check: the KDF phase was never reached.
      expect(phases).toEqual(['check']);
    }
  });

  it('names a newer format version instead of calling it corrupted', () => {
    const header = encodeHeader({
      kdf: DEFAULT_KDF,
      salt: Buffer.alloc(32),
      nonce: Buffer.alloc(12),
      ciphertextLength: 0,
    });
    header.writeUInt16BE(2, 8);
    sealHeader(header, Buffer.alloc(32));
    expect(() => inspectBackup(Buffer.concat([header, Buffer.alloc(16)]))).toThrow(
      expect.objectContaining({ code: 'BACKUP_UNSUPPORTED_VERSION' }),
    );
  });

  it('authenticates the header: a header rebuilt with a valid checksum but other KDF parameters is refused', async () => {
    const file = await sealBackup(small, PASS, WEAK);
    const forged = Buffer.from(file);
    forged.writeUInt32BE(9, 16); // memory 8 → 9 KiB, then recompute the unkeyed checksum as an attacker could
    sealHeader(forged.subarray(0, HEADER_LENGTH_V1), forged.subarray(KEY_CHECK_OFFSET, KEY_CHECK_OFFSET + 32));
    // The key check is keyed by the passphrase: a forger cannot fix it, so the file cannot be opened.
    expect(await codeOf(openBackup(forged, PASS, WEAK))).toMatch(/^BACKUP_(WRONG_PASSPHRASE|CORRUPTED)$/);
  });

  it('refuses a payload that does not match the schema before encrypting', async () => {
    const bad = { ...small, deployments: [{ ...small.deployments[0]!, secrets: [{ name: 'bad name', value: 'x' }] }] };
    expect(await codeOf(sealBackup(bad, PASS, WEAK))).toBe('BACKUP_INVALID_PAYLOAD');
    // The payload may still be being gathered while the KDF runs: its failure is the seal's failure.
    expect(await codeOf(sealBackup(Promise.reject(new AppError('KEYCHAIN_LOCKED', 'locked')), PASS, WEAK))).toBe(
      'KEYCHAIN_LOCKED',
    );
    expect(await codeOf(sealBackup(Promise.resolve(bad), PASS, WEAK))).toBe('BACKUP_INVALID_PAYLOAD');
  });
});

describe('golden backup files (format v1: every later version must read them)', () => {
  const dir = fileURLToPath(new URL('../../fixtures/backup/', import.meta.url));
  const expected = BackupPayload.parse(GOLDEN_PAYLOAD_V1);

  for (const g of GOLDEN_FILES) {
    it(`opens ${g.file} and finds exactly the golden payload`, async () => {
      const bytes = readFileSync(dir + g.file);
      expect(inspectBackup(bytes).kdf).toEqual(g.kdf);
      expect(await openBackup(bytes, g.passphrase)).toEqual(expected);
      if ('asciiEquivalent' in g) expect(await openBackup(bytes, g.asciiEquivalent)).toEqual(expected);
    });
  }

  it('tells a wrong passphrase on a golden file', async () => {
    const bytes = readFileSync(dir + 'v1-default-kdf.csbackup');
    expect(await codeOf(openBackup(bytes, 'violet tractor sings under seven moon'))).toBe('BACKUP_WRONG_PASSPHRASE');
  });
});
