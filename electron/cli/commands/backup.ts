import { formatLocation, parseLocation } from '../../core/host/location';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isAppError } from '../../common/errors';
import { BackupErrorCode as B } from '../../core/backup/errors';
import type { BackupProgress, BackupSummary, RestorePlan, RestoreResult } from '../../common/ipc/backup.ipc';
import { deploymentForFolder } from '../../core/inventory/inventory';
import { DEFAULT_WORDS, generatePassphrase, passphraseBits } from '../../core/secrets/passphrase-generator';
import type { CliIO, Command } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import { promptHidden, readStdinLine } from './secret-input';
import { unlockVaultIfChosen, VAULT_HELP, VAULT_OPTIONS } from './vault-unlock';

/**
 * `backup export|verify|restore` (docs/backup-format.md §8). The passphrase comes from a no-echo prompt or,
 * with --passphrase-stdin, from the first line of stdin; it is never accepted as an argument (argv is visible
 * to other users in `ps`).
 */
export const BackupExit = { WrongPassphrase: 3, Corrupted: 4, UnsupportedVersion: 5 } as const;

/** The exit codes of reading a backup file (verify and restore). */
const READ_EXITS = {
  [BackupExit.WrongPassphrase]: 'wrong passphrase',
  [BackupExit.Corrupted]: 'the file is corrupted or was modified (also: unsafe KDF parameters, invalid contents)',
  [BackupExit.UnsupportedVersion]: 'the backup was made by a newer version of the format',
} as const;

/** The vault passphrase cannot share stdin with the backup passphrase. */
const stdinOwner = (values: Record<string, unknown>) =>
  values['passphrase-stdin'] === true ? '--passphrase-stdin (the backup passphrase)' : undefined;

function exitFor(e: unknown, io: CliIO, name: string): number {
  if (!isAppError(e)) throw e;
  const code =
    e.code === B.WrongPassphrase
      ? BackupExit.WrongPassphrase
      : e.code === B.Corrupted || e.code === B.UnsafeParameters || e.code === B.InvalidPayload || e.code === B.TooLarge
        ? BackupExit.Corrupted
        : e.code === B.UnsupportedVersion
          ? BackupExit.UnsupportedVersion
          : null;
  if (code === null) throw e;
  io.stderr.write(`crucible-secrets ${name}: ${e.message} [${e.code}]\n`);
  return code;
}

async function passphrase(
  io: CliIO,
  fromStdin: boolean,
  twice: boolean,
): Promise<{ pass: string; confirmation: string }> {
  if (fromStdin) {
    const pass = await readStdinLine(io);
    return { pass, confirmation: pass };
  }
  if (io.stdin.isTTY !== true)
    throw new UsageError('no terminal to ask for the passphrase; use --passphrase-stdin and pipe it');
  const pass = await promptHidden(io, 'Backup passphrase: ');
  const confirmation = twice ? await promptHidden(io, 'Type it again: ') : pass;
  return { pass, confirmation };
}

function progressPrinter(io: CliIO): (p: BackupProgress) => void {
  let said = false;
  return (p) => {
    if (p.phase === 'kdf' && !said) {
      said = true;
      io.stderr.write('Deriving the key from the passphrase (Argon2id, 64 MiB)…\n');
    }
  };
}

function printSummary(io: CliIO, s: BackupSummary): void {
  io.stdout.write(
    `${s.fileName}\n  fingerprint ${s.fingerprint}\n  made ${s.createdAt} by Crucible Secrets ${s.appVersion}; format ${s.formatVersion}; Argon2id m=${s.kdf.memoryKiB} KiB t=${s.kdf.iterations} p=${s.kdf.parallelism}\n`,
  );
  for (const d of s.deployments) {
    io.stdout.write(
      `  ${d.name} (${d.id}, ${d.environment}) — ${d.secretCount} secret(s), newest rotation ${d.newestRotation ?? 'none'}, checklist ${d.checklistDone}/${d.checklistTotal}\n`,
    );
    for (const n of d.secretNames) io.stdout.write(`    ${n}\n`);
  }
}

/**
 * --generate-passphrase: six EFF words, shown once on stderr (stdout may be a pipe or --json), never stored.
 * The admin must keep it: it is the only way to open the backup.
 */
async function generatedPassphrase(io: CliIO): Promise<{ pass: string; confirmation: string }> {
  const pass = await generatePassphrase(DEFAULT_WORDS);
  io.stderr.write(
    `Backup passphrase (${DEFAULT_WORDS} words from the EFF list, about ${passphraseBits(DEFAULT_WORDS)} bits), shown once — store it in your password manager or on the recovery sheet now; without it the backup cannot be opened:\n  ${pass}\n`,
  );
  return { pass, confirmation: pass };
}

const exportUsage =
  'crucible-secrets backup export DIR [--out FILE|FOLDER] [--sheet FILE] [--passphrase-stdin|--generate-passphrase] [--vault-passphrase-fd N] [--json]';
export const backupExportCommand: Command = {
  name: 'backup export',
  summary: 'Write an encrypted backup of a deployment’s secrets and state',
  usage: `${exportUsage}

DIR is the folder of a registered deployment. The backup (AES-256-GCM, key from the passphrase by
Argon2id) is written atomically with mode 0600 to FILE, or into FOLDER (default: the current folder) as
crucible-<id>-<date>.csbackup. --sheet also writes the printable recovery sheet (no values).
The passphrase needs at least 15 characters and must not be easy to guess; it is asked twice, or read
from the first line of stdin with --passphrase-stdin. --generate-passphrase instead makes a new one of six
words from the EFF list (about 77 bits) and shows it once on stderr: store it before you go on.

${VAULT_HELP}`,
  exitCodes: {
    0: 'written',
    65: 'bad input (weak passphrase, DIR not registered…); nothing written',
    69: 'the keychain is unavailable',
  },
  options: {
    out: { type: 'string', short: 'o' },
    sheet: { type: 'string' },
    'passphrase-stdin': { type: 'boolean' },
    'generate-passphrase': { type: 'boolean' },
    json: { type: 'boolean' },
    ...VAULT_OPTIONS,
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const dir = positionals[0];
    if (dir === undefined || positionals.length > 1) throw new UsageError(`expected one DIR. Usage: ${exportUsage}`);
    const generate = values['generate-passphrase'] === true;
    if (generate && values['passphrase-stdin'] === true)
      throw new UsageError('choose --passphrase-stdin or --generate-passphrase, not both');
    const core = io.core();
    const deployment = await deploymentForFolder(await core.store.read(), dir);
    await unlockVaultIfChosen(io, core, values, stdinOwner(values));
    const { pass, confirmation } = generate
      ? await generatedPassphrase(io)
      : await passphrase(io, values['passphrase-stdin'] === true, true);
    if (generate) core.logger.redactor.register(pass);
    await core.backup.checkExportPassphrase(pass, confirmation, [deployment.id]);
    const out = resolve(typeof values.out === 'string' ? values.out : '.');
    const isDir = await stat(out).then(
      (s) => s.isDirectory(),
      () => false,
    );
    const target = isDir ? resolve(out, core.backup.defaultFileName([deployment.id])) : out;
    // The sheet is written by the export itself: both or neither (a refused sheet leaves no backup behind).
    const sheet = typeof values.sheet === 'string' ? { sheet: resolve(values.sheet) } : undefined;
    const res = await core.backup.exportTo(target, [deployment.id], pass, confirmation, progressPrinter(io), sheet);
    if (values.json === true) writeJson(io, { ...res, exportId: undefined });
    else
      io.stdout.write(
        `Wrote ${res.path} (${res.bytes} bytes, ${res.deployments[0]?.secretNames.length ?? 0} secrets)\nfingerprint ${res.fingerprint}\n`,
      );
    return ExitCode.Ok;
  },
};

const verifyUsage = 'crucible-secrets backup verify FILE [--passphrase-stdin] [--json]';
export const backupVerifyCommand: Command = {
  name: 'backup verify',
  summary: 'Decrypt a backup in memory and list what it holds (names, counts, dates; no values)',
  usage: `${verifyUsage}

Writes nothing and needs no keychain.`,
  exitCodes: { 0: 'the backup decrypts and is intact', ...READ_EXITS, 65: 'FILE cannot be read' },
  options: { 'passphrase-stdin': { type: 'boolean' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const file = positionals[0];
    if (file === undefined || positionals.length > 1) throw new UsageError(`expected one FILE. Usage: ${verifyUsage}`);
    const core = io.core();
    try {
      const info = await core.backup.registerFile(resolve(file));
      const { pass } = await passphrase(io, values['passphrase-stdin'] === true, false);
      const summary = await core.backup.verify(info.fileId, pass, progressPrinter(io));
      if (values.json === true) writeJson(io, summary);
      else printSummary(io, summary);
      return ExitCode.Ok;
    } catch (e) {
      return exitFor(e, io, 'backup verify');
    }
  },
};

function printPlan(io: CliIO, plan: RestorePlan): void {
  for (const d of plan.deployments) {
    io.stdout.write(
      `${d.name} (${d.id}) → ${d.folder}${d.registered ? '' : ' [new to this machine]'}${d.folderExists ? '' : ' [folder missing]'}\n`,
    );
    for (const s of d.secrets) {
      io.stdout.write(
        `  ${s.name.padEnd(36)} backup ${s.backupFingerprint}  keychain ${s.keychain.state}${s.keychain.fingerprint ? ` (${s.keychain.fingerprint})` : ''}  .env ${s.env.state}${s.env.fingerprint ? ` (${s.env.fingerprint})` : ''}\n`,
      );
    }
  }
}

const restoreUsage =
  'crucible-secrets backup restore FILE [--to DIR] [--deployment ID] [--only NAME,…] [--overwrite|--keep-existing] [--rewrite-env] [--dry-run] [--passphrase-stdin] [--vault-passphrase-fd N] [--json]';
export const backupRestoreCommand: Command = {
  name: 'backup restore',
  summary: 'Restore secrets from a backup into the keychain (and optionally .env), all or nothing',
  usage: `${restoreUsage}

Shows each secret's fingerprint in the backup, the keychain and the .env. A secret whose keychain value
differs is a conflict: --overwrite replaces it with the backup's value, --keep-existing leaves it; without
either the restore stops and lists the conflicts. --to DIR restores into another folder (one deployment,
or the one named by --deployment). --rewrite-env also writes the restored values into DIR/.env.
Everything is applied as one unit and rolled back on any failure.

${VAULT_HELP}`,
  exitCodes: {
    0: 'restored (or, with --dry-run, planned)',
    1: 'stopped on conflicts: nothing changed (see --overwrite/--keep-existing)',
    ...READ_EXITS,
    65: 'bad input (FILE unreadable, unknown deployment…)',
    69: 'the keychain is unavailable',
  },
  options: {
    to: { type: 'string' },
    deployment: { type: 'string' },
    only: { type: 'string' },
    overwrite: { type: 'boolean' },
    'keep-existing': { type: 'boolean' },
    'rewrite-env': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'passphrase-stdin': { type: 'boolean' },
    json: { type: 'boolean' },
    ...VAULT_OPTIONS,
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const file = positionals[0];
    if (file === undefined || positionals.length > 1) throw new UsageError(`expected one FILE. Usage: ${restoreUsage}`);
    if (values.overwrite === true && values['keep-existing'] === true)
      throw new UsageError('choose --overwrite or --keep-existing, not both');
    const core = io.core();
    let plan: RestorePlan;
    try {
      const info = await core.backup.registerFile(resolve(file));
      await unlockVaultIfChosen(io, core, values, stdinOwner(values));
      const { pass } = await passphrase(io, values['passphrase-stdin'] === true, false);
      plan = await core.backup.planRestore(info.fileId, pass, progressPrinter(io));
    } catch (e) {
      return exitFor(e, io, 'backup restore');
    }
    try {
      let ids = plan.deployments.map((d) => d.id);
      if (typeof values.deployment === 'string') {
        if (!ids.includes(values.deployment))
          throw new UsageError(`the backup has no deployment ${values.deployment} (it has ${ids.join(', ')})`);
        ids = [values.deployment];
      }
      if (typeof values.to === 'string') {
        if (ids.length !== 1)
          throw new UsageError(`the backup holds ${ids.length} deployments; name one with --deployment to use --to`);
        plan = await core.backup.setFolder(
          plan.sessionId,
          ids[0] ?? '',
          values.to.startsWith('ssh://') ? formatLocation(parseLocation(values.to, '/')) : resolve(values.to),
        );
      }
      const only =
        typeof values.only === 'string'
          ? new Set(
              values.only
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            )
          : null;
      const chosen = plan.deployments.filter((d) => ids.includes(d.id));
      const conflicts = chosen.flatMap((d) =>
        d.secrets
          .filter((s) => s.keychain.state === 'differs' && (only === null || only.has(s.name)))
          .map((s) => `${d.id}/${s.name}`),
      );
      if (values.json !== true) printPlan(io, { ...plan, deployments: chosen });
      if (values['dry-run'] === true) {
        if (values.json === true) writeJson(io, { plan: { ...plan, deployments: chosen, sessionId: undefined } });
        return ExitCode.Ok;
      }
      if (conflicts.length > 0 && values.overwrite !== true && values['keep-existing'] !== true) {
        io.stderr.write(
          `Stopped: ${conflicts.length} secret(s) in the keychain differ from the backup (${conflicts.join(', ')}). Nothing was changed. Re-run with --overwrite to replace them or --keep-existing to leave them.\n`,
        );
        return ExitCode.Findings;
      }
      const selection = chosen.map((d) => ({
        deploymentId: d.id,
        secrets: d.secrets
          .filter(
            (s) =>
              (only === null || only.has(s.name)) &&
              !(s.keychain.state === 'differs' && values['keep-existing'] === true),
          )
          .map((s) => s.name),
        rewriteEnv: values['rewrite-env'] === true,
      }));
      const result = await core.backup.applyRestore({ sessionId: plan.sessionId, deployments: selection });
      if (values.json === true) writeJson(io, result);
      else for (const d of result.deployments) io.stdout.write(restoredLine(d));
      return ExitCode.Ok;
    } finally {
      core.backup.cancel(plan.sessionId);
    }
  },
};

/** One deployment's restore, and what to run next: the services read the restored `.env` only when recreated. */
function restoredLine(d: RestoreResult['deployments'][number]): string {
  const head = `Restored ${d.restored.length} secret(s) of ${d.name} (${d.id})${d.envRewritten ? ' and rewrote its .env' : ''}${d.registered ? ' (deployment registered)' : ''}.\n`;
  if (d.applyCommand !== null)
    return `${head}  The running services still use the previous values. Apply the restored .env:\n    ${d.applyCommand}\n`;
  if (d.restored.length > 0)
    return `${head}  The .env was not rewritten (--rewrite-env), so the running services keep their current values; the keychain holds the restored ones.\n`;
  return head;
}

export const backupCommands: Command[] = [backupExportCommand, backupVerifyCommand, backupRestoreCommand];
