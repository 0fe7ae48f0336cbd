import { cliText } from '../cli-text';
import { capFindings } from '../../common/model/cap-findings';
import { basename, dirname, posix } from 'node:path';
import { localFolderReader, type FolderReader } from '../../core/fs/folder-reader';
import type { EnvDoc } from '../../core/envfile';
import { isEnvironment, type Environment } from '../../common/model/environment';
import type { Finding } from '../../common/model/finding';
import { discoverComposeFiles, listComposeFiles, MAX_COMPOSE_BYTES } from '../../core/compose/discover';
import { envValues } from '../../core/envfile/parse';
import { readEnvDoc } from '../../core/envfile/read';
import { crucibleCeProfile } from '../../core/stack/crucible-ce';
import { checkEnv, environmentOf, exitCodeFor } from '../../core/validation';
import { UsageError, writeJson, type CliIO, type Command } from '../command';
import type { ComposeText } from './check-env-compose';

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
      if (typeof values.environment !== 'string' || !isEnvironment(values.environment))
        throw new UsageError('--environment must be production, staging or development');
      environment = values.environment;
    }
    const { doc, composeTexts } = file.startsWith('ssh://') ? await readThere(io, file) : await readHere(io, file);
    const env = environment ?? environmentOf(doc);
    // With compose files beside the .env, they add required variables and decide which have no effect (as in
    // the audit); their reader (the yaml library) is loaded only then: a lone .env is checked without it.
    const compose = composeTexts.length > 0 ? await import('./check-env-compose') : null;
    const composeRequired = compose?.requiredByCompose(composeTexts) ?? [];
    const judged = checkEnv(doc, {
      profile: crucibleCeProfile,
      environment: env,
      file: basename(file),
      composeRequired,
    });
    const all = compose ? compose.withComposeVerdicts(judged, composeTexts, envValues(doc), crucibleCeProfile) : judged;
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

async function readHere(io: CliIO, file: string): Promise<{ doc: EnvDoc; composeTexts: ComposeText[] }> {
  const { doc } = await readEnvDoc(file);
  const reader = localFolderReader(dirname(file), { gitBinary: null });
  return { doc, composeTexts: await composeTextsBeside(reader, envValues(doc), () => recorded(io, dirname(file))) };
}

/** The compose files the deployment registered at `dir` runs with ([] when none is): loaded only when needed. */
async function recorded(io: CliIO, dir: string): Promise<string[]> {
  const { recordedComposeFiles } = await import('./recorded-compose');
  return recordedComposeFiles(io, dir);
}

/**
 * A `.env` on a server, with the compose files beside it there (check-env-server.ts, loaded only for ssh://).
 * @throws AppError HOST_* (unreachable, host key), ENV_FILE_NOT_FOUND
 */
async function readThere(io: CliIO, file: string): Promise<{ doc: EnvDoc; composeTexts: ComposeText[] }> {
  const { readOnServer } = await import('./check-env-server');
  const { doc, beside } = await readOnServer(io.core(), file, (reader, d) =>
    composeTextsBeside(reader, envValues(d), () => recorded(io, posix.dirname(file))),
  );
  return { doc, composeTexts: beside };
}

/**
 * The compose files beside the `.env`, here or on a server: those a registered deployment runs with (recorded
 * at setup or with `compose-files`, as the audit reads them), else those compose would read
 * (compose/discover.ts: COMPOSE_FILE, else the default file and its override). None is fine: check-env then
 * judges the file alone, without reading the app's state. Unreadable or oversized files are skipped; the
 * audit reports them.
 */
async function composeTextsBeside(
  reader: FolderReader,
  values: ReadonlyMap<string, string>,
  recordedFiles: () => Promise<string[]>,
): Promise<ComposeText[]> {
  if ((await listComposeFiles(reader)).length === 0) return [];
  const explicit = await recordedFiles();
  let files: string[];
  try {
    files = await discoverComposeFiles(reader, {
      explicit: explicit.length > 0 ? explicit : undefined,
      lookup: (n) => values.get(n),
    });
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
