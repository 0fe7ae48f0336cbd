import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sealBackup } from '../../../electron/core/backup/container';
import { BackupPayload } from '../../../electron/core/backup/payload';
import { GOLDEN_PAYLOAD_V1 } from '../../fixtures/backup/golden-payload';

/**
 * The independent decryptor (test/interop/decrypt_backup.py, written from docs/backup-format.md alone, using
 * Debian's python3-argon2 and python3-cryptography) opens a backup this app made with its production KDF.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(ROOT, 'test/interop/decrypt_backup.py');
const PY = '/usr/bin/python3';
const PASS = 'ｕｎｉｃｏｄｅ harbour lantern seventeen quiet owls';
const dir = mkdtempSync(join(tmpdir(), 'cs-backup-py-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runPy(args: string[], stdin: string) {
  return spawnSync(PY, args, { input: stdin, encoding: 'utf8', timeout: 60_000 });
}

describe('backup interop with an independent Python decryptor', () => {
  let file = '';
  let bytes: Buffer = Buffer.alloc(0);

  it('decrypts a backup made by the app (default Argon2id parameters) to the same payload', async () => {
    bytes = await sealBackup(GOLDEN_PAYLOAD_V1, PASS);
    file = join(dir, 'app-made.csbackup');
    writeFileSync(file, bytes);
    // The decryptor normalises to NFKC itself: give it the passphrase exactly as typed.
    const r = runPy([SCRIPT, file, '--passphrase-stdin'], PASS + '\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(BackupPayload.parse(JSON.parse(r.stdout))).toEqual(BackupPayload.parse(GOLDEN_PAYLOAD_V1));
  });

  it('reports a wrong passphrase and a modified file with different exit codes', () => {
    expect(runPy([SCRIPT, file, '--passphrase-stdin'], 'not the passphrase at all\n').status).toBe(3);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 20] = (flipped[flipped.length - 20] ?? 0) ^ 1;
    const bad = join(dir, 'flipped.csbackup');
    writeFileSync(bad, flipped);
    expect(runPy([SCRIPT, bad, '--passphrase-stdin'], PASS + '\n').status).toBe(4);
  });

  it('the minimal decryptor printed in docs/backup-format.md §6 works as written', () => {
    const doc = readFileSync(join(ROOT, 'docs/backup-format.md'), 'utf8');
    const code = /## 6\.[\s\S]*?```python\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(code).toBeTruthy();
    const snippet = join(dir, 'snippet.py');
    writeFileSync(snippet, code!);
    // getpass falls back to stdin when there is no terminal.
    const r = runPy([snippet, file], PASS + '\n');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      kind: 'crucible-secrets-backup',
      deployments: [{ id: 'crucible-prod' }, { id: 'crucible-staging' }],
    });
  });
});
