import { accessSync, constants, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { Command } from '../command';
import { ExitCode, writeJson } from '../command';
import type { KeychainStatus } from '../../common/ipc/keychain.ipc';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

function which(bin: string, args: string[]): string | null {
  try {
    return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim().split('\n')[0] ?? '';
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

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check the keychain and the other things the app depends on',
  usage: `crucible-secrets doctor [--json]

Checks the OS keychain with a real store/read/delete round trip, the state folder, the native
modules (keytar, argon2, bcrypt), and the docker and git commands.

Exit codes: 0 everything needed works; 1 something needed does not (the report says what to do).`,
  options: { json: { type: 'boolean' } },
  async run({ values }, io) {
    const core = io.core();
    const keychain: KeychainStatus = await core.keychainDoctor.recheck();
    const checks: Check[] = [];
    checks.push({
      name: 'keychain',
      ok: keychain.usable,
      detail: keychain.usable ? `${keychain.label} works` : `${keychain.label}: ${keychain.problem?.message ?? 'unusable'}`,
      fix: keychain.problem?.fix,
    });
    let homeOk = true;
    try {
      mkdirSync(core.paths.home, { recursive: true, mode: 0o700 });
      accessSync(core.paths.home, constants.W_OK);
    } catch {
      homeOk = false;
    }
    checks.push({ name: 'state-folder', ok: homeOk, detail: core.paths.home, fix: homeOk ? undefined : 'Make the folder writable, or set CRUCIBLE_SECRETS_HOME to one that is.' });
    for (const mod of ['argon2', 'bcrypt']) {
      const ok = await nativeModule(mod);
      checks.push({ name: `module:${mod}`, ok, detail: ok ? 'loads' : 'cannot be loaded', fix: ok ? undefined : 'Reinstall the app (npm ci).' });
    }
    const docker = which('docker', ['--version']);
    const compose = docker ? which('docker', ['compose', 'version']) : null;
    const git = which('git', ['--version']);
    // docker and git are optional: the app prints the commands when it cannot run them itself.
    const optional: Check[] = [
      { name: 'docker', ok: docker !== null, detail: docker ?? 'not found (commands will be shown for you to run)' },
      { name: 'docker-compose', ok: compose !== null, detail: compose ?? 'no `docker compose` plugin found' },
      { name: 'git', ok: git !== null, detail: git ?? 'not found (tracked-file checks are skipped)' },
    ];
    const healthy = checks.every((c) => c.ok);
    if (values.json) {
      writeJson(io, { ok: healthy, home: core.paths.home, keychain, checks, optional });
    } else {
      for (const c of checks) {
        io.stdout.write(`${c.ok ? '✓' : '✗'} ${c.name.padEnd(14)} ${c.detail}\n`);
        if (!c.ok && c.fix) io.stdout.write(`  → ${c.fix}\n`);
      }
      for (const c of optional) io.stdout.write(`${c.ok ? '✓' : '·'} ${c.name.padEnd(14)} ${c.detail}\n`);
      io.stdout.write(healthy ? '\nEverything the app needs works.\n' : '\nSome things need attention (see above).\n');
    }
    return healthy ? ExitCode.Ok : ExitCode.Findings;
  },
};
