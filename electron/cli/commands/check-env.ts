import { cliText } from '../cli-text';
import { capFindings } from '../../common/model/cap-findings';
import { basename, dirname, posix } from 'node:path';
import { AppError } from '../../common/errors';
import { readEnvOnHost } from '../../core/envfile/on-host';
import { localFolderReader, type FolderReader } from '../../core/fs/folder-reader';
import { hostFolderReader } from '../../core/host/folder-reader';
import { parseLocation } from '../../core/host/location';
import type { CoreServices } from '../../core/services';
import type { EnvDoc } from '../../core/envfile';
import { Environment } from '../../common/model/deployment';
import type { Finding } from '../../common/model/finding';
import { composeProjectFromParsed, discoverComposeFiles, MAX_COMPOSE_BYTES } from '../../core/compose/load';
import { parseComposeFile } from '../../core/compose/parse-file';
import { decidedByCompose } from '../../core/validation/compose-decides';
import { envValues, readEnvFile } from '../../core/envfile';
import { crucibleCeProfile } from '../../core/stack';
import { checkEnv, composeRequiredVariables, environmentOf, exitCodeFor } from '../../core/validation';
import { UsageError, writeJson, type Command } from '../command';

const MARK: Record<Finding['severity'], string> = { critical: '✗', error: '✗', warning: '!', info: '·' };

export const checkEnvCommand: Command = {
  name: 'check-env',
  summary: 'Check a .env against the Crucible CE rules (exit 0 clean, 1 warnings, 2 errors)',
  usage: `crucible-secrets check-env FILE|ssh://[user@]host[:port]/path/.env [--environment production|staging|development] [--json]

Parses FILE the way docker compose v2 does, notes where python-dotenv (the dev api) reads it differently,
and checks it against Crucible's own validation rules for the environment plus the security guide's
stricter ones: missing and empty secrets, weak or default values, the "admin" password, a plain-text login
password, unquoted "$" that compose eats, one value reused by two secrets, localhost or http:// origins in
production, wildcard origins, low-entropy secrets, values Crucible's settings cannot parse, duplicated and
unknown keys. Variables the compose files next to FILE require with \${VAR:?} must be set. Findings never
contain a secret value. A finding Crucible would start with says so ("Crucible would start, but …").

--environment defaults to what the file's ROUNDTABLE_ENVIRONMENT says (production, staging, else development).`,
  exitCodes: { 0: 'no problems (notes only)', 1: 'warnings', 2: 'errors', 65: 'the file cannot be read' },
  options: { environment: { type: 'string', short: 'e' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one .env file');
    const file = positionals[0] ?? '';
    let environment: Environment | undefined;
    if (values.environment !== undefined) {
      const e = Environment.safeParse(values.environment);
      if (!e.success) throw new UsageError('--environment must be production, staging or development');
      environment = e.data;
    }
    const { doc, composeTexts } = file.startsWith('ssh://')
      ? await readOnServer(io.core(), file)
      : await readHere(file);
    const env = environment ?? environmentOf(doc);
    const composeRequired = composeRequiredVariables(composeTexts.map((c) => c.text));
    const all = withComposeVerdicts(
      checkEnv(doc, { profile: crucibleCeProfile, environment: env, file: basename(file), composeRequired }),
      composeTexts,
      envValues(doc),
    );
    const code = exitCodeFor(all);
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of all) counts[f.severity === 'critical' ? 'error' : f.severity]++;
    // At most 25 findings per code are listed; the rest are one "N more" summary (text and JSON alike).
    const { findings, omitted } = capFindings(all);
    if (values.json) {
      writeJson(io, { file: basename(file), environment: env, exitCode: code, counts, findings, omitted });
      return code;
    }
    for (const f of findings) {
      const where = f.line !== undefined ? `line ${f.line}` : 'file';
      const start = f.blocksStart === true ? ' (Crucible will not start)' : '';
      io.stdout.write(
        `${MARK[f.severity]} ${f.severity.padEnd(7)} ${where.padEnd(9)} ${cliText(f.title)}${start}  [${f.code}]\n    ${cliText(f.message)}\n    → ${cliText(f.howToFix)}\n`,
      );
    }
    io.stdout.write(
      `\n${basename(file)} as ${env}: ${counts.error} errors, ${counts.warning} warnings, ${counts.info} notes.\n`,
    );
    return code;
  },
};

async function readHere(file: string): Promise<{ doc: EnvDoc; composeTexts: ComposeText[] }> {
  const { doc } = await readEnvFile(file);
  return {
    doc,
    composeTexts: await composeTextsBeside(localFolderReader(dirname(file), { gitBinary: null }), envValues(doc)),
  };
}

/**
 * A `.env` on a server (`ssh://[user@]host[:port]/path/.env`), read through the admin's OpenSSH, with the
 * compose files beside it there.
 * @throws AppError HOST_* (unreachable, host key), ENV_FILE_NOT_FOUND
 */
async function readOnServer(core: CoreServices, file: string): Promise<{ doc: EnvDoc; composeTexts: ComposeText[] }> {
  const loc = parseLocation(file, '/');
  const host = core.openHost(loc);
  try {
    const r = await readEnvOnHost(host, loc.path);
    if (r === null)
      throw new AppError('ENV_FILE_NOT_FOUND', `${posix.basename(loc.path)} does not exist on ${host.label}.`);
    const folder = posix.dirname(loc.path);
    return {
      doc: r.doc,
      composeTexts: await composeTextsBeside(hostFolderReader(host, folder, folder), envValues(r.doc)),
    };
  } finally {
    await host.close();
  }
}

/**
 * The compose files compose would read beside the `.env` (compose/load.ts decides which: COMPOSE_FILE, else
 * the default file and its override), here or on a server. None is fine: check-env then judges the file
 * alone. Unreadable or oversized files are skipped; the audit reports them.
 */
async function composeTextsBeside(reader: FolderReader, values: ReadonlyMap<string, string>): Promise<ComposeText[]> {
  let files: string[];
  try {
    files = await discoverComposeFiles(reader, { lookup: (n) => values.get(n) });
  } catch {
    return [];
  }
  const texts: ComposeText[] = [];
  for (const f of files) {
    try {
      texts.push({ file: f, text: await reader.readText(f, 'compose', MAX_COMPOSE_BYTES) });
    } catch {
      /* unreadable: the audit reports it */
    }
  }
  return texts;
}

interface ComposeText {
  file: string;
  text: string;
}

/**
 * With the compose files beside the `.env` read, they decide which variables have no effect
 * (validation/compose-decides.ts), as in the audit; without them (or when they do not parse), the profile's
 * judgement stands.
 */
function withComposeVerdicts(
  findings: Finding[],
  compose: readonly ComposeText[],
  values: ReadonlyMap<string, string>,
): Finding[] {
  if (compose.length === 0) return findings;
  try {
    const parsed = compose.map((c) => parseComposeFile(c.text, c.file, '/', (n) => values.get(n)));
    return decidedByCompose(findings, composeProjectFromParsed('/', parsed), values, crucibleCeProfile);
  } catch {
    return findings;
  }
}
