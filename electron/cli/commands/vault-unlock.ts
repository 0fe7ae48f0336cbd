import { createReadStream, fstatSync, readdirSync, readlinkSync } from 'node:fs';
import { AppError } from '../../common/errors';
import type { CoreServices } from '../../core/services';
import { UsageError, type CliIO, type Command } from '../command';
import { promptHidden, readStdinLine } from './secret-input';

/**
 * How a command that reads or writes secrets unlocks the file vault (`crucible-secrets keychain use vault`)
 * on a machine without an OS keychain: a no-echo prompt on a terminal, the first line of stdin, or the first
 * line of a file descriptor the caller opened (for when stdin already carries another secret, e.g. the
 * login password of `init --password-stdin`). The passphrase is never an argument: argv is visible in `ps`.
 */

/** The options every vault-using command accepts (spread into its `options`). */
export const VAULT_OPTIONS = {
  'vault-passphrase-stdin': { type: 'boolean' },
  'vault-passphrase-fd': { type: 'string' },
} as const satisfies Command['options'];

/** The help lines for {@link VAULT_OPTIONS} (the same text in every command and in docs/cli.md). */
export const VAULT_HELP = `File vault (only when \`crucible-secrets keychain use vault\` was chosen):
  --vault-passphrase-stdin  read the vault passphrase from the first line of stdin
  --vault-passphrase-fd N   read it from file descriptor N (when stdin carries another secret),
                            e.g. \`3< passphrase-file\` or \`3<<<"$(pass show vault)"\`
  Without either, the passphrase is asked on the terminal without echo.`;

/** The most we read for a passphrase (a passphrase is a line, not a file). */
const MAX_BYTES = 64 * 1024;

/**
 * Reads the first line of file descriptor `fd` and closes it.
 * @throws AppError CLI_VAULT_FD_UNREADABLE when the descriptor is not open; CLI_INPUT_TOO_LARGE beyond 64 KiB.
 */
export function readFdLine(fd: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!openedByCaller(fd)) {
      reject(fdError(fd));
      return;
    }
    let stream: ReturnType<typeof createReadStream>;
    try {
      stream = createReadStream('', { fd, autoClose: true });
    } catch {
      reject(fdError(fd));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const nl = text.search(/\r?\n/);
      resolve(nl < 0 ? text : text.slice(0, nl));
    };
    stream.on('data', (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(b);
      size += b.length;
      if (size > MAX_BYTES) {
        stream.destroy();
        reject(
          new AppError(
            'CLI_INPUT_TOO_LARGE',
            `File descriptor ${String(fd)} holds more than 64 KiB; pass only the vault passphrase.`,
          ),
        );
      } else if (b.includes(0x0a)) {
        // The first line is all we need; the writer may keep the descriptor open.
        stream.destroy();
        finish();
      }
    });
    stream.on('end', finish);
    stream.on('error', () => {
      reject(fdError(fd));
    });
  });
}

/**
 * False for a descriptor the caller did not open. Node opens its own descriptors from 3 up (an epoll or kqueue
 * instance, an eventfd, self-pipes for signals), so `--vault-passphrase-fd 3` without `3<…` would read and close
 * one of those, and the process aborts on exit (SIGABRT). Ours are never files or terminals: a descriptor is
 * refused when it is not a file, pipe, socket or character device, and on Linux when it is an anonymous inode or
 * a pipe whose other end this process also holds (a self-pipe).
 */
function openedByCaller(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    if (!(st.isFile() || st.isFIFO() || st.isSocket() || st.isCharacterDevice())) return false;
    if (process.platform !== 'linux') return true;
    const target = readlinkSync(`/proc/self/fd/${String(fd)}`);
    if (target.startsWith('anon_inode:')) return false;
    if (!target.startsWith('pipe:')) return true;
    return !readdirSync('/proc/self/fd').some((other) => {
      if (other === String(fd)) return false;
      try {
        return readlinkSync(`/proc/self/fd/${other}`) === target;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

function fdError(fd: number): AppError {
  return new AppError(
    'CLI_VAULT_FD_UNREADABLE',
    `File descriptor ${String(fd)} cannot be read. Open it for the command, e.g. \`3< passphrase-file crucible-secrets … --vault-passphrase-fd 3\`.`,
  );
}

/** Where the vault passphrase comes from, validated against what else the command reads from stdin. */
export type VaultSource = { kind: 'stdin' } | { kind: 'fd'; fd: number } | { kind: 'prompt' };

/**
 * @param stdinTakenBy the option that already reads stdin for another secret (e.g. `--password-stdin`), if any.
 * @throws UsageError for a malformed descriptor, or for stdin asked to carry two secrets.
 */
export function vaultSource(values: Record<string, unknown>, stdinTakenBy?: string): VaultSource {
  const fromStdin = values['vault-passphrase-stdin'] === true;
  const fdText = values['vault-passphrase-fd'];
  if (fromStdin && fdText !== undefined)
    throw new UsageError('use either --vault-passphrase-stdin or --vault-passphrase-fd, not both.');
  if (typeof fdText === 'string') {
    if (!/^\d{1,4}$/.test(fdText) || Number(fdText) < 3)
      throw new UsageError(
        '--vault-passphrase-fd takes a descriptor number of 3 or more (0, 1 and 2 are stdin, stdout and stderr).',
      );
    return { kind: 'fd', fd: Number(fdText) };
  }
  if (fromStdin) {
    if (stdinTakenBy)
      throw new UsageError(
        `stdin already carries the secret of ${stdinTakenBy}; pass the vault passphrase with --vault-passphrase-fd N instead.`,
      );
    return { kind: 'stdin' };
  }
  return { kind: 'prompt' };
}

/** Reads the passphrase from `source`. @throws UsageError when a prompt is needed but there is no terminal. */
export async function readVaultPassphrase(
  io: CliIO,
  source: VaultSource,
  label = 'Vault passphrase: ',
): Promise<string> {
  if (source.kind === 'stdin') return readStdinLine(io);
  if (source.kind === 'fd') return readFdLine(source.fd);
  if (io.stdin.isTTY !== true) {
    throw new UsageError(
      'secrets are kept in the file vault, which is locked, and there is no terminal to ask for its passphrase. Pipe it with --vault-passphrase-stdin, or pass --vault-passphrase-fd N.',
    );
  }
  return promptHidden(io, label);
}

/**
 * Unlocks the file vault for this CLI run when the admin chose it; nothing to do for the OS keychain (and
 * nothing is read: a passphrase piped for a vault that is not in use stays unread).
 * Commands that read or write secrets call it before using core.inventory, core.rotation, core.backup…
 * @throws AppError KEYCHAIN_VAULT_WRONG_PASSPHRASE, KEYCHAIN_VAULT_MISSING; UsageError (see {@link vaultSource})
 */
export async function unlockVaultIfChosen(
  io: CliIO,
  core: CoreServices,
  values: Record<string, unknown>,
  stdinTakenBy?: string,
): Promise<void> {
  const source = vaultSource(values, stdinTakenBy);
  if ((await core.keychains.choice()) !== 'file-vault' || core.keychains.vaultUnlocked()) return;
  await core.keychains.unlockVault(await readVaultPassphrase(io, source));
}

/**
 * Proves, before any costly or irreversible work, that the chosen keychain can store secrets right now: the
 * vault is unlocked (asking for its passphrase) or the OS keychain answers a write probe. An unusable OS
 * keychain fails with the doctor's reason and names the command that switches to the vault.
 * @throws AppError KEYCHAIN_* (exit 69)
 */
export async function requireUsableKeychain(
  io: CliIO,
  core: CoreServices,
  values: Record<string, unknown>,
  stdinTakenBy?: string,
): Promise<void> {
  await unlockVaultIfChosen(io, core, values, stdinTakenBy);
  try {
    await (await core.keychains.get()).ensureUsable();
  } catch (e) {
    if (e instanceof AppError && e.code.startsWith('KEYCHAIN_') && (await core.keychains.choice()) === 'os') {
      throw new AppError(
        e.code,
        `${e.message} Nothing was done. Without a usable OS keychain (a headless server, an SSH session), keep the secrets in the passphrase-protected file vault: run \`crucible-secrets keychain use vault\`, then this command again (\`crucible-secrets doctor\` explains the choice).`,
      );
    }
    throw e;
  }
}
