import { resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { Environment } from '../../common/model/deployment';
import type { StepResult } from '../../common/ipc/setup.ipc';
import { setupServiceFor } from '../../core/setup/wiring';
import { ExitCode, UsageError, writeJson, type CliIO, type Command } from '../command';
import { readStdinLine } from './secret-input';
import { requireUsableKeychain, VAULT_HELP, VAULT_OPTIONS } from './vault-unlock';
import { cliText } from '../cli-text';

function refuse(step: string, r: StepResult): never {
  const errors = r.issues.filter((i) => i.severity === 'error').map((i) => `  - ${i.message}`);
  throw new AppError('SETUP_STEP_REFUSED', `The ${step} was refused:\n${errors.join('\n')}`);
}

function warn(io: CliIO, quiet: boolean, r: StepResult): void {
  if (quiet) return;
  for (const i of r.issues) if (i.severity === 'warning') io.stderr.write(`warning: ${cliText(i.message)}\n`);
}

export const initCommand: Command = {
  name: 'init',
  summary: 'Set up a Crucible deployment headlessly: secrets into the keychain, a safe .env, .gitignore, state',
  usage: `crucible-secrets init DIR --environment ENV --public-url URL [--cors-origin URL]... [--password-stdin]
                      [--regenerate VAR]... [--no-cors-fix] [--compose-file NAME]... [--json]

The setup wizard without a window, for headless machines. DIR is the Crucible checkout (with
docker-compose.yml). Every secret is generated (or, from an existing .env, kept when Crucible accepts it),
stored in the keychain (the OS keychain, or the file vault chosen with \`crucible-secrets keychain use
vault\` on a machine without one; checked first, before anything is generated) and written to DIR/.env (mode 0600, the previous file kept in the app's folder: \`crucible-secrets secrets previous DIR\`). The login
password is generated and shown ONCE on stderr, unless --password-stdin reads your own from the first line
of stdin (at least 15 characters, at most 72 bytes). All or nothing: a failure leaves DIR and the keychain
as they were.

Options:
  --environment ENV    production, staging or development (production: https only, no localhost)
  --public-url URL     the address users type in their browser, e.g. https://crucible.example.org
  --cors-origin URL    an allowed origin (repeatable, or comma-separated; default: the public URL)
  --password-stdin     read the login password from stdin instead of generating one
  --regenerate VAR     from an existing .env, regenerate VAR instead of keeping it (repeatable)
  --no-cors-fix        do not make the compose file take ROUNDTABLE_CORS_ORIGINS from .env
                       (refused in production: Crucible cannot start with the hard-coded value)
  --compose-file NAME  a compose file the deployment runs with, in merge order (repeatable; default:
                       COMPOSE_FILE from .env when set, else docker-compose.prod.yml for production
                       when present, else the default file and its override). The audit, rotation and
                       the front door read these files; commands are printed with -f for them
  --json               print the result as JSON (never a secret value)
The same names as \`crucible-secrets generate\`; the old spellings --frontend-url and --cors-origins are
still accepted for this release.

${VAULT_HELP}

Apply it afterwards with \`docker compose up -d\` (never \`restart\`: it keeps the old values).`,
  exitCodes: {
    0: 'set up',
    65: 'an entry was refused or the folder is not usable (nothing written)',
    69: 'the keychain is unusable or the vault is locked (nothing written; the message names `crucible-secrets keychain use vault`)',
  },
  aliases: { 'frontend-url': 'public-url', 'cors-origins': 'cors-origin' },
  allowPositionals: true,
  options: {
    environment: { type: 'string' },
    'public-url': { type: 'string' },
    'cors-origin': { type: 'string', multiple: true },
    'password-stdin': { type: 'boolean' },
    regenerate: { type: 'string', multiple: true },
    'no-cors-fix': { type: 'boolean' },
    'compose-file': { type: 'string', multiple: true },
    json: { type: 'boolean' },
    ...VAULT_OPTIONS,
  },
  async run({ values, positionals }, io) {
    const [dir, ...extra] = positionals;
    if (!dir || extra.length > 0)
      throw new UsageError('Give exactly one folder: crucible-secrets init DIR --environment ENV --public-url URL');
    const env = Environment.safeParse(values.environment);
    if (!env.success) throw new UsageError('--environment must be production, staging or development');
    const publicUrl = values['public-url'];
    if (typeof publicUrl !== 'string' || publicUrl === '')
      throw new UsageError('--public-url is required (e.g. https://crucible.example.org)');
    const json = values.json === true;
    const origins = Array.isArray(values['cors-origin'])
      ? (values['cors-origin'] as string[]).flatMap((o) => o.split(',').map((x) => x.trim())).filter((x) => x !== '')
      : [publicUrl];
    const regenerate = Array.isArray(values.regenerate) ? (values.regenerate as string[]) : [];

    let typed: string | null = null;
    if (values['password-stdin'] === true) {
      if (io.stdin.isTTY)
        throw new UsageError('--password-stdin reads a pipe, e.g. `pass show crucible | crucible-secrets init …`');
      typed = await readStdinLine(io);
    }

    const core = io.core();
    // Before anything costly (bcrypt) or written: a keychain that cannot store the secrets fails here.
    await requireUsableKeychain(
      io,
      core,
      values,
      values['password-stdin'] === true ? '--password-stdin (the login password)' : undefined,
    );
    const setup = setupServiceFor(core, {
      emit: (p) => {
        if (!json && p.phase !== 'done') io.stderr.write(`… ${p.message}\n`);
      },
    });
    const { draftId } = setup.begin();
    try {
      const chosen = await setup.chooseFolder(draftId, dir.startsWith('ssh://') ? dir : resolve(dir));
      for (const n of chosen.folder?.notices ?? [])
        if (!json && n.severity !== 'info') io.stderr.write(`${n.severity}: ${cliText(n.message)}\n`);
      if (chosen.existing?.present) {
        const known = new Set(chosen.existing.variables.map((v) => v.name));
        for (const v of regenerate)
          if (!known.has(v)) throw new UsageError(`--regenerate ${v}: the existing .env has no such generated secret`);
        const r = setup.setImport(draftId, Object.fromEntries(regenerate.map((v) => [v, 'regenerate' as const])));
        warn(io, json, r);
        if (!json) {
          for (const v of r.existing.variables)
            io.stderr.write(
              `${v.decision === 'import' ? 'keep      ' : 'regenerate'} ${v.name}${v.decision === 'regenerate' && v.severity === 'high' ? ` — ${v.consequence}` : ''}\n`,
            );
        }
      } else if (regenerate.length > 0) {
        throw new UsageError('--regenerate only applies to a folder that already has a .env');
      }
      setup.setEnvironment(draftId, env.data);
      const composeFiles = Array.isArray(values['compose-file']) ? (values['compose-file'] as string[]) : [];
      // Named files are checked against the folder (SETUP_COMPOSE_CHOICE); without them the default set stands.
      if (composeFiles.length > 0) setup.setComposeFiles(draftId, { files: composeFiles });
      const addr = setup.setAddress(draftId, publicUrl, origins, values['no-cors-fix'] !== true);
      if (!addr.ok) refuse('public address', addr);
      warn(io, json, addr);

      let generated: string | null = null;
      if (typed !== null) {
        const r = await setup.setPassword(draftId, 'typed', { password: typed, confirmation: typed });
        if (!r.ok) refuse('login password', r);
      } else {
        generated = setup.revealGeneratedPassword(draftId, false).password;
        const r = await setup.setPassword(draftId, 'generated', { stored: true });
        if (!r.ok) refuse('login password', r);
      }
      const s = setup.setSecrets(draftId, {}, []);
      if (!s.ok) refuse('secrets step', s);
      const review = await setup.review(draftId);
      if (review.blockers.length > 0) throw new AppError('SETUP_INCOMPLETE', review.blockers.join(' '));
      const result = await setup.commit(draftId);
      if (generated !== null) {
        // Shown once, on stderr only (stdout may be a log or a pipe); it is in no file, only as a bcrypt hash.
        io.stderr.write(
          `\nLogin password (shown once — store it in your password manager now):\n\n    ${generated}\n\n`,
        );
      }
      if (json) {
        writeJson(io, { ...result, passwordGenerated: generated !== null });
      } else {
        io.stdout.write(
          `Set up ${result.deploymentName} (${result.deploymentId}): ${String(result.variables.length)} secrets in the keychain and in ${result.envFile}.\n`,
        );
        if (result.previousEnvKeptAs) io.stdout.write(`The previous .env is kept as ${result.previousEnvKeptAs}.\n`);
        io.stdout.write(`Compose files: ${result.composeFiles.join(', ')}\n`);
        io.stdout.write('\nApply it:\n');
        for (const c of result.commands) io.stdout.write(`  ${c.command}\n      ${cliText(c.why)}\n`);
        io.stdout.write('\nChecklist:\n');
        for (const c of result.checklist) io.stdout.write(`  [${c.done ? 'x' : ' '}] ${cliText(c.text)}\n`);
        const left = result.findings.filter((f) => f.severity !== 'info');
        if (left.length > 0) {
          io.stdout.write('\ncheck-env still reports:\n');
          for (const f of left) io.stdout.write(`  ${f.severity}: ${f.title}\n`);
        }
      }
      return ExitCode.Ok;
    } finally {
      setup.discard(draftId);
    }
  },
};
