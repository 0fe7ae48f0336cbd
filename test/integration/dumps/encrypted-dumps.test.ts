import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { DUMP_KEY_ACCOUNT, DUMP_KEY_SERVICE } from '../../../electron/core/dumps/dumps';
import { spawnCapture } from '../../../electron/core/host/spawn-capture';
import { newAgeIdentity, writeEncryptedFile } from '../../../electron/core/crypto/age-stream';

/**
 * Database dumps are encrypted as they arrive (age, X25519) and decrypt with the reference `age` tool
 * (Debian's age): the plaintext never reaches the disk, and the admin can open a dump without the app.
 */
const CANARY = 'CANARY-dump-row-9f8e7d6c';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function rig() {
  const home = mkdtempSync(join(tmpdir(), 'cs-dumps-'));
  dirs.push(home);
  const keychain = new MemoryKeychain();
  const core = createCoreServices({ home, logger: createLogger({ sink: nullSink }), keychain, env: {} });
  return { home, keychain, core };
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('encrypted database dumps', () => {
  it("a program's output streamed through the app's key: no plaintext on disk, and `age -d` opens it byte for byte", async () => {
    const { home, keychain, core } = rig();
    const { recipient, appHoldsKey } = await core.dumps.recipient();
    expect(appHoldsKey).toBe(true);
    expect(recipient).toMatch(/^age1/);
    // The same key on the next call, and only the public half in the state file.
    expect((await core.dumps.recipient()).recipient).toBe(recipient);
    const identity = (await keychain.get(DUMP_KEY_SERVICE, DUMP_KEY_ACCOUNT)) ?? '';
    expect(readFileSync(core.paths.stateFile, 'utf8')).not.toContain(identity);
    expect(readFileSync(core.paths.stateFile, 'utf8')).toContain(recipient);

    const folder = core.dumps.folder('d1');
    execFileSync('mkdir', ['-p', '-m', '700', folder]);
    const file = join(folder, 'roundtable-before-POSTGRES_PASSWORD-r1.sql.age');
    // 3 MB of "dump", several age chunks (64 KiB each).
    const script = `i=0; while [ $i -lt 30000 ]; do echo "INSERT INTO t VALUES ($i, '${CANARY}');"; i=$((i+1)); done`;
    const r = await spawnCapture('sh', ['-c', script], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutMs: 60_000,
      stdoutFile: file,
      stdoutEncryptTo: recipient,
    });
    expect(r.code, r.stderr.toString()).toBe(0);
    const onDisk = readFileSync(file);
    expect(onDisk.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(onDisk.toString('latin1')).not.toContain(CANARY);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const expected = execFileSync('sh', ['-c', script], { maxBuffer: 64 * 1024 * 1024 });

    const keyFile = join(home, 'key.txt');
    writeFileSync(keyFile, `${identity}\n`, { mode: 0o600 });
    const viaAge = execFileSync('age', ['-d', '-i', keyFile, file], { maxBuffer: 64 * 1024 * 1024 });
    expect(sha(viaAge)).toBe(sha(expected));

    // Listed, decrypted by the app to a new 0600 file (never over an existing one), and deleted.
    const list = await core.dumps.list('d1');
    expect(list).toEqual([
      expect.objectContaining({ id: 'roundtable-before-POSTGRES_PASSWORD-r1.sql.age', encrypted: true }),
    ]);
    const out = join(home, 'out.sql');
    await core.dumps.decrypt('d1', list[0]?.id ?? '', out);
    expect(sha(readFileSync(out))).toBe(sha(expected));
    expect(statSync(out).mode & 0o777).toBe(0o600);
    await expect(core.dumps.decrypt('d1', list[0]?.id ?? '', out)).rejects.toMatchObject({ code: 'DUMP_OUT_EXISTS' });
    await expect(core.dumps.remove('d1', '../state.json')).rejects.toMatchObject({ code: 'DUMP_NOT_FOUND' });
    await core.dumps.remove('d1', list[0]?.id ?? '');
    expect(readdirSync(folder)).toEqual([]);
    expect(readFileSync(core.paths.journalFile, 'utf8')).toContain('dump.deleted');
  });

  it("a failed dump leaves no file, and a dump made by hand (piped in) is encrypted to the admin's own key", async () => {
    const { home, core } = rig();
    const { recipient } = await core.dumps.recipient();
    const file = join(home, 'failed.sql.age');
    const r = await spawnCapture('sh', ['-c', `echo '${CANARY}'; exit 3`], {
      env: {},
      timeoutMs: 10_000,
      stdoutFile: file,
      stdoutEncryptTo: recipient,
    });
    expect(r.code).toBe(3);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(home).filter((n) => n.includes('.part-'))).toEqual([]);

    const own = await newAgeIdentity();
    await expect(core.dumps.setRecipient('age1nope')).rejects.toMatchObject({ code: 'DUMP_RECIPIENT_INVALID' });
    expect(await core.dumps.setRecipient(own.recipient)).toEqual({ recipient: own.recipient, appHoldsKey: false });
    const byHand = join(home, 'by-hand.sql.age');
    await core.dumps.encryptStream(Readable.from([Buffer.from(`${CANARY}\n`)]), byHand);
    expect(readFileSync(byHand).toString('latin1')).not.toContain(CANARY);
    const keyFile = join(home, 'own.txt');
    writeFileSync(keyFile, `${own.identity}\n`, { mode: 0o600 });
    expect(execFileSync('age', ['-d', '-i', keyFile, byHand]).toString()).toBe(`${CANARY}\n`);
    // The app's key cannot open it, and says how to.
    execFileSync('mkdir', ['-p', core.dumps.folder('d2')]);
    execFileSync('cp', [byHand, join(core.dumps.folder('d2'), 'x.sql.age')]);
    const err = await core.dumps.decrypt('d2', 'x.sql.age', join(home, 'x.sql')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DUMP_DECRYPT_FAILED' });
    expect((err as Error).message).toContain('age -d -i');
    expect(existsSync(join(home, 'x.sql'))).toBe(false);
  });
  it('output handed back whole (a runner that does not stream) is written encrypted, 0600, atomically, never through a symlink', async () => {
    const { home } = rig();
    const { identity, recipient } = await newAgeIdentity();
    const keyFile = join(home, 'key.txt');
    writeFileSync(keyFile, `${identity}\n`, { mode: 0o600 });
    const out = join(home, 'whole.sql.age');
    await writeEncryptedFile(out, `${CANARY}\n`, recipient);
    expect(readFileSync(out).toString('latin1')).not.toContain(CANARY);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(home).filter((n) => n.includes('.tmp-') || n.includes('.part-'))).toEqual([]);
    expect(execFileSync('age', ['-d', '-i', keyFile, out]).toString()).toBe(`${CANARY}\n`);
    const victim = join(home, 'victim.txt');
    writeFileSync(victim, 'untouched');
    const link = join(home, 'link.sql.age');
    symlinkSync(victim, link);
    await expect(writeEncryptedFile(link, CANARY, recipient)).rejects.toMatchObject({ code: 'FS_SYMLINK_REFUSED' });
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
  });
});
