import { execFile } from 'node:child_process';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../common/errors';
import { discoverComposeFiles, loadComposeProject } from '../compose/load';
import { readBoundedText, type ReadKind } from '../fs/read-bounded';
import type { AuditContext, AuditTarget, EnvSnapshot, FileMode, FilesSnapshot, GitFacts, OtherDeployment } from './types';
import { readEnvValues, type EnvReader } from './env-adapter';
import { secretFingerprints } from './fingerprint';
import { createOtherFingerprints, type OtherFingerprints } from './other-fingerprints';
import { ROTATION_LEFTOVER } from './gitignore';

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
  readEnv?: EnvReader;
  /** Other deployments to compare secrets with. */
  others?: AuditTarget[];
  /** Where their fingerprints come from: the audit service keeps one cache per process; none = read afresh. */
  otherFingerprints?: OtherFingerprints;
  /** `git`, or null to skip the git checks (tests, machines without git). */
  gitBinary?: string | null;
  platform?: NodeJS.Platform;
}

export const MAX_ENV_BYTES = 1024 * 1024;

/**
 * A file of the deployment folder, or null when it does not exist. A link, FIFO, device or oversized file
 * planted in its place is refused with an error naming the cap (read-bounded.ts): reading it would hang or
 * take the memory, and calling it "missing" would hide the problem.
 */
async function readSmall(path: string, kind: ReadKind): Promise<string | null> {
  try {
    return await readBoundedText(path, kind, { maxBytes: kind === 'env' ? MAX_ENV_BYTES : undefined });
  } catch (e) {
    if (e instanceof AppError && e.code === 'FILE_NOT_FOUND') return null;
    throw e;
  }
}

export async function readEnvSnapshot(folder: string, deps: Pick<ContextDeps, 'fingerprintKey' | 'secretVariables' | 'readEnv'>): Promise<EnvSnapshot> {
  const text = await readSmall(join(folder, '.env'), 'env');
  const values = text === null ? new Map<string, string>() : (deps.readEnv ?? readEnvValues)(text);
  return { file: '.env', exists: text !== null, text, values, fingerprints: secretFingerprints(deps.fingerprintKey, deps.secretVariables, values) };
}

function git(bin: string, cwd: string, args: string[]): Promise<{ code: number; stdout: string } | null> {
  return new Promise((resolve) => {
    execFile(bin, ['-C', cwd, ...args], { timeout: 5000, maxBuffer: 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } }, (err, stdout) => {
      if (err && typeof err.code !== 'number') return resolve(null); // not installed, timed out
      resolve({ code: err ? Number(err.code) : 0, stdout });
    });
  });
}

async function gitFacts(bin: string, folder: string, backups: string[]): Promise<GitFacts | null> {
  const top = await git(bin, folder, ['rev-parse', '--is-inside-work-tree']);
  if (top === null) return null;
  if (top.code !== 0 || top.stdout.trim() !== 'true') return { repo: false, tracked: [], envIgnored: false, backupIgnored: false };
  const probe = backups[0] ?? '.env.bak-20260101T000000000Z';
  const [ls, ign, ignB] = await Promise.all([
    git(bin, folder, ['ls-files', '-z', '--', '.env', '.env.bak-*', '.env.*']),
    git(bin, folder, ['check-ignore', '--no-index', '-q', '--', '.env']),
    git(bin, folder, ['check-ignore', '--no-index', '-q', '--', probe]),
  ]);
  const tracked = (ls?.stdout ?? '').split('\0').filter((s) => s === '.env' || s.startsWith('.env.bak-') || (s.startsWith('.env.') && s !== '.env.example'));
  return { repo: true, tracked, envIgnored: ign?.code === 0, backupIgnored: ignB?.code === 0 };
}

async function modeOf(path: string, platform: NodeJS.Platform): Promise<number | null> {
  if (platform === 'win32') return null;
  try {
    return (await lstat(path)).mode & 0o777;
  } catch {
    return null;
  }
}

export async function readFilesSnapshot(folder: string, deps: Pick<ContextDeps, 'gitBinary' | 'platform'>): Promise<FilesSnapshot> {
  const platform = deps.platform ?? process.platform;
  const names = await readdir(folder).catch(() => {
    throw new AppError('AUDIT_FOLDER_UNREADABLE', 'The deployment folder cannot be read. Check that it still exists and that you may read it.');
  });
  const backups = names.filter((n) => n.startsWith('.env.bak-')).sort();
  const modes: FileMode[] = [];
  for (const f of ['.env', ...backups]) {
    if (f === '.env' && !names.includes('.env')) continue;
    modes.push({ file: f, mode: await modeOf(join(folder, f), platform) });
  }
  const inBuildContext: string[] = [];
  for (const dir of ['service', 'frontend']) {
    const inner = await readdir(join(folder, dir)).catch(() => [] as string[]);
    for (const n of inner) if (n === '.env' || (n.startsWith('.env.') && n !== '.env.example')) inBuildContext.push(`${dir}/${n}`);
  }
  const gitignoreText = await readSmall(join(folder, '.gitignore'), 'gitignore');
  const bin = deps.gitBinary === undefined ? 'git' : deps.gitBinary;
  return {
    gitignore: { exists: gitignoreText !== null, text: gitignoreText },
    git: bin === null ? null : await gitFacts(bin, folder, backups),
    modes,
    inBuildContext,
    leftovers: names.filter((n) => ROTATION_LEFTOVER.test(n)).sort(),
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
  const files = await readFilesSnapshot(target.folder, deps);
  const env = await readEnvSnapshot(target.folder, deps);
  const lookup = (name: string) => env.values.get(name);
  let compose: AuditContext['compose'] = null;
  let composeError: AuditContext['composeError'] = null;
  try {
    const list = await discoverComposeFiles(target.folder, { explicit: target.composeFiles, lookup, platform });
    compose = await loadComposeProject(target.folder, list, lookup);
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
  return { target, env, compose, composeError, files, others, secretVariables: deps.secretVariables, requiredVariables: deps.requiredVariables, platform };
}
