import { AppError } from '../../common/errors';
import { discoverComposeFiles, loadComposeProject } from '../compose/load';
import type { ReadKind } from '../fs/read-bounded';
import { localFolderReader, type FolderReader } from '../fs/folder-reader';
import type {
  AuditContext,
  AuditTarget,
  EnvSnapshot,
  FileMode,
  FilesSnapshot,
  GitFacts,
  OtherDeployment,
} from './types';
import { readEnvValues, type EnvReader } from './env-adapter';
import { secretFingerprints } from './fingerprint';
import { createOtherFingerprints, type OtherFingerprints } from './other-fingerprints';
import { PLAINTEXT_DUMP, ROTATION_LEFTOVER } from './gitignore';
import type { StackProfile } from '../stack/profile';

/**
 * Gathers everything the rules look at, once per audit: the `.env` values (in memory only), the merged
 * compose project, `.gitignore`, what git tracks and ignores, and the modes of `.env` and its backups.
 * Rules are then pure functions of this context, which keeps them table-testable.
 */

export interface ContextDeps {
  /** Key for the fingerprints of this run (random per process): equal values give equal fingerprints. */
  fingerprintKey: Buffer;
  secretVariables: ReadonlySet<string>;
  requiredVariables: ReadonlySet<string>;
  /** The stack profile the rules judge against (core/services.ts passes it in). */
  profile: StackProfile;
  readEnv?: EnvReader;
  /** Other deployments to compare secrets with. */
  others?: AuditTarget[];
  /** Where their fingerprints come from: the audit service keeps one cache per process; none = read afresh. */
  otherFingerprints?: OtherFingerprints;
  /** `git`, or null to skip the git checks (tests, machines without git). */
  gitBinary?: string | null;
  platform?: NodeJS.Platform;
  /** Reads a deployment on a server (host/folder-reader.ts); default this computer's folder. */
  reader?: FolderReader;
}

export const MAX_ENV_BYTES = 1024 * 1024;

/**
 * A file of the deployment folder, or null when it does not exist. A link, FIFO, device or oversized file
 * planted in its place is refused with an error naming the cap (read-bounded.ts): reading it would hang or
 * take the memory, and calling it "missing" would hide the problem.
 */
async function readSmall(reader: FolderReader, rel: string, kind: ReadKind): Promise<string | null> {
  try {
    return await reader.readText(rel, kind, kind === 'env' ? MAX_ENV_BYTES : undefined);
  } catch (e) {
    if (e instanceof AppError && e.code === 'FILE_NOT_FOUND') return null;
    throw e;
  }
}

/** The deployment's folder reader: the one given (a server's), else this computer's. */
function readerFor(folder: string, deps: Pick<ContextDeps, 'gitBinary' | 'platform' | 'reader'>): FolderReader {
  return deps.reader ?? localFolderReader(folder, { gitBinary: deps.gitBinary, platform: deps.platform });
}

export async function readEnvSnapshot(
  folder: string,
  deps: Pick<ContextDeps, 'fingerprintKey' | 'secretVariables' | 'readEnv' | 'reader'>,
): Promise<EnvSnapshot> {
  const text = await readSmall(readerFor(folder, deps), '.env', 'env');
  const values = text === null ? new Map<string, string>() : (deps.readEnv ?? readEnvValues)(text);
  return {
    file: '.env',
    exists: text !== null,
    text,
    values,
    fingerprints: secretFingerprints(deps.fingerprintKey, deps.secretVariables, values),
  };
}

async function gitFacts(reader: FolderReader, backups: string[]): Promise<GitFacts | null> {
  const top = await reader.git(['rev-parse', '--is-inside-work-tree']);
  if (top === null) return null;
  if (top.code !== 0 || top.stdout.trim() !== 'true')
    return { repo: false, tracked: [], envIgnored: false, backupIgnored: false };
  const probe = backups[0] ?? '.env.bak-20260101T000000000Z';
  const [ls, ign, ignB] = await Promise.all([
    reader.git(['ls-files', '-z', '--', '.env', '.env.bak-*', '.env.*']),
    reader.git(['check-ignore', '--no-index', '-q', '--', '.env']),
    reader.git(['check-ignore', '--no-index', '-q', '--', probe]),
  ]);
  const tracked = (ls?.stdout ?? '')
    .split('\0')
    .filter((s) => s === '.env' || s.startsWith('.env.bak-') || (s.startsWith('.env.') && s !== '.env.example'));
  return { repo: true, tracked, envIgnored: ign?.code === 0, backupIgnored: ignB?.code === 0 };
}

/** Dumps at the top of the folder and inside incident evidence folders (the runbook writes one there). */
async function plaintextDumps(reader: FolderReader, names: readonly string[]): Promise<string[]> {
  const out = names.filter((n) => PLAINTEXT_DUMP.test(n) && !ROTATION_LEFTOVER.test(n));
  for (const dir of names.filter((n) => n.startsWith('incident-evidence-'))) {
    const inner = await reader.list(dir).catch(() => []);
    for (const n of inner) if (PLAINTEXT_DUMP.test(n)) out.push(`${dir}/${n}`);
  }
  return out.sort();
}

export async function readFilesSnapshot(
  folder: string,
  deps: Pick<ContextDeps, 'gitBinary' | 'platform' | 'reader'>,
): Promise<FilesSnapshot> {
  const reader = readerFor(folder, deps);
  const names = await reader.list();
  const backups = names.filter((n) => n.startsWith('.env.bak-')).sort();
  const modes: FileMode[] = [];
  for (const f of ['.env', ...backups]) {
    if (f === '.env' && !names.includes('.env')) continue;
    modes.push({ file: f, mode: await reader.mode(f) });
  }
  const inBuildContext: string[] = [];
  for (const dir of ['service', 'frontend']) {
    const inner = await reader.list(dir);
    for (const n of inner)
      if (n === '.env' || (n.startsWith('.env.') && n !== '.env.example')) inBuildContext.push(`${dir}/${n}`);
  }
  const gitignoreText = await readSmall(reader, '.gitignore', 'gitignore');
  return {
    gitignore: { exists: gitignoreText !== null, text: gitignoreText },
    git: await gitFacts(reader, backups),
    modes,
    inBuildContext,
    leftovers: names.filter((n) => ROTATION_LEFTOVER.test(n)).sort(),
    plaintextDumps: await plaintextDumps(reader, names),
  };
}

/**
 * Builds the audit context of one deployment.
 * @throws AppError AUDIT_FOLDER_UNREADABLE when the folder cannot be listed; FILE_NOT_REGULAR / FILE_TOO_LARGE /
 *   FILE_READ_FAILED when `.env` or `.gitignore` is a link, pipe, device or over its cap. Compose problems (missing
 *   file, invalid YAML) do not throw: they become `composeError` and an audit finding.
 */
export async function buildAuditContext(target: AuditTarget, deps: ContextDeps): Promise<AuditContext> {
  const platform = deps.platform ?? process.platform;
  const reader = readerFor(target.folder, deps);
  const files = await readFilesSnapshot(target.folder, { ...deps, reader });
  const env = await readEnvSnapshot(target.folder, { ...deps, reader });
  const lookup = (name: string) => env.values.get(name);
  let compose: AuditContext['compose'] = null;
  let composeError: AuditContext['composeError'] = null;
  try {
    const list = await discoverComposeFiles(reader, { explicit: target.composeFiles, lookup, platform });
    compose = await loadComposeProject(reader, list, lookup);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    composeError = { code: e.code, message: e.message };
  }
  const source = deps.otherFingerprints ?? createOtherFingerprints({ ...deps, maxBytes: MAX_ENV_BYTES });
  const compared = (deps.others ?? []).filter((o) => o.id !== target.id && o.folder !== target.folder);
  const read = await Promise.all(compared.map((o) => source.of(o.folder).catch(() => null)));
  const others: OtherDeployment[] = [];
  compared.forEach((o, i) => {
    const fingerprints = read[i];
    if (fingerprints) others.push({ id: o.id, name: o.name, environment: o.environment, fingerprints });
  });
  return {
    target,
    env,
    compose,
    composeError,
    files,
    others,
    secretVariables: deps.secretVariables,
    requiredVariables: deps.requiredVariables,
    profile: deps.profile,
    platform,
  };
}
