import { AppError } from '../../../electron/common/errors';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackupService } from '../../../electron/core/backup/backup.service';
import type { PassphraseChecker } from '../../../electron/core/backup/passphrase';
import { deriveKeys } from '../../../electron/core/backup/kdf';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import type { BackupProgress } from '../../../electron/common/ipc/backup.ipc';
import { memoryDeps } from './memory-ports';

const WEAK = { kdf: { memoryKiB: 8, iterations: 1, parallelism: 1 }, weakKdfForTests: true };
const PASS = 'violet tractor sings under seven moons';
const CANARY_A = 'CANARY-jwt-51f0e2d3c4b5a697';
const CANARY_B = 'CANARY-pg-8a7b6c5d4e3f2a1b';
let dir = '';
let folder = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cs-backup-svc-'));
  folder = join(dir, 'crucible');
  mkdirp(folder);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function mkdirp(p: string) {
  rmSync(p, { recursive: true, force: true });
  mkdirSync(p, { recursive: true });
}

function setup(opts: { failRecord?: boolean } = {}) {
  const m = memoryDeps({
    deployments: [
      {
        id: 'crucible-prod',
        name: 'Prod',
        folder,
        composeFiles: ['docker-compose.yml'],
        environment: 'production',
        createdAt: '2026-11-01T00:00:00.000Z',
      },
    ],
    metas: {
      'crucible-prod': {
        ROUNDTABLE_JWT_SECRET: {
          generation: 3,
          created: '2026-11-01T00:00:00.000Z',
          lastRotated: '2026-11-20T00:00:00.000Z',
          origin: 'generated',
        },
      },
    },
    failRecord: opts.failRecord,
    home: join(dir, 'home'),
  });
  return { ...m, svc: createBackupService(m.deps, WEAK) };
}

async function seed(m: ReturnType<typeof setup>) {
  await m.keychain.set(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET', CANARY_A);
  await m.keychain.set(serviceFor('crucible-prod'), 'POSTGRES_PASSWORD', CANARY_B);
  writeFileSync(
    join(folder, '.env'),
    `# kept comment\nROUNDTABLE_JWT_SECRET='${CANARY_A}'\nOTHER=keep-me\nPOSTGRES_PASSWORD='${CANARY_B}'\n`,
  );
}

function noCanary(text: string) {
  expect(text).not.toContain(CANARY_A);
  expect(text).not.toContain(CANARY_B);
  expect(text).not.toContain(PASS);
}

describe('backup export', () => {
  it('writes a 0600 file named after the deployment and date, journals it, and reports progress while the KDF runs', async () => {
    const m = setup();
    await seed(m);
    const events: BackupProgress[] = [];
    const name = m.svc.defaultFileName(['crucible-prod']);
    expect(name).toBe('crucible-crucible-prod-2026-11-30.csbackup');
    const res = await m.svc.exportTo(join(dir, name), ['crucible-prod'], PASS, PASS, (p) => events.push(p));
    expect(statSync(res.path).mode & 0o777).toBe(0o600);
    expect(res.deployments[0]?.secretNames.sort()).toEqual(['POSTGRES_PASSWORD', 'ROUNDTABLE_JWT_SECRET']);
    expect(events.map((e) => e.phase)).toEqual(expect.arrayContaining(['gather', 'kdf', 'encrypt', 'write', 'done']));
    expect(m.journalEntries).toMatchObject([{ type: 'backup.exported', deploymentId: 'crucible-prod' }]);
    noCanary(readFileSync(res.path).toString('latin1'));
    noCanary(JSON.stringify(res) + JSON.stringify(m.journalEntries) + m.logLines.join('\n'));
    noCanary(m.svc.recoverySheet(res.exportId).html);
    expect(m.svc.recoverySheet(res.exportId).html).toContain(res.fingerprint);
  });

  it('refuses a weak passphrase or two different entries, and writes nothing', async () => {
    const m = setup();
    await seed(m);
    const target = join(dir, 'x.csbackup');
    await expect(m.svc.exportTo(target, ['crucible-prod'], 'short', 'short')).rejects.toMatchObject({
      code: 'BACKUP_WEAK_PASSPHRASE',
    });
    await expect(m.svc.exportTo(target, ['crucible-prod'], PASS, PASS + 'x')).rejects.toMatchObject({
      code: 'BACKUP_PASSPHRASE_MISMATCH',
    });
    expect(existsSync(target)).toBe(false);
    expect(m.journalEntries).toEqual([]);
  });

  it('refuses a weak passphrase while the KDF still runs beside the check: keychain never read, nothing written, no progress after the error', async () => {
    const m = setup();
    await seed(m);
    // The KDF finishes only when the test says so, after the refusal.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let finished!: () => void;
    const kdfFinished = new Promise<void>((r) => (finished = r));
    const gatedKdf: typeof deriveKeys = async (...args) => {
      await gate;
      try {
        return await deriveKeys(...args);
      } finally {
        setImmediate(finished);
      }
    };
    const instant: PassphraseChecker = {
      check: () => Promise.resolve({ ok: false, score: 0, length: 15, problems: ['Too easy to guess.'] }),
      close: () => Promise.resolve(),
    };
    let keychainReads = 0;
    const deps = { ...m.deps, keychain: () => (keychainReads++, m.deps.keychain()) };
    const svc = createBackupService(deps, { ...WEAK, passphraseChecker: instant, deriveKeys: gatedKdf });
    const target = join(dir, 'weak.csbackup');
    const events: BackupProgress[] = [];
    await expect(
      svc.exportTo(target, ['crucible-prod'], 'password1234567', 'password1234567', (p) => events.push(p)),
    ).rejects.toMatchObject({ code: 'BACKUP_WEAK_PASSPHRASE' });
    const seen = events.length;
    open();
    await kdfFinished;
    expect(events.length).toBe(seen);
    expect(events.map((e) => e.phase)).not.toContain('encrypt');
    expect(keychainReads).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('weak'))).toEqual([]);
    expect(m.journalEntries).toEqual([]);
  });

  it('refuses an unknown deployment', async () => {
    const m = setup();
    await expect(m.svc.exportTo(join(dir, 'x.csbackup'), ['nope-nope'], PASS, PASS)).rejects.toMatchObject({
      code: 'BACKUP_NOT_FOUND',
    });
  });

  it('status tells which secrets were rotated after the newest backup', async () => {
    const m = setup();
    await seed(m);
    m.setNow(new Date('2026-11-10T00:00:00.000Z'));
    await m.svc.exportTo(join(dir, 'a.csbackup'), ['crucible-prod'], PASS, PASS);
    const st = await m.svc.status();
    expect(st.deployments[0]).toMatchObject({
      lastBackupAt: '2026-11-10T00:00:00.000Z',
      rotatedSince: ['ROUNDTABLE_JWT_SECRET'],
    });
  });
});

describe('backup verify and restore', () => {
  async function exported() {
    const m = setup();
    await seed(m);
    const res = await m.svc.exportTo(join(dir, 'b.csbackup'), ['crucible-prod'], PASS, PASS);
    return { m, res };
  }

  it('verify reports names, counts and dates, writes nothing and returns no value', async () => {
    const { m, res } = await exported();
    const before = readdirSync(dir).sort();
    const info = await m.svc.registerFile(res.path);
    const sum = await m.svc.verify(info.fileId, PASS);
    expect(sum).toMatchObject({ fingerprint: res.fingerprint, formatVersion: 1, appVersion: '0.1.0-test' });
    expect(sum.deployments[0]).toMatchObject({
      id: 'crucible-prod',
      secretCount: 2,
      maxGeneration: 3,
      newestRotation: '2026-11-20T00:00:00.000Z',
      checklistDone: 1,
    });
    noCanary(JSON.stringify(sum));
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('restores everything after the keychain and .env were wiped', async () => {
    const { m, res } = await exported();
    for (const e of await m.keychain.list(serviceFor('crucible-prod')))
      await m.keychain.delete(serviceFor('crucible-prod'), e.account);
    rmSync(join(folder, '.env'));
    const info = await m.svc.registerFile(res.path);
    const plan = await m.svc.planRestore(info.fileId, PASS);
    expect(plan.deployments[0]?.secrets.map((s) => [s.name, s.keychain.state, s.env.state])).toEqual([
      ['POSTGRES_PASSWORD', 'absent', 'no-file'],
      ['ROUNDTABLE_JWT_SECRET', 'absent', 'no-file'],
    ]);
    noCanary(JSON.stringify(plan));
    const out = await m.svc.applyRestore({
      sessionId: plan.sessionId,
      deployments: [
        { deploymentId: 'crucible-prod', secrets: ['POSTGRES_PASSWORD', 'ROUNDTABLE_JWT_SECRET'], rewriteEnv: true },
      ],
    });
    expect(out.deployments[0]).toMatchObject({
      restored: ['POSTGRES_PASSWORD', 'ROUNDTABLE_JWT_SECRET'],
      envRewritten: true,
    });
    expect(await m.keychain.get(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET')).toBe(CANARY_A);
    expect(await m.keychain.get(serviceFor('crucible-prod'), 'POSTGRES_PASSWORD')).toBe(CANARY_B);
    expect(readFileSync(join(folder, '.env'), 'utf8')).toBe(
      `POSTGRES_PASSWORD='${CANARY_B}'\nROUNDTABLE_JWT_SECRET='${CANARY_A}'\n`,
    );
    expect(m.restored[0]?.[0]?.secrets.find((s) => s.name === 'ROUNDTABLE_JWT_SECRET')).toMatchObject({
      generation: 3,
      lastRotated: '2026-11-20T00:00:00.000Z',
    });
    expect(m.journalEntries.map((e) => e.type)).toEqual(['backup.exported', 'backup.restored']);
    noCanary(JSON.stringify(m.journalEntries) + m.logLines.join('\n'));
  });

  it('shows conflicts by fingerprint and keeps what the admin chose to keep', async () => {
    const { m, res } = await exported();
    await m.keychain.set(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET', 'newer-value-after-rotation');
    const plan = await m.svc.planRestore((await m.svc.registerFile(res.path)).fileId, PASS);
    const jwt = plan.deployments[0]?.secrets.find((s) => s.name === 'ROUNDTABLE_JWT_SECRET');
    expect(jwt).toMatchObject({ keychain: { state: 'differs' }, env: { state: 'same' } });
    expect(jwt?.keychain.fingerprint).not.toBe(jwt?.backupFingerprint);
    await m.svc.applyRestore({
      sessionId: plan.sessionId,
      deployments: [{ deploymentId: 'crucible-prod', secrets: ['POSTGRES_PASSWORD'], rewriteEnv: false }],
    });
    expect(await m.keychain.get(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET')).toBe(
      'newer-value-after-rotation',
    );
  });

  it('rolls the keychain back when the .env cannot be written, and leaves the .env as it was', async () => {
    const m = setup();
    await m.keychain.set(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET', CANARY_A);
    await m.keychain.set(serviceFor('crucible-prod'), 'POSTGRES_PASSWORD', "has'quote");
    const res = await m.svc.exportTo(join(dir, 'c.csbackup'), ['crucible-prod'], PASS, PASS);
    await m.keychain.set(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET', 'current-1');
    await m.keychain.delete(serviceFor('crucible-prod'), 'POSTGRES_PASSWORD');
    writeFileSync(join(folder, '.env'), 'A=1\n');
    const plan = await m.svc.planRestore((await m.svc.registerFile(res.path)).fileId, PASS);
    await expect(
      m.svc.applyRestore({
        sessionId: plan.sessionId,
        deployments: [
          { deploymentId: 'crucible-prod', secrets: ['POSTGRES_PASSWORD', 'ROUNDTABLE_JWT_SECRET'], rewriteEnv: true },
        ],
      }),
    ).rejects.toMatchObject({ code: 'ENV_UNSAFE_VALUE', message: expect.stringContaining('rolled back') });
    expect(await m.keychain.get(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET')).toBe('current-1');
    expect(await m.keychain.get(serviceFor('crucible-prod'), 'POSTGRES_PASSWORD')).toBeNull();
    expect(readFileSync(join(folder, '.env'), 'utf8')).toBe('A=1\n');
    expect(m.journalEntries.at(-1)).toMatchObject({ type: 'backup.restore-failed', details: { rolledBack: true } });
    expect(m.pending).toEqual([]); // the write-ahead record goes once everything is back
    expect(await m.keychain.list(`${serviceFor('crucible-prod')}/rollback-0101010101010101`)).toEqual([]);
  });

  it('rolls back keychain and .env when the state cannot be recorded', async () => {
    const m = setup({ failRecord: true });
    await seed(m);
    const res = await m.svc.exportTo(join(dir, 'd.csbackup'), ['crucible-prod'], PASS, PASS);
    await m.keychain.set(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET', 'current-2');
    writeFileSync(join(folder, '.env'), "ROUNDTABLE_JWT_SECRET='current-2'\n");
    const plan = await m.svc.planRestore((await m.svc.registerFile(res.path)).fileId, PASS);
    await expect(
      m.svc.applyRestore({
        sessionId: plan.sessionId,
        deployments: [{ deploymentId: 'crucible-prod', secrets: ['ROUNDTABLE_JWT_SECRET'], rewriteEnv: true }],
      }),
    ).rejects.toMatchObject({ code: 'BACKUP_RESTORE_FAILED' });
    expect(await m.keychain.get(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET')).toBe('current-2');
    expect(readFileSync(join(folder, '.env'), 'utf8')).toBe("ROUNDTABLE_JWT_SECRET='current-2'\n");
    expect(m.pending).toEqual([]);
  });

  it('rolls back keychain and .env when the journal refuses the restore entries', async () => {
    const m = setup();
    await seed(m);
    const res = await m.svc.exportTo(join(dir, 'j.csbackup'), ['crucible-prod'], PASS, PASS);
    await m.keychain.set(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET', 'current-3');
    writeFileSync(join(folder, '.env'), "ROUNDTABLE_JWT_SECRET='current-3'\n");
    const plan = await m.svc.planRestore((await m.svc.registerFile(res.path)).fileId, PASS);
    m.deps.journal.appendAll = () => Promise.reject(new AppError('FS_WRITE_FAILED', 'The disk is full.'));
    await expect(
      m.svc.applyRestore({
        sessionId: plan.sessionId,
        deployments: [{ deploymentId: 'crucible-prod', secrets: ['ROUNDTABLE_JWT_SECRET'], rewriteEnv: true }],
      }),
    ).rejects.toMatchObject({
      code: 'FS_WRITE_FAILED',
      message: expect.stringContaining('nothing was changed') as unknown,
    });
    expect(await m.keychain.get(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET')).toBe('current-3');
    expect(readFileSync(join(folder, '.env'), 'utf8')).toBe("ROUNDTABLE_JWT_SECRET='current-3'\n");
    expect(m.pending).toEqual([]);
    expect(m.restored).toEqual([]);
  });

  it('leaves keychain and .env unchanged for a corrupted file or a wrong passphrase', async () => {
    const { m, res } = await exported();
    const envBefore = readFileSync(join(folder, '.env'), 'utf8');
    const kcBefore = JSON.stringify(await m.keychain.list(serviceFor('crucible-prod')));
    const bytes = readFileSync(res.path);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 0x10;
    const bad = join(dir, 'bad.csbackup');
    writeFileSync(bad, bytes);
    chmodSync(bad, 0o600);
    await expect(
      m.svc.planRestore((await m.svc.registerFile(res.path)).fileId, 'wrong wrong wrong wrong'),
    ).rejects.toMatchObject({ code: 'BACKUP_WRONG_PASSPHRASE' });
    await expect(m.svc.planRestore((await m.svc.registerFile(bad)).fileId, PASS)).rejects.toMatchObject({
      code: 'BACKUP_CORRUPTED',
    });
    expect(readFileSync(join(folder, '.env'), 'utf8')).toBe(envBefore);
    expect(JSON.stringify(await m.keychain.list(serviceFor('crucible-prod')))).toBe(kcBefore);
  });

  it('registers a deployment the state does not know and restores it into a chosen folder', async () => {
    const { res } = await exported();
    const fresh = memoryDeps({ deployments: [], home: join(dir, 'home') });
    const svc = createBackupService(fresh.deps, WEAK);
    const other = join(dir, 'elsewhere');
    mkdirp(other);
    const plan = await svc.planRestore((await svc.registerFile(res.path)).fileId, PASS);
    expect(plan.deployments[0]).toMatchObject({ registered: false });
    const moved = await svc.setFolder(plan.sessionId, 'crucible-prod', other);
    expect(moved.deployments[0]).toMatchObject({ folder: other, folderExists: true, envFound: false });
    const out = await svc.applyRestore({
      sessionId: plan.sessionId,
      deployments: [{ deploymentId: 'crucible-prod', secrets: ['ROUNDTABLE_JWT_SECRET'], rewriteEnv: true }],
    });
    expect(out.deployments[0]).toMatchObject({ registered: true });
    expect(fresh.deploymentsNow()[0]).toMatchObject({ id: 'crucible-prod', folder: other });
    expect(readFileSync(join(other, '.env'), 'utf8')).toBe(`ROUNDTABLE_JWT_SECRET='${CANARY_A}'\n`);
  });
});
