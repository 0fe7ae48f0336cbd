import { lstat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError } from '../../common/errors';
import { sha256, writeFileAtomic } from '../fs/atomic-write';
import { readBoundedText } from '../fs/read-bounded';
import { assertWritableTargets } from '../fs/write-set';
import { keepPreviousVersion } from '../fs/previous-versions';
import { bindPortToLoopback, replaceEnvironmentValue, unifiedDiff } from '../compose/yaml-edit';
import { isLoopback } from '../compose/ports';
import { parseComposeFile, type ParsedComposeFile } from '../compose/parse-file';
import { referencedVariables } from '../compose/interpolate';
import { redactDiff, type DiffSecrets } from '../compose/redact-diff';
import { diffSecretNames, secretVariablesFrom } from '../audit/secret-variables';
import { envValues, parseEnv, readEnvFile } from '../envfile';
import type { FolderReader } from '../fs/folder-reader';
import type { StackProfile } from '../stack/profile';
import { frontDoorComposeFiles } from './compose-facts';

/**
 * The compose changes that go with the front door, planned as a diff per file and applied only as
 * previewed (issue 11 §2). Edits use the audit's comment-preserving YAML edits, so every other byte of the
 * admin's file stays as written:
 * - the api and frontend ports bound to 127.0.0.1 (the proxy on this host still reaches them);
 * - the api's hard-coded `ROUNDTABLE_CORS_ORIGINS` replaced by a reference to `.env` defaulting to the origin;
 * - the frontend's runtime `NEXT_PUBLIC_API_URL` set to the public https origin.
 */

export interface ComposeFileChange {
  /** Relative to the deployment folder. */
  file: string;
  changes: string[];
  /** For display: secrets on its context lines are withheld (compose/redact-diff.ts). */
  diff: string;
  /** Identifies exactly this change; apply refuses another. */
  token: string;
  before: string;
  after: string;
  mode: number;
}

export interface ComposeChangePlan {
  files: ComposeFileChange[];
  notes: string[];
}

const WEB_SERVICES = ['api', 'frontend'] as const;

async function readCompose(folder: string | FolderReader, file: string): Promise<{ text: string; mode: number }> {
  if (typeof folder !== 'string') {
    // On a server: the host refuses a link, FIFO or oversized file there (it reads regular files only).
    return { text: await folder.readText(file, 'compose'), mode: (await folder.mode(file)) ?? 0o644 };
  }
  const path = join(folder, file);
  const st = await lstat(path);
  if (st.isSymbolicLink())
    throw new AppError(
      'FS_SYMLINK_REFUSED',
      `${file} is a symbolic link; the app only changes regular files. Replace the link with the file itself.`,
    );
  // Bounded and type-checked (read-bounded.ts): a FIFO or an oversized file is refused, not read.
  return { text: await readBoundedText(path, 'compose'), mode: st.mode & 0o777 };
}

/** One file as compose reads it (compose/parse-file.ts): its services' ports and environment entries as written. */
function parsedFile(file: string, text: string): ParsedComposeFile {
  try {
    return parseComposeFile(text, file, '/', () => undefined);
  } catch (e) {
    if (e instanceof AppError && e.code === 'COMPOSE_YAML_INVALID')
      throw new AppError(
        'COMPOSE_YAML_INVALID',
        `${file} is not valid YAML; fix it before applying the front-door changes.`,
      );
    throw e;
  }
}

/** An `environment:` entry of a service as written (`raw`: null for a bare `- NAME`), or absent. */
function envEntry(
  file: string,
  text: string,
  service: string,
  variable: string,
): { present: boolean; value: string | null } {
  const entry = parsedFile(file, text)
    .services.find((s) => s.name === service)
    ?.environment.get(variable);
  return entry === undefined ? { present: false, value: null } : { present: true, value: entry.raw };
}

function planText(file: string, text: string, origin: string): { after: string; changes: string[] } {
  const parsed = parsedFile(file, text);
  let after = text;
  const changes: string[] = [];
  for (const service of WEB_SERVICES) {
    // Ports compose refuses are not in the model: an invalid entry is the audit's business.
    for (const port of parsed.services.find((s) => s.name === service)?.ports ?? []) {
      if (isLoopback(port.hostIp)) continue;
      after = bindPortToLoopback(after, service, port.index);
      changes.push(`${service}: bind port ${port.raw} to 127.0.0.1`);
    }
  }
  const cors = envEntry(file, after, 'api', 'ROUNDTABLE_CORS_ORIGINS');
  if (cors.present && (cors.value === null || !referencedVariables(cors.value).includes('ROUNDTABLE_CORS_ORIGINS'))) {
    after = replaceEnvironmentValue(after, 'api', 'ROUNDTABLE_CORS_ORIGINS', `\${ROUNDTABLE_CORS_ORIGINS:-${origin}}`);
    changes.push(`api: take ROUNDTABLE_CORS_ORIGINS from .env (default ${origin}) instead of the hard-coded value`);
  }
  const apiUrl = envEntry(file, after, 'frontend', 'NEXT_PUBLIC_API_URL');
  if (
    apiUrl.present &&
    apiUrl.value !== null &&
    referencedVariables(apiUrl.value).length === 0 &&
    apiUrl.value !== `${origin}/api`
  ) {
    after = replaceEnvironmentValue(after, 'frontend', 'NEXT_PUBLIC_API_URL', `${origin}/api`);
    changes.push(`frontend: NEXT_PUBLIC_API_URL=${origin}/api`);
  }
  return { after, changes };
}

/**
 * What a diff of this folder's compose files must not show: the profile's secret names, and the secret
 * values of its `.env` when it can be read (a missing or unreadable `.env` leaves the names, which catch
 * literals on secret variables, and the URL-password net).
 */
async function diffSecretsOf(folder: string | FolderReader, profile: StackProfile): Promise<DiffSecrets> {
  const secret = secretVariablesFrom(profile.variables).secret;
  const names = [...secret, ...diffSecretNames(profile.variables)];
  try {
    const values = envValues(
      typeof folder === 'string'
        ? (await readEnvFile(join(folder, '.env'))).doc
        : parseEnv(await folder.readText('.env', 'env')),
    );
    return { names, values: [...secret].map((n) => values.get(n)).filter((v): v is string => v !== undefined) };
  } catch {
    return { names };
  }
}

/**
 * Plans the changes for every compose file read (`recorded`, else all in the folder) that defines the api or frontend. Each diff is
 * redacted: its context lines are the api's `environment:` block, where secrets may be hard-coded.
 * @throws AppError COMPOSE_YAML_INVALID, COMPOSE_EDIT_FAILED (from the YAML editor), FS_SYMLINK_REFUSED.
 */
export async function planComposeChanges(
  folder: string | FolderReader,
  origin: string,
  profile: StackProfile,
  recorded: readonly string[] = [],
): Promise<ComposeChangePlan> {
  const files: ComposeFileChange[] = [];
  let secrets: DiffSecrets | null = null;
  // A registered deployment's recorded compose files (the ones it runs with), else every one in the folder.
  for (const file of await frontDoorComposeFiles(folder, recorded)) {
    const { text, mode } = await readCompose(folder, file);
    const { after, changes } = planText(file, text, origin);
    if (changes.length === 0) continue;
    secrets ??= await diffSecretsOf(folder, profile);
    files.push({
      file,
      changes,
      diff: redactDiff(unifiedDiff(file, text, after), secrets),
      token: sha256(`${file}|${text}|${after}`),
      before: text,
      after,
      mode,
    });
  }
  const notes = [
    'Apply with `docker compose up -d` (a restart does not pick up compose changes).',
    'The browser-side API URL is baked into the frontend image at build time: rebuild the frontend with --build-arg NEXT_PUBLIC_API_URL=' +
      `${origin}/api` +
      ' (the build.args entry is not changed here).',
    'After binding to 127.0.0.1, the api and frontend are reachable only from this host: through the proxy, or http://localhost on the server itself.',
  ];
  return { files, notes };
}

/**
 * Applies the planned changes of the files named in `tokens`, exactly as previewed. Every token is checked
 * against a fresh plan and every target checked before anything is written; each file is then replaced
 * atomically (backup kept), and a failure puts back the files already replaced.
 * @throws AppError FIX_STALE when a file changed since the preview (nothing written); FS_SYMLINK_REFUSED /
 *   FS_NOT_A_FILE (nothing written); FS_CHANGED_ON_DISK / FS_WRITE_FAILED from the atomic write (undone).
 */
export async function applyComposeChanges(
  folder: string,
  origin: string,
  tokens: Record<string, string>,
  keepIn: string,
  profile: StackProfile,
  recorded: readonly string[] = [],
): Promise<AppliedComposeChange[]> {
  const plan = await planComposeChanges(folder, origin, profile, recorded);
  const chosen = Object.entries(tokens).map(([file, token]) => {
    const p = plan.files.find((f) => f.file === file);
    if (p?.token !== token)
      throw new AppError(
        'FIX_STALE',
        `${file} changed since the preview (or needs no change now); nothing was written. Look at the new preview and apply again.`,
      );
    return p;
  });
  if (chosen.length === 0) throw new AppError('FIX_NOTHING_TO_DO', 'No compose change was selected.');
  // All or nothing across the files: every target checked first, and the files already replaced are put
  // back (from the kept previous version) when a later one fails.
  await assertWritableTargets(chosen.map((p) => join(folder, p.file)));
  const out: AppliedComposeChange[] = [];
  try {
    for (const p of chosen) {
      // The previous version goes under the app home (fs/previous-versions.ts), not beside the file.
      const kept = await keepPreviousVersion(keepIn, basename(p.file), p.before);
      await writeFileAtomic(join(folder, p.file), p.after, {
        expectedSha256: sha256(p.before),
        mode: p.mode,
        keepPrevious: false,
      });
      out.push({ file: p.file, backupPath: kept, before: p.before, after: p.after, mode: p.mode });
    }
  } catch (e) {
    await undoComposeChanges(folder, out);
    throw e;
  }
  return out;
}

/** A compose file replaced by {@link applyComposeChanges}: enough to put it back as it was. */
export interface AppliedComposeChange {
  file: string;
  /** The kept previous version under the app home. */
  backupPath: string | null;
  before: string;
  after: string;
  mode: number;
}

/**
 * Puts back compose files replaced by {@link applyComposeChanges}, each only if it is still as written
 * (best effort; returns whether all are back).
 */
export async function undoComposeChanges(folder: string, applied: readonly AppliedComposeChange[]): Promise<boolean> {
  let all = true;
  for (const a of [...applied].reverse()) {
    const back = await writeFileAtomic(join(folder, a.file), a.before, {
      expectedSha256: sha256(a.after),
      mode: a.mode,
      keepPrevious: false,
    }).then(
      () => true,
      () => false,
    );
    all = back && all;
  }
  return all;
}
