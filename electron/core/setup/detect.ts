import { execFile } from 'node:child_process';
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { DeploymentHost } from '../host/host';
import { AppError } from '../../common/errors';
import { sha256 } from '../fs/atomic-write';
import { DEFAULT_COMPOSE_FILES, OVERRIDE_COMPOSE_FILES, PROD_COMPOSE_FILES } from '../compose/file-names';

/**
 * Step 1 of the setup wizard: what the chosen folder already holds. Read-only; nothing here writes.
 * Everything returned is a fact about files (names, sizes, modes, git status), never a value from `.env`.
 */

/** A `.env` larger than this is not a dotenv file; refuse to read it rather than hold megabytes in memory. */
export const MAX_ENV_BYTES = 1024 * 1024;

export interface ComposeFileFact {
  name: string;
  role: 'default' | 'override' | 'production';
  sha256: string;
  text: string;
}

export interface FolderFacts {
  folder: string;
  composeFiles: ComposeFileFact[];
  env: { exists: false } | { exists: true; bytes: number; mode: number; sha256: string; text: string };
  gitignore: { exists: boolean; sha256: string | null; text: string | null; coversEnv: boolean };
  git: { isRepo: boolean; envTracked: boolean; gitAvailable: boolean };
}

export type GitRunner = (folder: string, args: string[]) => Promise<{ code: number; stdout: string }>;

/** Runs git with no shell, a short timeout and no user config that could run hooks or pagers. */
export const runGit: GitRunner = (folder, args) =>
  new Promise((resolve) => {
    execFile(
      'git',
      ['-C', folder, ...args],
      { timeout: 5000, env: { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } },
      (err, stdout) => {
        if (!err) return resolve({ code: 0, stdout });
        const e = err as NodeJS.ErrnoException & { code?: number | string };
        resolve({ code: e.code === 'ENOENT' ? -1 : typeof e.code === 'number' ? e.code : 1, stdout: stdout || '' });
      },
    );
  });

async function regularFile(path: string): Promise<{ size: number; mode: number } | null> {
  try {
    const st = await lstat(path);
    if (st.isSymbolicLink()) {
      throw new AppError(
        'SETUP_SYMLINK_REFUSED',
        `${path.split(/[\\/]/).pop() ?? path} in the chosen folder is a symbolic link. The app only reads and writes regular files there; replace the link with the file itself.`,
      );
    }
    return st.isFile() ? { size: st.size, mode: st.mode & 0o777 } : null;
  } catch (e) {
    if (e instanceof AppError) throw e;
    return null;
  }
}

/**
 * Whether a `.gitignore` text ignores `.env` at the folder's root, for folders that are not git
 * repositories (in a repository `git check-ignore` answers instead). Understands the usual forms:
 * `.env`, `/.env`, `.env*`, `*.env`, `**\/.env`, and a later `!.env` re-including it.
 */
export function gitignoreCoversEnv(text: string): boolean {
  let ignored = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pat = (negate ? line.slice(1) : line).replace(/^\*\*\//, '').replace(/^\//, '');
    if (pat.endsWith('/')) continue; // directories only
    const rx = new RegExp(
      '^' +
        pat
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]*') +
        '$',
    );
    if (rx.test('.env')) ignored = !negate;
  }
  return ignored;
}

/** How detection reads a folder: this computer's filesystem, or a server's through its host. */
interface FolderIo {
  /** A regular file's size and mode; null when absent or not a file. @throws SETUP_SYMLINK_REFUSED */
  regularFile(path: string): Promise<{ size: number; mode: number } | null>;
  read(path: string): Promise<Buffer>;
  git(args: string[]): Promise<{ code: number; stdout: string }>;
}

/**
 * Reads what the folder holds.
 * @throws AppError SETUP_NOT_A_FOLDER when the path is not a folder; SETUP_SYMLINK_REFUSED when `.env`,
 *   a compose file or `.gitignore` is a symbolic link; SETUP_ENV_TOO_LARGE; SETUP_NO_COMPOSE when no
 *   compose file is there (this is not a Crucible checkout).
 */
export async function detectFolder(chosen: string, git: GitRunner = runGit): Promise<FolderFacts> {
  let folder: string;
  try {
    folder = await realpath(chosen);
    if (!(await stat(folder)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new AppError(
      'SETUP_NOT_A_FOLDER',
      'The chosen path is not a folder that can be read. Choose the folder of your Crucible checkout.',
    );
  }
  return detectWith(folder, { regularFile, read: (p) => readFile(p), git: (args) => git(folder, args) });
}

/**
 * The same, for a folder on a server: files through the host (regular files only, size-capped there), git
 * run there. `folder` is the absolute path on the server.
 * @throws the same as {@link detectFolder}, and HOST_* when the server cannot be reached
 */
export async function detectFolderOnHost(host: DeploymentHost, folder: string): Promise<FolderFacts> {
  const st = await host.stat(folder);
  if (st?.kind !== 'dir')
    throw new AppError(
      'SETUP_NOT_A_FOLDER',
      `${folder} on ${host.label} is not a folder that can be read. Give the folder of the Crucible checkout on the server.`,
    );
  return detectWith(folder, {
    regularFile: async (path) => {
      const f = await host.stat(path);
      if (f?.kind === 'symlink')
        throw new AppError(
          'SETUP_SYMLINK_REFUSED',
          `${posix.basename(path)} on ${host.label} is a symbolic link. The app only reads and writes regular files there; replace the link with the file itself.`,
        );
      return f?.kind === 'file' ? { size: f.size, mode: f.mode & 0o777 } : null;
    },
    read: (path) => host.readFile(path, { maxBytes: MAX_ENV_BYTES * 4 }),
    git: async (args) => {
      const r = await host.run(['git', '-C', folder, ...args], {
        env: { GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' },
        timeoutMs: 10_000,
      });
      return { code: r.code === 127 ? -1 : r.code, stdout: r.stdout };
    },
  });
}

async function detectWith(folder: string, io: FolderIo): Promise<FolderFacts> {
  const composeFiles: ComposeFileFact[] = [];
  const groups: Array<[readonly string[], ComposeFileFact['role']]> = [
    [DEFAULT_COMPOSE_FILES, 'default'],
    [OVERRIDE_COMPOSE_FILES, 'override'],
    [PROD_COMPOSE_FILES, 'production'],
  ];
  for (const [names, role] of groups) {
    for (const name of names) {
      const f = await io.regularFile(join(folder, name));
      if (!f) continue;
      const text = (await io.read(join(folder, name))).toString('utf8');
      composeFiles.push({ name, role, sha256: sha256(text), text });
    }
  }
  if (composeFiles.length === 0) {
    throw new AppError(
      'SETUP_NO_COMPOSE',
      'This folder holds no docker-compose.yml or compose.yaml, so it is not a Crucible checkout. Choose the folder you cloned Crucible into.',
    );
  }

  let env: FolderFacts['env'] = { exists: false };
  const envStat = await io.regularFile(join(folder, '.env'));
  if (envStat) {
    if (envStat.size > MAX_ENV_BYTES)
      throw new AppError(
        'SETUP_ENV_TOO_LARGE',
        'The existing .env is larger than 1 MB, which no Crucible .env is. Move it aside and start again.',
      );
    const bytes = await io.read(join(folder, '.env'));
    env = {
      exists: true,
      bytes: bytes.length,
      mode: envStat.mode,
      sha256: sha256(bytes),
      text: bytes.toString('utf8'),
    };
  }

  const giStat = await io.regularFile(join(folder, '.gitignore'));
  const giText = giStat ? (await io.read(join(folder, '.gitignore'))).toString('utf8') : null;

  const repo = await io.git(['rev-parse', '--is-inside-work-tree']);
  const gitAvailable = repo.code !== -1;
  const isRepo = repo.code === 0 && repo.stdout.trim() === 'true';
  let envTracked = false;
  let coversEnv = giText !== null && gitignoreCoversEnv(giText);
  if (isRepo) {
    envTracked = (await io.git(['ls-files', '--error-unmatch', '--', '.env'])).code === 0;
    // git knows every ignore source (nested .gitignore, info/exclude, core.excludesFile); trust it.
    coversEnv = (await io.git(['check-ignore', '-q', '--no-index', '--', '.env'])).code === 0;
  }

  return {
    folder,
    composeFiles,
    env,
    gitignore: { exists: giText !== null, sha256: giText === null ? null : sha256(giText), text: giText, coversEnv },
    git: { isRepo, envTracked, gitAvailable },
  };
}
