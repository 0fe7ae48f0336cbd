import { existsSync } from 'node:fs';
import type { CliIO, Command } from '../command';
import { ExitCode, UsageError } from '../command';
import { AppError } from '../../common/errors';
import { promptHidden, readStdinLine } from './secret-input';

/** Reads the vault passphrase: from the first stdin line with --passphrase-stdin, else a no-echo prompt. */
async function passphrase(io: CliIO, fromStdin: boolean, label: string): Promise<string> {
  if (fromStdin) return readStdinLine(io);
  if (!io.stdin.isTTY)
    throw new UsageError('no terminal to ask for the vault passphrase; pipe it with --passphrase-stdin.');
  return promptHidden(io, label);
}

const useUsage = 'crucible-secrets keychain use os|vault [--passphrase-stdin]';
export const keychainUseCommand: Command = {
  name: 'keychain use',
  summary: 'Choose where secrets are kept: the OS keychain or a passphrase-protected vault file',
  usage: `${useUsage}

"os" (the default) keeps secrets in macOS Keychain, Windows Credential Manager or the Secret Service.
"vault" keeps them in a file in the app folder, encrypted with a key derived from your passphrase
(argon2id, AES-256-GCM): for machines without a usable OS keychain. The app never switches by itself.
The vault is created if it does not exist (the passphrase is asked twice). Secrets already stored in
the other backend are not moved: store them again (setup or rotation) after switching.

Every command that reads or writes secrets (init, rotate, secrets, backup, incident) then unlocks the
vault for its own run: it asks for the passphrase on the terminal, or reads it with
--vault-passphrase-stdin or --vault-passphrase-fd N. \`crucible-secrets doctor\` shows which store is
in use and whether it works.`,
  exitCodes: {
    0: 'the choice is recorded (and the vault created or unlocked)',
    65: 'the two passphrases differ, or the passphrase is too short',
    69: 'the existing vault could not be unlocked (wrong passphrase, damaged file)',
  },
  options: { 'passphrase-stdin': { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const choice = positionals[0];
    if (choice !== 'os' && choice !== 'vault') throw new UsageError(`expected "os" or "vault". Usage: ${useUsage}`);
    const core = io.core();
    if (choice === 'vault') {
      const fromStdin = values['passphrase-stdin'] === true;
      if (existsSync(core.paths.vaultFile)) {
        await core.keychains.unlockVault(await passphrase(io, fromStdin, 'Vault passphrase: '));
        io.stdout.write('The existing vault was unlocked.\n');
      } else {
        const first = await passphrase(io, fromStdin, 'New vault passphrase: ');
        if (!fromStdin && first !== (await passphrase(io, false, 'Repeat the passphrase: ')))
          throw new AppError('CLI_PASSPHRASE_MISMATCH', 'The two passphrases differ; nothing was created.');
        await core.keychains.createVault(first);
        io.stdout.write(
          `A new vault was created at ${core.paths.vaultFile}. Keep the passphrase safe: without it the secrets cannot be recovered.\n`,
        );
      }
    }
    await core.store.update((s) => {
      s.settings.keychainBackend = choice === 'vault' ? 'file-vault' : 'os';
    });
    await core.journal.append({
      type: 'keychain.backend-chosen',
      details: { backend: choice === 'vault' ? 'file-vault' : 'os' },
    });
    io.stdout.write(`Secrets are now kept in ${choice === 'vault' ? 'the file vault' : 'the OS keychain'}.\n`);
    return ExitCode.Ok;
  },
};
