import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../common/errors';

/**
 * The previous versions of the files the app replaces in a deployment (`.env`, compose files, `.gitignore`).
 * They are kept under the app's own folder, `<app home>/previous/<deployment id>/`, never beside the file:
 * a copy of `.env` in the deployment folder is a plaintext secret that `.gitignore` may not cover (and on a
 * server it would stay there after the app is gone). The same place serves a deployment here and on a server.
 *
 * Policy: the newest {@link KEEP_PER_FILE} copies of each file are kept; the oldest go when a new one is added.
 * The Secrets page and `crucible-secrets secrets previous` list them and put one back.
 */

/** How many previous versions of one file are kept. */
export const KEEP_PER_FILE = 20;

export interface PreviousVersion {
  /** The copy's file name in the folder, e.g. `.env.20261206T101500123Z`: the id used to put it back. */
  id: string;
  /** The file it is a previous version of, e.g. `.env`. */
  of: string;
  /** When it was replaced (ISO 8601, UTC). */
  takenAt: string;
  size: number;
}

/** `<app home>/previous/<deployment id>`. */
export function previousVersionsFolder(home: string, deploymentId: string): string {
  return join(home, 'previous', deploymentId);
}

/** `2026-12-06T10:15:00.123Z` → `20261206T101500123Z`: sortable, and safe in file names on every OS. */
function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.(\d{3})Z$/, '$1Z');
}

const STAMPED = /^(.+)\.(\d{8}T\d{9}Z)(?:-(\d+))?$/;

function parseId(id: string): { of: string; takenAt: string } | null {
  const m = STAMPED.exec(id);
  if (!m?.[1] || !m[2]) return null;
  const s = m[2];
  const takenAt = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
  return { of: m[1], takenAt };
}

async function ensureFolder(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await fsp.lstat(dir);
  if (!st.isDirectory())
    throw new AppError(
      'PREVIOUS_FOLDER_INVALID',
      `${dir} (where previous versions are kept) is not a folder. Move it away; nothing was written.`,
    );
  await fsp.chmod(dir, 0o700);
}

/**
 * Keeps `bytes` as the newest previous version of `name` in `dir` (0600 in a 0700 folder, fsynced, never
 * overwriting another copy), then drops the oldest beyond {@link KEEP_PER_FILE}.
 * @returns the copy's path
 * @throws AppError PREVIOUS_KEEP_FAILED (nothing else was written), PREVIOUS_FOLDER_INVALID
 */
export async function keepPreviousVersion(
  dir: string,
  name: string,
  bytes: string | Uint8Array,
  clock: () => Date = () => new Date(),
): Promise<string> {
  try {
    await ensureFolder(dir);
    const base = `${name}.${stamp(clock())}`;
    for (let i = 0; ; i++) {
      const target = join(dir, i === 0 ? base : `${base}-${String(i)}`);
      let fh: fsp.FileHandle;
      try {
        fh = await fsp.open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST' && i < 100) continue;
        throw e;
      }
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } catch (e) {
        await fh.close().catch(() => undefined);
        // A part-written copy (disk full…) must not stay listed and be offered to be put back.
        await fsp.rm(target, { force: true }).catch(() => undefined);
        throw e;
      }
      await fh.close();
      await fsp.chmod(target, 0o600);
      await prune(dir, name);
      return target;
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError(
      'PREVIOUS_KEEP_FAILED',
      `Could not keep the previous version of ${name} in ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'}). Nothing was written.`,
    );
  }
}

/** The previous versions kept in `dir`, newest first (none when the folder does not exist). */
export async function listPreviousVersions(dir: string): Promise<PreviousVersion[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: PreviousVersion[] = [];
  for (const id of names) {
    const parsed = parseId(id);
    if (!parsed) continue;
    const st = await fsp.lstat(join(dir, id)).catch(() => null);
    if (!st?.isFile()) continue;
    out.push({ id, of: parsed.of, takenAt: parsed.takenAt, size: st.size });
  }
  return out.sort((a, b) => b.takenAt.localeCompare(a.takenAt) || b.id.localeCompare(a.id));
}

/**
 * Reads one kept version.
 * @throws AppError PREVIOUS_NOT_FOUND for an id that is not a kept version in `dir`
 */
export async function readPreviousVersion(
  dir: string,
  id: string,
): Promise<{ version: PreviousVersion; bytes: Buffer }> {
  const version = (await listPreviousVersions(dir)).find((v) => v.id === id);
  if (!version)
    throw new AppError(
      'PREVIOUS_NOT_FOUND',
      `No previous version ${JSON.stringify(id.slice(0, 80))} is kept for this deployment. List them with \`crucible-secrets secrets previous\`.`,
    );
  return { version, bytes: await fsp.readFile(join(dir, version.id)) };
}

async function prune(dir: string, name: string): Promise<void> {
  const mine = (await listPreviousVersions(dir)).filter((v) => v.of === name);
  for (const old of mine.slice(KEEP_PER_FILE)) await fsp.unlink(join(dir, old.id)).catch(() => undefined);
}
