import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { createCoreServices, type CoreServices } from '../../../electron/core/services';
import { createLogger, memorySink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../electron/core/keychain/keychain';

/** `crucible-secrets backup export|verify|restore` end to end through runCli, with its exit codes. */
const PASS = 'violet tractor sings under seven moons';
const JWT = 'CANARY-cli-jwt-0a1b2c3d4e5f60718293';
const PG = 'CANARY-cli-pg-9f8e7d6c5b4a39281706';
const home = mkdtempSync(join(tmpdir(), 'cs-backup-cli-'));
const folder = join(home, 'crucible');
const keychain = new MemoryKeychain();
const sink = memorySink();
let core: CoreServices;

beforeAll(async () => {
  mkdirSync(folder);
  core = createCoreServices({ home: join(home, 'state'), logger: createLogger({ sink }), keychain });
  await core.store.update((s) => {
    s.deployments.push({
      id: 'crucible-prod',
      name: 'Prod',
      folder,
      composeFiles: [],
      environment: 'production',
      createdAt: '2026-11-01T00:00:00.000Z',
    });
  });
  await keychain.set(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET', JWT);
  await keychain.set(serviceFor('crucible-prod'), 'POSTGRES_PASSWORD', PG);
  writeFileSync(join(folder, '.env'), `# mine\nROUNDTABLE_JWT_SECRET='${JWT}'\nPORT=8000\nPOSTGRES_PASSWORD='${PG}'\n`);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function cli(args: string[], stdin = PASS + '\n') {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: string[] = [];
  const errs: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  err.on('data', (c: Buffer) => errs.push(c.toString()));
  const code = await runCli(
    args,
    { stdout: out, stderr: err, stdin: Readable.from([stdin]), env: {} },
    { coreFactory: () => core },
  );
  const stdout = chunks.join('');
  const stderr = errs.join('');
  for (const t of [stdout, stderr]) {
    expect(t).not.toContain(JWT);
    expect(t).not.toContain(PG);
    expect(t).not.toContain(PASS);
  }
  return { code, stdout, stderr };
}

describe('backup CLI', () => {
  let file = '';

  it('exports DIR to a 0600 file named after the deployment and date, with a recovery sheet', async () => {
    const outDir = join(home, 'out');
    mkdirSync(outDir);
    const sheet = join(home, 'sheet.html');
    const r = await cli(['backup', 'export', folder, '--out', outDir, '--sheet', sheet, '--passphrase-stdin']);
    expect(r.code).toBe(0);
    const name = readdirSync(outDir)[0] ?? '';
    expect(name).toMatch(/^crucible-crucible-prod-\d{4}-\d{2}-\d{2}\.csbackup$/);
    file = join(outDir, name);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const html = readFileSync(sheet, 'utf8');
    expect(html).toContain('ROUNDTABLE_JWT_SECRET');
    expect(html).not.toContain(JWT);
    expect((await core.journal.read({ deploymentId: 'crucible-prod' })).map((e) => e.type)).toContain(
      'backup.exported',
    );
  });

  it('refuses a weak passphrase with exit 65', async () => {
    expect(
      (
        await cli(
          ['backup', 'export', folder, '--out', join(home, 'weak.csbackup'), '--passphrase-stdin'],
          'tooshort\n',
        )
      ).code,
    ).toBe(65);
  });

  it('verify lists names and counts with exit 0', async () => {
    const r = await cli(['backup', 'verify', file, '--passphrase-stdin']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 secret(s)');
    expect(r.stdout).toContain('POSTGRES_PASSWORD');
  });

  it('has distinct exit codes: 3 for a wrong passphrase, 4 for a corrupted file', async () => {
    expect((await cli(['backup', 'verify', file, '--passphrase-stdin'], 'the wrong passphrase entirely\n')).code).toBe(
      3,
    );
    const bad = Buffer.from(readFileSync(file));
    bad[200] = (bad[200] ?? 0) ^ 0x40;
    const badFile = join(home, 'bad.csbackup');
    writeFileSync(badFile, bad);
    const r = await cli(['backup', 'verify', badFile, '--passphrase-stdin']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('BACKUP_CORRUPTED');
    writeFileSync(badFile, readFileSync(file).subarray(0, 100));
    expect((await cli(['backup', 'restore', badFile, '--passphrase-stdin'])).code).toBe(4);
  });

  it('restores after the keychain and .env were wiped, and rewrites .env on request', async () => {
    await keychain.delete(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET');
    await keychain.delete(serviceFor('crucible-prod'), 'POSTGRES_PASSWORD');
    rmSync(join(folder, '.env'));
    const r = await cli(['backup', 'restore', file, '--rewrite-env', '--passphrase-stdin']);
    expect(r.stderr).not.toContain('[');
    expect(r.code).toBe(0);
    expect(await keychain.get(serviceFor('crucible-prod'), 'ROUNDTABLE_JWT_SECRET')).toBe(JWT);
    expect(readFileSync(join(folder, '.env'), 'utf8')).toContain(`POSTGRES_PASSWORD='${PG}'`);
    // The services read the restored .env only when recreated: the result says what to run, in the folder.
    expect(r.stdout).toContain('Restored 2 secret(s) of Prod (crucible-prod) and rewrote its .env.');
    expect(r.stdout).toContain(`cd ${folder} && docker compose up -d --force-recreate`);
  });

  it('stops on a keychain conflict unless told to overwrite or keep', async () => {
    await keychain.set(serviceFor('crucible-prod'), 'POSTGRES_PASSWORD', 'rotated-later');
    const stop = await cli(['backup', 'restore', file, '--passphrase-stdin']);
    expect(stop.code).toBe(1);
    expect(stop.stderr).toContain('crucible-prod/POSTGRES_PASSWORD');
    expect(await keychain.get(serviceFor('crucible-prod'), 'POSTGRES_PASSWORD')).toBe('rotated-later');
    expect((await cli(['backup', 'restore', file, '--keep-existing', '--passphrase-stdin'])).code).toBe(0);
    expect(await keychain.get(serviceFor('crucible-prod'), 'POSTGRES_PASSWORD')).toBe('rotated-later');
    expect((await cli(['backup', 'restore', file, '--overwrite', '--passphrase-stdin'])).code).toBe(0);
    expect(await keychain.get(serviceFor('crucible-prod'), 'POSTGRES_PASSWORD')).toBe(PG);
  });

  it('restores into another folder with --to', async () => {
    const other = join(home, 'moved');
    mkdirSync(other);
    const r = await cli([
      'backup',
      'restore',
      file,
      '--to',
      other,
      '--rewrite-env',
      '--overwrite',
      '--json',
      '--passphrase-stdin',
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(other, '.env'), 'utf8')).toContain(`ROUNDTABLE_JWT_SECRET='${JWT}'`);
    expect(
      (JSON.parse(r.stdout) as { deployments: Array<{ applyCommand: string | null }> }).deployments[0]?.applyCommand,
    ).toBe(`cd ${other} && docker compose up -d --force-recreate`);
  });

  it('without --rewrite-env says the running services keep their values, and gives no command', async () => {
    const r = await cli(['backup', 'restore', file, '--overwrite', '--passphrase-stdin']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The .env was not rewritten');
    expect(r.stdout).not.toContain('docker compose');
  });

  it('--generate-passphrase shows a six-word passphrase once on stderr, and it opens the backup', async () => {
    const target = join(home, 'generated.csbackup');
    const r = await cli(['backup', 'export', folder, '--out', target, '--generate-passphrase'], '');
    expect(r.code).toBe(0);
    const found = [...r.stderr.matchAll(/^ {2}([a-z]+(?:-[a-z]+){5})$/gm)].map((m) => m[1] ?? '');
    expect(found).toHaveLength(1);
    const generated = found[0] ?? '';
    expect(r.stdout).not.toContain(generated);
    expect(r.stderr).toMatch(/shown once/);
    expect((await cli(['backup', 'verify', target, '--passphrase-stdin'], `${generated}\n`)).code).toBe(0);
    expect(sink.lines.join('\n')).not.toContain(generated);
    expect(
      (await core.journal.read({ deploymentId: 'crucible-prod' })).map((e) => JSON.stringify(e)).join('\n'),
    ).not.toContain(generated);
  });

  it('refuses --generate-passphrase with --passphrase-stdin (exit 64)', async () => {
    expect(
      (
        await cli([
          'backup',
          'export',
          folder,
          '--out',
          join(home, 'x.csbackup'),
          '--generate-passphrase',
          '--passphrase-stdin',
        ])
      ).code,
    ).toBe(64);
  });

  it('verifies the committed golden file', async () => {
    const golden = join(__dirname, '../../fixtures/backup/v1-default-kdf.csbackup');
    const r = await cli(
      ['backup', 'verify', golden, '--json', '--passphrase-stdin'],
      'violet tractor sings under seven moons\n',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      formatVersion: 1,
      deployments: [
        { id: 'crucible-prod', secretCount: 4 },
        { id: 'crucible-staging', secretCount: 1 },
      ],
    });
  });

  it('never logged a value', () => {
    const log = sink.lines.join('\n');
    expect(log).not.toContain(JWT);
    expect(log).not.toContain(PG);
  });
});
