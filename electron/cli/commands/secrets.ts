import type { CliIO, Command } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import type { CoreServices } from '../../core/services';
import type { DeploymentRef } from '../../common/model/deployment';
import type { DriftDirection } from '../../common/ipc/secrets.ipc';
import { deploymentForFolder } from '../../core/inventory/inventory';
import { systemClipboard } from '../../core/inventory/system-clipboard';
import { CLIPBOARD_CLEAR_MS, type ClipboardLike } from '../../core/inventory/clipboard-guard';
import { unlockVaultIfChosen, VAULT_HELP, VAULT_OPTIONS } from './vault-unlock';
import { cliText } from '../cli-text';
import { secretsPreviousCommand } from './secrets-previous';

/** `secrets list|copy|drift DIR`: DIR is the folder of a registered deployment. */
async function resolveDir(
  io: CliIO,
  positionals: string[],
  usage: string,
  values: Record<string, unknown>,
): Promise<{ core: CoreServices; deployment: DeploymentRef }> {
  const dir = positionals[0];
  if (dir === undefined) throw new UsageError(`missing DIR. Usage: ${usage}`);
  const core = io.core();
  const state = await core.store.read();
  const notice = core.store.notice();
  if (notice) io.stderr.write(`warning: ${notice.message}\n`);
  const deployment = await deploymentForFolder(state, dir);
  await unlockVaultIfChosen(io, core, values);
  return { core, deployment };
}

function age(iso: string | null, now: Date): string {
  if (!iso) return '-';
  const days = Math.floor((now.getTime() - Date.parse(iso)) / 86_400_000);
  return days <= 0 ? 'today' : `${days}d`;
}

/** `--passphrase-stdin` was the vault option's first name; kept for a release. */
const VAULT_ALIAS = { 'passphrase-stdin': 'vault-passphrase-stdin' } as const;

const listUsage = 'crucible-secrets secrets list DIR [--json] [--vault-passphrase-stdin | --vault-passphrase-fd N]';
export const secretsListCommand: Command = {
  name: 'secrets list',
  summary: 'List the secrets of a deployment (names, fingerprints, ages, status; never values)',
  usage: `${listUsage}

DIR is the folder of a registered deployment. Fingerprints are keyed hashes: they tell values apart
without revealing them.

${VAULT_HELP}`,
  exitCodes: {
    0: 'listed',
    65: 'DIR is not a registered deployment',
    69: 'the keychain cannot be read (the reason is printed)',
  },
  aliases: VAULT_ALIAS,
  options: { json: { type: 'boolean' }, ...VAULT_OPTIONS },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const { core, deployment } = await resolveDir(io, positionals, listUsage, values);
    const list = await core.inventory.list(deployment.id);
    if (values.json)
      writeJson(io, { deployment: { id: deployment.id, name: deployment.name, folder: deployment.folder }, ...list });
    else {
      io.stdout.write(`${deployment.name} (${deployment.id}) — ${deployment.folder}\n`);
      const w = Math.max(8, ...list.refs.map((r) => r.name.length));
      io.stdout.write(
        `${'NAME'.padEnd(w)}  ${'KIND'.padEnd(14)}  ${'FINGERPRINT'.padEnd(16)}  ${'AGE'.padEnd(6)}  STATUS\n`,
      );
      const now = core.clock();
      for (const r of list.refs) {
        io.stdout.write(
          `${r.name.padEnd(w)}  ${r.kind.padEnd(14)}  ${(r.fingerprint ?? '-').padEnd(16)}  ${age(r.rotated ?? r.created, now).padEnd(6)}  ${r.status}\n`,
        );
      }
    }
    if (list.keychainProblem) {
      io.stderr.write(`${cliText(list.keychainProblem.message)} [${list.keychainProblem.code}]\n`);
      return ExitCode.Unavailable;
    }
    return ExitCode.Ok;
  },
};

const driftUsage =
  'crucible-secrets secrets drift DIR [--json] [--repair VAR --to env|keychain [--yes]] [--vault-passphrase-stdin | --vault-passphrase-fd N]';
export const secretsDriftCommand: Command = {
  name: 'secrets drift',
  summary: 'Compare the .env on disk with the keychain, by fingerprint; repair one variable',
  usage: `${driftUsage}

--repair VAR --to env writes the keychain's value of VAR into .env (atomically; the previous .env is kept
under the app folder). --repair VAR --to keychain adopts the .env value of VAR into the keychain. Without
--yes the change is only shown (values withheld, fingerprints shown); nothing is written.

${VAULT_HELP}`,
  exitCodes: {
    0: 'the .env and the keychain agree, or the repair was made',
    1: 'they differ (the report says where), or a repair was previewed and nothing was written',
    64: '--repair without --to env|keychain',
    65: 'DIR is not a registered deployment, or the repair was refused (the reason is printed)',
    69: 'the keychain cannot be read',
  },
  aliases: VAULT_ALIAS,
  options: {
    json: { type: 'boolean' },
    repair: { type: 'string' },
    to: { type: 'string' },
    yes: { type: 'boolean' },
    ...VAULT_OPTIONS,
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const repair = typeof values.repair === 'string' ? values.repair : null;
    const to = values.to;
    if (repair !== null && to !== 'env' && to !== 'keychain')
      throw new UsageError(`--repair needs --to env or --to keychain. Usage: ${driftUsage}`);
    if (repair === null && (to !== undefined || values.yes === true))
      throw new UsageError(`--to and --yes go with --repair VAR. Usage: ${driftUsage}`);
    const { core, deployment } = await resolveDir(io, positionals, driftUsage, values);
    if (repair !== null)
      return repairDrift(
        io,
        core,
        deployment,
        repair,
        to === 'env' ? 'keychain-to-env' : 'env-to-keychain',
        values.yes === true,
        values.json === true,
      );
    const report = await core.inventory.drift(deployment.id);
    if (values.json) writeJson(io, report);
    else {
      if (!report.envFound) io.stdout.write(`No .env found at ${report.envFile}.\n`);
      const labels: Record<string, string> = {
        'in-sync': 'in sync',
        differs: '.env differs from the keychain',
        'keychain-missing': 'in .env, missing from the keychain',
        'env-missing': 'in the keychain, missing from .env',
        'both-missing': 'in neither',
      };
      for (const i of report.items)
        io.stdout.write(`${i.status === 'in-sync' ? '✓' : '✗'} ${i.name}: ${labels[i.status] ?? i.status}\n`);
      io.stdout.write(
        report.inSync
          ? '\nThe .env matches the keychain.\n'
          : '\nThe .env and the keychain disagree (see above). Repair one variable with --repair VAR --to env|keychain.\n',
      );
    }
    return report.inSync ? ExitCode.Ok : ExitCode.Findings;
  },
};

/** `secrets drift DIR --repair VAR --to …`: the preview, then (with --yes) the repair bound to it. */
async function repairDrift(
  io: CliIO,
  core: CoreServices,
  deployment: DeploymentRef,
  name: string,
  direction: DriftDirection,
  yes: boolean,
  json: boolean,
): Promise<number> {
  const preview = await core.inventory.previewDriftRepair(deployment.id, name, direction);
  const where =
    direction === 'keychain-to-env'
      ? `the keychain's value into ${preview.file}`
      : `the ${preview.file} value into the keychain`;
  if (!yes) {
    if (json) writeJson(io, { preview: { ...preview, token: undefined }, repaired: false });
    else
      io.stdout.write(
        `Would write ${name}: ${where}.\n\n${preview.diff}\nNothing was written. Add --yes to make this change.\n`,
      );
    return ExitCode.Findings;
  }
  const result = await core.inventory.repairDrift(deployment.id, name, direction, preview.token);
  if (json) writeJson(io, { preview: { ...preview, token: undefined }, repaired: true, result });
  else {
    io.stdout.write(`${preview.diff}\nWrote ${name}: ${where}. Both now hold fingerprint ${result.fingerprint}.\n`);
    if (result.previousKept)
      io.stdout.write('The previous .env is kept under the app folder (crucible-secrets secrets previous DIR).\n');
    if (direction === 'keychain-to-env')
      io.stdout.write('Recreate the services that read it for the change to take effect: docker compose up -d\n');
  }
  return ExitCode.Ok;
}

const copyUsage =
  'crucible-secrets secrets copy DIR VAR [--no-wait] [--vault-passphrase-stdin | --vault-passphrase-fd N]';
export const secretsCopyCommand: Command = {
  name: 'secrets copy',
  summary: 'Copy one secret to the clipboard; it is cleared after 30 s',
  usage: `${copyUsage}

Puts the value of VAR on the clipboard (never on the screen) and waits 30 seconds, then clears the
clipboard if it still holds the value. Ctrl-C clears it at once. --no-wait returns immediately and
leaves clearing to you.

${VAULT_HELP}`,
  exitCodes: {
    0: 'copied',
    65: 'no such secret, or DIR is not a registered deployment',
    69: 'the keychain or the clipboard is unavailable',
  },
  aliases: VAULT_ALIAS,
  options: { 'no-wait': { type: 'boolean' }, ...VAULT_OPTIONS },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const name = positionals[1];
    if (name === undefined || positionals.length > 2) throw new UsageError(`expected DIR and VAR. Usage: ${copyUsage}`);
    const { core, deployment } = await resolveDir(io, positionals, copyUsage, values);
    const clipboard: ClipboardLike = io.clipboard ?? systemClipboard(io.env);
    await core.inventory.copy(deployment.id, name, clipboard);
    if (values['no-wait']) {
      io.stdout.write(`Copied ${name} to the clipboard. It will NOT be cleared automatically; clear it when done.\n`);
      return ExitCode.Ok;
    }
    io.stdout.write(
      `Copied ${name} to the clipboard. It is cleared in ${CLIPBOARD_CLEAR_MS / 1000} s (Ctrl-C clears it now).\n`,
    );
    const onSignal = () => void core.clipboardGuard.clearNow();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await core.clipboardGuard.settled();
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    io.stdout.write('Clipboard cleared.\n');
    return ExitCode.Ok;
  },
};

export const secretsCommands: Command[] = [
  secretsListCommand,
  secretsCopyCommand,
  secretsDriftCommand,
  secretsPreviousCommand,
];
