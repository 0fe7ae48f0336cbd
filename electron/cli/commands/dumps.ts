import type { Command } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import { resolve } from 'node:path';
import { deploymentForFolder } from '../../core/inventory/inventory';
import { unlockVaultIfChosen, VAULT_HELP, VAULT_OPTIONS } from './vault-unlock';

/**
 * `dumps …`: the encrypted database dumps the app takes before a rotation (dumps/dumps.ts): who they are
 * encrypted to, listing, deleting, decrypting, and encrypting one made by hand.
 */

const listUsage = 'crucible-secrets dumps list DIR [--json]';
export const dumpsListCommand: Command = {
  name: 'dumps list',
  summary: 'List the encrypted database dumps of a deployment',
  usage: `${listUsage}

Dumps are kept in the app's folder under dumps/<deployment id>/, encrypted (age format) as they arrive.`,
  exitCodes: { 0: 'listed', 65: 'DIR is not a registered deployment' },
  options: { json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1 || positionals[0] === undefined)
      throw new UsageError(`expected DIR. Usage: ${listUsage}`);
    const core = io.core();
    const d = await deploymentForFolder(await core.store.read(), positionals[0]);
    const list = await core.dumps.list(d.id);
    if (values.json) writeJson(io, { deployment: d.id, folder: core.dumps.folder(d.id), dumps: list });
    else if (list.length === 0) io.stdout.write(`No database dumps are kept for ${d.name}.\n`);
    else {
      io.stdout.write(`In ${core.dumps.folder(d.id)}:\n`);
      for (const x of list)
        io.stdout.write(`${x.id}  ${String(x.size)} bytes  ${x.createdAt}${x.encrypted ? '' : '  NOT ENCRYPTED'}\n`);
    }
    return ExitCode.Ok;
  },
};

const deleteUsage = 'crucible-secrets dumps delete DIR ID --yes';
export const dumpsDeleteCommand: Command = {
  name: 'dumps delete',
  summary: 'Delete one database dump (once it is no longer needed)',
  usage: deleteUsage,
  exitCodes: { 0: 'deleted', 64: 'without --yes', 65: 'no such dump, or DIR is not a registered deployment' },
  options: { yes: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [dir, id] = positionals;
    if (dir === undefined || id === undefined || positionals.length !== 2)
      throw new UsageError(`expected DIR and ID. Usage: ${deleteUsage}`);
    if (values.yes !== true) throw new UsageError(`deleting a dump cannot be undone; add --yes. Usage: ${deleteUsage}`);
    const core = io.core();
    const d = await deploymentForFolder(await core.store.read(), dir);
    await core.dumps.remove(d.id, id);
    io.stdout.write(`Deleted ${id}.\n`);
    return ExitCode.Ok;
  },
};

const decryptUsage =
  'crucible-secrets dumps decrypt DIR ID --out FILE [--vault-passphrase-stdin | --vault-passphrase-fd N]';
export const dumpsDecryptCommand: Command = {
  name: 'dumps decrypt',
  summary: "Decrypt a database dump with the app's key into a new file",
  usage: `${decryptUsage}

Writes the plain SQL to FILE (a new file, mode 0600; an existing one is refused). Delete it once restored.
A dump encrypted to your own key (dumps key --recipient) opens with the age tool instead:
age -d -i <your key file> -o FILE <dump>.

${VAULT_HELP}`,
  exitCodes: {
    0: 'decrypted',
    65: 'no such dump, FILE exists, or it was encrypted to another key',
    69: 'the keychain cannot be read',
  },
  options: { out: { type: 'string', short: 'o' }, ...VAULT_OPTIONS },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [dir, id] = positionals;
    if (dir === undefined || id === undefined || positionals.length !== 2 || typeof values.out !== 'string')
      throw new UsageError(`expected DIR, ID and --out FILE. Usage: ${decryptUsage}`);
    const core = io.core();
    const d = await deploymentForFolder(await core.store.read(), dir);
    await unlockVaultIfChosen(io, core, values);
    const out = resolve(values.out);
    await core.dumps.decrypt(d.id, id, out);
    io.stdout.write(`Decrypted ${id} to ${out} (0600). Delete it once it has served.\n`);
    return ExitCode.Ok;
  },
};

const encryptUsage = 'crucible-secrets dumps encrypt --out FILE [--vault-passphrase-stdin | --vault-passphrase-fd N]';
export const dumpsEncryptCommand: Command = {
  name: 'dumps encrypt',
  summary: 'Encrypt a dump piped in on stdin (for a dump taken by hand)',
  usage: `${encryptUsage}

For a database dump you take yourself, so that it never lands on disk in plaintext:
  docker compose exec -T postgres pg_dump -U "$POSTGRES_USER" -d roundtable | crucible-secrets dumps encrypt --out roundtable.sql.age
Encrypted to the same key as the app's own dumps (see dumps key).

${VAULT_HELP}`,
  exitCodes: { 0: 'written', 65: 'FILE exists', 69: 'the keychain cannot be read' },
  options: { out: { type: 'string', short: 'o' }, ...VAULT_OPTIONS },
  allowPositionals: false,
  async run({ values }, io) {
    if (typeof values.out !== 'string') throw new UsageError(`expected --out FILE. Usage: ${encryptUsage}`);
    if (values['vault-passphrase-stdin'] === true)
      throw new UsageError('stdin carries the dump here; give the vault passphrase with --vault-passphrase-fd N.');
    const core = io.core();
    await unlockVaultIfChosen(io, core, values);
    const out = resolve(values.out);
    await core.dumps.encryptStream(io.stdin, out);
    io.stderr.write(`Encrypted to ${out} (0600).\n`);
    return ExitCode.Ok;
  },
};

const keyUsage =
  'crucible-secrets dumps key [--recipient age1… | --app] [--vault-passphrase-stdin | --vault-passphrase-fd N]';
export const dumpsKeyCommand: Command = {
  name: 'dumps key',
  summary: 'Show or choose the key database dumps are encrypted to',
  usage: `${keyUsage}

By default dumps are encrypted to the app's own age key, whose private half is in the keychain (the app can
decrypt them: dumps decrypt). --recipient age1… encrypts new dumps to your own public key instead (made with
age-keygen; the app then cannot open them, and you decrypt with the age tool). --app goes back to the app's key.

${VAULT_HELP}`,
  exitCodes: { 0: 'shown or chosen', 65: 'not an age X25519 public key', 69: 'the keychain cannot be read' },
  options: { recipient: { type: 'string' }, app: { type: 'boolean' }, ...VAULT_OPTIONS },
  allowPositionals: false,
  async run({ values }, io) {
    if (typeof values.recipient === 'string' && values.app === true)
      throw new UsageError(`--recipient and --app exclude each other. Usage: ${keyUsage}`);
    const core = io.core();
    await unlockVaultIfChosen(io, core, values);
    const k =
      typeof values.recipient === 'string'
        ? await core.dumps.setRecipient(values.recipient)
        : values.app === true
          ? await core.dumps.setRecipient(null)
          : await core.dumps.recipient();
    io.stdout.write(
      `Dumps are encrypted to ${k.recipient} (${k.appHoldsKey ? "the app's key: dumps decrypt opens them" : 'your key: decrypt with age -d -i <your key file>'}).\n`,
    );
    return ExitCode.Ok;
  },
};

export const dumpsCommands: Command[] = [
  dumpsListCommand,
  dumpsDeleteCommand,
  dumpsDecryptCommand,
  dumpsEncryptCommand,
  dumpsKeyCommand,
];
