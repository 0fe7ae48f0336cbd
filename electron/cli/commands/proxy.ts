import { cliText } from '../cli-text';
import { join, resolve } from 'node:path';
import { resolveAppHome } from '../../core/paths/app-home';
import type { DeploymentHost } from '../../core/host/host';
import type { FolderReader } from '../../core/fs/folder-reader';
import type { Command, CliIO } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import { AppError } from '../../common/errors';
import { hostFolderReader } from '../../core/host/folder-reader';
import { parseLocation } from '../../core/host/location';
import { Environment } from '../../common/model/deployment';
import { ProxyServer, type ProxyBundle } from '../../common/ipc/proxy.ipc';
import { generateProxyBundle, writeGeneratedFile, assertFolder } from '../../core/proxy/generate';
import { assertWritableTarget, undoAtomicWrite } from '../../core/fs/write-set';
import type { ProxyInput } from '../../core/proxy/plan';
import { planComposeChanges } from '../../core/proxy/compose-changes';
import { recordedComposeFiles } from './recorded-compose';
import { crucibleCeProfile } from '../../core/stack';
import { applyFrontDoor, applyFrontDoorOnServer, describeApplied } from './proxy-apply';

function int(name: string, v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v;
  if (!/^\d+$/.test(s)) throw new UsageError(`--${name} needs a whole number, got ${JSON.stringify(s)}.`);
  return Number(s);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Prints what the config cannot do by itself: warnings, .env follow-ups and manual steps. */
export function printNotes(w: NodeJS.WritableStream, b: ProxyBundle): void {
  for (const x of b.warnings) w.write(`! ${cliText(x)}\n`);
  w.write(`\n.env follow-ups (public origin ${b.origin}):\n`);
  for (const e of b.envFollowUp) {
    w.write(
      `  ${e.key}=${e.value}${e.current !== null && e.current !== e.value ? `   (now: ${e.current})` : ''}\n    ${e.note}\n`,
    );
    if (e.overriddenByCompose && e.evidence) w.write(`    compose override: ${e.evidence}\n`);
  }
  w.write('\nLeft to do by hand:\n');
  b.manualSteps.forEach((s, i) => {
    w.write(`  ${String(i + 1)}. ${s.title}: ${cliText(s.detail)}\n`);
    for (const c of s.commands) w.write(`       $ ${c}\n`);
  });
}

export const proxyCommand: Command = {
  name: 'proxy',
  summary: 'Generate the HTTPS reverse-proxy configuration (nginx or Caddy) for a deployment',
  usage: `crucible-secrets proxy DIR --server nginx|caddy (--domain NAME | --url https://NAME[:PORT]) [options]

DIR is the Crucible folder (compose files and .env; it need not be registered yet). The configuration
routes /api to the api (127.0.0.1:8000) and the rest to the frontend (127.0.0.1:3000), redirects HTTP to
HTTPS, sends HSTS and security headers, limits request sizes and throttles POST /api/auth/login.

Options:
  --server nginx|caddy         which proxy (required)
  --domain NAME                the public name, e.g. crucible.example.com (no scheme)
  --url URL                    or the public URL, https only (a port is allowed)
  --environment ENV            production (default), staging or development
  --cert FILE --key FILE       use these certificate files (must exist) instead of Let's Encrypt
  --acme-email ADDRESS         e-mail for Let's Encrypt expiry notices
  --hsts-max-age SECONDS       default 31536000 (one year, the minimum accepted)
  --hsts-include-subdomains    add includeSubDomains (every subdomain must then serve HTTPS)
  --hsts-preload               add preload (needs includeSubDomains; hard to undo; off by default)
  --login-per-minute N         login attempts per minute per client (default 5)
  --login-burst N              quick attempts allowed before 429 (default 5)
  --max-body-mb N              request size limit in MiB (default 25)
  --out FILE                   write the configuration there (atomically) instead of printing it
  --compose-diff               also print the compose changes that go with it (bind to 127.0.0.1,
                               CORS from .env, https API URL) as a diff; nothing is changed
  --apply-compose              make those compose changes (printed; the previous files are kept)
  --apply-env                  write the .env follow-ups below into DIR/.env (atomically, previous kept)
  --json                       print everything as JSON`,
  exitCodes: {
    0: 'generated (and applied, with --apply-compose/--apply-env)',
    65: 'bad input, or a file changed while applying (nothing written)',
  },
  allowPositionals: true,
  options: {
    server: { type: 'string' },
    domain: { type: 'string' },
    url: { type: 'string' },
    environment: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'acme-email': { type: 'string' },
    'hsts-max-age': { type: 'string' },
    'hsts-include-subdomains': { type: 'boolean' },
    'hsts-preload': { type: 'boolean' },
    'login-per-minute': { type: 'string' },
    'login-burst': { type: 'string' },
    'max-body-mb': { type: 'string' },
    out: { type: 'string' },
    'compose-diff': { type: 'boolean' },
    'apply-compose': { type: 'boolean' },
    'apply-env': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io: CliIO) {
    if (positionals.length !== 1 || positionals[0] === undefined)
      throw new UsageError('give exactly one DIR (the Crucible folder).');
    // A server's folder: one SSH connection for the whole command (read, then apply), closed at the end.
    const server = positionals[0].startsWith('ssh://') ? await openServer(io, positionals[0]) : null;
    try {
      return await runProxy(values, positionals[0], io, server);
    } finally {
      await server?.host.close();
    }
  },
};

interface ServerFolder {
  host: DeploymentHost;
  path: string;
  reader: FolderReader;
  /** Where previous versions of the server's files are kept, on this computer. */
  keepIn: string;
}

async function runProxy(
  values: Record<string, unknown>,
  input0: string,
  io: CliIO,
  serverFolder: ServerFolder | null,
): Promise<number> {
  const onServer = serverFolder !== null;
  const dir = onServer ? input0 : resolve(input0);
  // A registered deployment's recorded compose files (e.g. only docker-compose.prod.yml) are what it runs with.
  const recorded = await recordedComposeFiles(io, dir);
  const server = ProxyServer.safeParse(values.server);
  if (!server.success) throw new UsageError('--server must be nginx or caddy.');
  const env = Environment.safeParse(values.environment ?? 'production');
  if (!env.success) throw new UsageError('--environment must be production, staging or development.');
  const domain = str(values.domain);
  const url = str(values.url);
  if (domain === undefined && url === undefined) throw new UsageError('give --domain NAME (or --url https://NAME).');
  const cert = str(values.cert);
  const key = str(values.key);
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--cert and --key go together.');
  if (!onServer) await assertFolder(dir);
  const input: ProxyInput = {
    server: server.data,
    domain,
    publicUrl: url,
    environment: env.data,
    tls:
      cert !== undefined && key !== undefined
        ? { mode: 'files', certPath: resolve(cert), keyPath: resolve(key) }
        : { mode: 'acme', email: str(values['acme-email']) },
    hsts: {
      maxAgeSeconds: int('hsts-max-age', values['hsts-max-age']),
      includeSubDomains: values['hsts-include-subdomains'] === true,
      preload: values['hsts-preload'] === true,
    },
    tuning: {
      loginPerMinute: int('login-per-minute', values['login-per-minute']),
      loginBurst: int('login-burst', values['login-burst']),
      maxBodyMb: int('max-body-mb', values['max-body-mb']),
    },
  };
  const bundle = serverFolder
    ? await generateProxyBundle(input, {
        folder: null,
        reader: serverFolder.reader,
        composeFiles: recorded,
        now: new Date(),
      })
    : await generateProxyBundle(input, { folder: dir, composeFiles: recorded, now: new Date() });
  const file = bundle.files[0];
  if (!file) throw new Error('no file generated');
  const out = str(values.out);
  const asked = { compose: values['apply-compose'] === true, env: values['apply-env'] === true };
  // All or nothing: --out is checked before anything is written and removed again if applying fails.
  if (out !== undefined) await assertWritableTarget(resolve(out));
  const writtenOut = out === undefined ? null : await writeGeneratedFile(resolve(out), file.content);
  const written = writtenOut?.path ?? null;
  let applied: Awaited<ReturnType<typeof applyFrontDoor>> | null;
  try {
    applied = !(asked.compose || asked.env)
      ? null
      : serverFolder
        ? await applyFrontDoorOnServer(
            serverFolder.host,
            serverFolder.path,
            bundle.origin,
            asked,
            serverFolder.keepIn,
            crucibleCeProfile,
            recorded,
          )
        : await applyFrontDoor(
            dir,
            bundle.origin,
            asked,
            join(resolveAppHome(io.env), 'previous', 'proxy'),
            crucibleCeProfile,
            recorded,
          );
  } catch (e) {
    if (writtenOut !== null) await undoAtomicWrite(writtenOut);
    throw e;
  }
  const compose =
    values['compose-diff'] === true && !asked.compose
      ? await planComposeChanges(serverFolder?.reader ?? dir, bundle.origin, crucibleCeProfile, recorded)
      : null;
  if (values.json) {
    writeJson(io, {
      ...bundle,
      written,
      composeChanges: compose?.files.map(({ file, changes, diff }) => ({ file, changes, diff })),
      applied,
    });
    return ExitCode.Ok;
  }
  if (compose !== null) {
    const w = written === null ? io.stderr : io.stdout;
    w.write(
      compose.files.length === 0
        ? '\nThe compose files already match the front door.\n'
        : '\nCompose changes (not applied: add --apply-compose to make them):\n',
    );
    for (const f of compose.files) w.write(`${f.diff}\n`);
    for (const n of compose.notes) w.write(`  - ${n}\n`);
  }
  if (applied !== null) (written === null ? io.stderr : io.stdout).write(`\n${describeApplied(applied, asked)}`);
  if (written === null) {
    io.stdout.write(file.content);
    printNotes(io.stderr, bundle);
  } else {
    io.stdout.write(`Wrote ${written} (${bundle.server} configuration for ${bundle.origin}).\n`);
    printNotes(io.stdout, bundle);
  }
  return ExitCode.Ok;
}

/** Opens the server's folder: its host (the admin's OpenSSH) and a reader of the folder there. */
async function openServer(io: CliIO, location: string): Promise<ServerFolder> {
  const core = io.core();
  const loc = parseLocation(location, '/');
  const host = core.openHost(loc);
  if ((await host.stat(loc.path))?.kind !== 'dir') {
    await host.close();
    throw new AppError(
      'PROXY_FOLDER_NOT_FOUND',
      `${loc.path} is not a folder on ${host.label}. Give the Crucible folder there.`,
    );
  }
  return {
    host,
    path: loc.path,
    reader: hostFolderReader(host, loc.path, loc.path),
    keepIn: join(core.paths.home, 'previous', 'proxy'),
  };
}
