import { accessSync, constants, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { CliIO, Command } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import { detectCompose, formatLocation, parseLocation, type ComposeStatus } from '../../core/host';
import type { KeychainStatus } from '../../common/ipc/keychain.ipc';
import { isAppError } from '../../common/errors';
import { inspectVaultFile } from '../../core/keychain/file-vault';
import { appHomeModeProblem } from '../../core/paths/app-home';
import type { CoreServices } from '../../core/services';
import { readVaultPassphrase, VAULT_OPTIONS, vaultSource } from './vault-unlock';
import { cliText } from '../cli-text';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

function which(bin: string, args: string[]): string | null {
  try {
    return (
      execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
        .trim()
        .split('\n')[0] ?? ''
    );
  } catch {
    return null;
  }
}

async function nativeModule(name: string): Promise<boolean> {
  try {
    await import(name);
    return true;
  } catch {
    return false;
  }
}

/** Where secrets are kept, as the doctor reports it (`--json`: `store`). */
interface StoreReport {
  backend: 'os' | 'file-vault';
  label: string;
  usable: boolean;
  detail: string;
  fix?: string;
}

/** Says how to choose when the OS keychain cannot be used (a headless server, an SSH session). */
export const HEADLESS_CHOICE = `This machine has no usable OS keychain (typical of a server or an SSH session). Choose one:
    • keep the secrets in the passphrase-protected file vault: \`crucible-secrets keychain use vault\`.
      Each command that needs a secret then asks for the vault passphrase, or reads it with
      --vault-passphrase-stdin or --vault-passphrase-fd N (see docs/cli.md, "Headless servers");
    • or provide a Secret Service: run the commands inside a desktop session, or under
      \`dbus-run-session\` with gnome-keyring started and unlocked.`;

/**
 * The file vault as the active store: the file is checked without the passphrase; with
 * --vault-passphrase-stdin/--vault-passphrase-fd it is also unlocked and read (a real round trip).
 */
async function vaultReport(io: CliIO, core: CoreServices, values: Record<string, unknown>): Promise<StoreReport> {
  const label = `Passphrase-protected file vault (${core.paths.vaultFile})`;
  const source = vaultSource(values);
  try {
    const kdf = await inspectVaultFile(core.paths.vaultFile);
    accessSync(core.paths.vaultFile, constants.R_OK | constants.W_OK);
    if (source.kind === 'prompt') {
      return {
        backend: 'file-vault',
        label,
        usable: true,
        detail: `chosen; the file is intact (Argon2id ${String(kdf.memoryKiB)} KiB, t=${String(kdf.iterations)}). Commands ask for its passphrase (or pass --vault-passphrase-stdin to test it here).`,
      };
    }
    await core.keychains.unlockVault(await readVaultPassphrase(io, source));
    await (await core.keychains.get()).ensureUsable();
    return {
      backend: 'file-vault',
      label,
      usable: true,
      detail: 'chosen, unlocked with the passphrase and read back: it works',
    };
  } catch (e) {
    if (!isAppError(e) && !(e instanceof Error && 'code' in e)) throw e;
    const message = isAppError(e) ? e.message : 'the vault file cannot be written (check its owner and mode)';
    return {
      backend: 'file-vault',
      label,
      usable: false,
      detail: `chosen, but ${message}`,
      fix: 'Restore the vault file from a backup, or choose again with `crucible-secrets keychain use vault` (a new vault) or `keychain use os`.',
    };
  }
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check the keychain and the other things the app depends on',
  usage: `crucible-secrets doctor [DIR|ssh://[user@]host[:port]/path] [--json] [--vault-passphrase-stdin | --vault-passphrase-fd N]

With a deployment (a folder here, or its location on a server), also checks where it runs: the server is
reached with your own OpenSSH (~/.ssh/config, ssh-agent, known_hosts; never a prompt), and there, the
docker command, the Docker Compose v2 plugin (Compose v1 is detected and explained: the app does not
drive it), the Docker daemon and the permission to use it.

Reports where secrets are kept and whether that works: the OS keychain (checked with a real
store/read/delete round trip) or, after \`crucible-secrets keychain use vault\`, the file vault (the file
is checked; with --vault-passphrase-stdin or --vault-passphrase-fd N it is also unlocked and read).
On a machine without a Secret Service it explains the choice between the two. Also checks the state
folder, the native modules (keytar, argon2, bcrypt), and the docker and git commands.`,
  exitCodes: { 0: 'everything needed works', 1: 'something needed does not (the report says what to do)' },
  options: { json: { type: 'boolean' }, ...VAULT_OPTIONS },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length > 1) throw new UsageError('give at most one deployment folder or ssh:// location');
    const core = io.core();
    const keychain: KeychainStatus = await core.keychainDoctor.recheck();
    const checks: Check[] = [];
    const chosen = await core.keychains.choice();
    const osDetail = keychain.usable
      ? `${keychain.label} works`
      : `${keychain.label}: ${keychain.problem?.message ?? 'unusable'}`;
    const store: StoreReport =
      chosen === 'file-vault'
        ? await vaultReport(io, core, values)
        : {
            backend: 'os',
            label: keychain.label,
            usable: keychain.usable,
            detail: osDetail,
            fix: keychain.usable ? undefined : `${keychain.problem?.fix ?? ''}\n  ${HEADLESS_CHOICE}`,
          };
    checks.push({ name: 'secret store', ok: store.usable, detail: store.detail, fix: store.fix });
    let homeOk = true;
    try {
      mkdirSync(core.paths.home, { recursive: true, mode: 0o700 });
      accessSync(core.paths.home, constants.W_OK);
    } catch {
      homeOk = false;
    }
    // Private to this account: the app tightens it at start; one it could not tighten fails here, saying how.
    const modeProblem = homeOk ? appHomeModeProblem(core.paths.home) : null;
    checks.push({
      name: 'state-folder',
      ok: homeOk && modeProblem === null,
      detail: core.paths.home,
      fix: !homeOk
        ? 'Make the folder writable, or set CRUCIBLE_SECRETS_HOME to one that is.'
        : (modeProblem ?? undefined),
    });
    for (const mod of ['argon2', 'bcrypt']) {
      const ok = await nativeModule(mod);
      checks.push({
        name: `module:${mod}`,
        ok,
        detail: ok ? 'loads' : 'cannot be loaded',
        fix: ok ? undefined : 'Reinstall the app (npm ci).',
      });
    }
    const docker = which('docker', ['--version']);
    const compose = docker ? which('docker', ['compose', 'version']) : null;
    const git = which('git', ['--version']);
    // docker and git are optional: the app prints the commands when it cannot run them itself.
    const optional: Check[] = [
      // With the vault chosen the OS keychain is not used; its state is shown for information.
      ...(chosen === 'file-vault'
        ? [{ name: 'os-keychain', ok: keychain.usable, detail: `${osDetail} (not used: the file vault is chosen)` }]
        : []),
      { name: 'docker', ok: docker !== null, detail: docker ?? 'not found (commands will be shown for you to run)' },
      { name: 'docker-compose', ok: compose !== null, detail: compose ?? 'no `docker compose` plugin found' },
      { name: 'git', ok: git !== null, detail: git ?? 'not found (tracked-file checks are skipped)' },
    ];
    const where = positionals[0] !== undefined ? await deploymentChecks(core, positionals[0]) : null;
    if (where) checks.push(...where.checks);
    const healthy = checks.every((c) => c.ok);
    if (values.json) {
      writeJson(io, {
        ok: healthy,
        home: core.paths.home,
        store,
        keychain,
        checks,
        optional,
        ...(where ? { deployment: { location: where.location, compose: where.compose } } : {}),
      });
    } else {
      for (const c of checks) {
        io.stdout.write(`${c.ok ? '✓' : '✗'} ${c.name.padEnd(14)} ${c.detail}\n`);
        if (!c.ok && c.fix) io.stdout.write(`  → ${cliText(c.fix)}\n`);
      }
      for (const c of optional) io.stdout.write(`${c.ok ? '✓' : '·'} ${c.name.padEnd(14)} ${c.detail}\n`);
      io.stdout.write(healthy ? '\nEverything the app needs works.\n' : '\nSome things need attention (see above).\n');
      // Optional does not mean unimportant: say what the missing tool changes (the checks above only mark it ·).
      if (compose === null)
        io.stdout.write(
          'Without `docker compose` (v2) here, rotation, restore and incident commands for a deployment on this computer are printed for you to run, not run; deployments on a server use the docker there (doctor ssh://… checks it).\n',
        );
    }
    return healthy ? ExitCode.Ok : ExitCode.Findings;
  },
};

/**
 * Where the deployment runs: the host reached (over SSH: with the admin's OpenSSH), then docker, the
 * Compose v2 plugin, the daemon and the permission to use it, there.
 */
async function deploymentChecks(
  core: CoreServices,
  input: string,
): Promise<{ location: string; compose: ComposeStatus | null; checks: Check[] }> {
  const loc = parseLocation(input, process.cwd());
  const location = formatLocation(loc);
  const host = core.openHost(loc);
  try {
    const st = await host.stat(loc.path);
    if (st?.kind !== 'dir')
      return {
        location,
        compose: null,
        checks: [
          {
            name: 'deployment',
            ok: false,
            detail: `${loc.path} is not a folder on ${host.label}`,
            fix: 'Give the folder of the Crucible checkout.',
          },
        ],
      };
    const compose = await detectCompose(host);
    const checks: Check[] = [{ name: 'deployment', ok: true, detail: `${loc.path} on ${host.label}` }];
    if (compose.ready || compose.problems.length === 0)
      checks.push({
        name: 'compose',
        ok: compose.ready,
        detail: compose.ready
          ? `docker ${compose.docker.version ?? ''}, compose ${compose.composeV2.version ?? ''}, daemon reachable`
          : 'not ready',
      });
    // Each problem with its own fix beside it: a list of fixes under the first problem read as one story.
    else for (const p of compose.problems) checks.push({ name: 'compose', ok: false, detail: p.summary, fix: p.hint });
    return { location, compose, checks };
  } catch (e) {
    // An unreachable server or a refused host key is the answer here, in words (with the fingerprint).
    if (!isAppError(e)) throw e;
    return {
      location,
      compose: null,
      checks: [{ name: 'deployment', ok: false, detail: `${location}: ${e.message}` }],
    };
  } finally {
    await host.close();
  }
}
