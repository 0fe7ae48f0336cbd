import { basename, posix } from 'node:path';
import { AppError } from '../../common/errors';
import { readEnvOnHost, writeEnvOnHost } from '../../core/envfile/on-host';
import { sha256 } from '../../core/fs/atomic-write';
import { hostFolderReader } from '../../core/host/folder-reader';
import type { DeploymentHost } from '../../core/host/host';
import type { StackProfile } from '../../core/stack/profile';
import { applyEnvFollowUps, assertHttpsOrigin, ENV_ORIGIN_KEYS } from '../../core/proxy/env-apply';
import { keepPreviousVersion } from '../../core/fs/previous-versions';
import {
  applyComposeChanges,
  planComposeChanges,
  undoComposeChanges,
  type AppliedComposeChange,
} from '../../core/proxy/compose-changes';

/**
 * `proxy DIR … --apply-compose / --apply-env`: what the "HTTPS & network" page applies after its preview.
 * The compose change is planned, printed, then applied with the plan's own tokens (the core refuses a file
 * that changed in between); `.env` gets the follow-ups (frontend URL, CORS origin, API URL) atomically, the
 * previous file kept. Both or neither: a failed `.env` write puts the compose files back.
 */
export interface FrontDoorApplied {
  compose: Array<{ file: string; diff: string; backup: string | null }>;
  env: { changed: string[]; backup: string | null } | null;
}

/**
 * Applies what was asked and says what changed.
 * @throws AppError FIX_STALE (a compose file changed while planning), PROXY_BAD_URL, ENV_* and FS_* from the writes
 */
export async function applyFrontDoor(
  folder: string,
  origin: string,
  what: { compose: boolean; env: boolean },
  keepIn: string,
  profile: StackProfile,
  recorded: readonly string[] = [],
): Promise<FrontDoorApplied> {
  const result: FrontDoorApplied = { compose: [], env: null };
  let applied: AppliedComposeChange[] = [];
  if (what.compose) {
    const plan = await planComposeChanges(folder, origin, profile, recorded);
    // Nothing to change is a success here (the core refuses an empty selection, which the window never sends).
    applied =
      plan.files.length === 0
        ? []
        : await applyComposeChanges(
            folder,
            origin,
            Object.fromEntries(plan.files.map((f) => [f.file, f.token])),
            keepIn,
            profile,
            recorded,
          );
    result.compose = plan.files.map((f) => {
      const backup = applied.find((a) => a.file === f.file)?.backupPath ?? null;
      return { file: f.file, diff: f.diff, backup: backup === null ? null : basename(backup) };
    });
  }
  if (what.env) {
    try {
      const r = await applyEnvFollowUps(folder, origin, keepIn);
      result.env = { changed: r.changed, backup: r.backupName };
    } catch (e) {
      // All or nothing: the compose files changed above go back when .env cannot follow.
      await undoComposeChanges(folder, applied);
      throw e;
    }
  }
  return result;
}

/** The text the CLI prints for {@link applyFrontDoor}'s result. */
export function describeApplied(r: FrontDoorApplied, asked: { compose: boolean; env: boolean }): string {
  const lines: string[] = [];
  if (asked.compose) {
    if (r.compose.length === 0) lines.push('The compose files already match the front door; nothing was changed.');
    for (const c of r.compose)
      lines.push(`Applied to ${c.file}${c.backup ? ` (previous version kept as ${c.backup})` : ''}:`, c.diff);
  }
  if (asked.env && r.env) {
    lines.push(
      r.env.changed.length === 0
        ? '.env already has the front door’s values; nothing was changed.'
        : `.env updated: ${r.env.changed.join(', ')}${r.env.backup ? ` (previous version kept as ${r.env.backup})` : ''}.`,
    );
  }
  if (r.compose.length > 0 || (r.env?.changed.length ?? 0) > 0)
    lines.push('Apply it with `docker compose up -d` (never `restart`: it keeps the old values).');
  return `${lines.join('\n')}\n`;
}

/**
 * The same on a server: planned from the files there, written there atomically through the host (each
 * compose file only if it still is what was planned; `.env` through its own editor), previous versions kept
 * on this computer under `keepIn`. Both or neither: a failed `.env` write puts the compose files back.
 * @throws AppError HOST_FILE_CHANGED (a file changed since the plan; nothing written), PROXY_*, ENV_*, HOST_*
 */
export async function applyFrontDoorOnServer(
  host: DeploymentHost,
  path: string,
  origin: string,
  what: { compose: boolean; env: boolean },
  keepIn: string,
  profile: StackProfile,
  recorded: readonly string[] = [],
): Promise<FrontDoorApplied> {
  assertHttpsOrigin(origin);
  const result: FrontDoorApplied = { compose: [], env: null };
  const written: Array<{ file: string; before: string; after: string; mode: number }> = [];
  const undo = async () => {
    for (const w of [...written].reverse())
      await host
        .writeFileAtomic(posix.join(path, w.file), w.before, {
          mode: w.mode,
          expectedSha256: sha256(w.after),
          keepPreviousIn: null,
        })
        .catch(() => undefined);
  };
  if (what.compose) {
    const plan = await planComposeChanges(hostFolderReader(host, path, path), origin, profile, recorded);
    try {
      for (const f of plan.files) {
        const kept = await keepCopy(keepIn, f.file, f.before);
        await host.writeFileAtomic(posix.join(path, f.file), f.after, {
          mode: f.mode,
          expectedSha256: sha256(f.before),
          keepPreviousIn: null,
        });
        written.push({ file: f.file, before: f.before, after: f.after, mode: f.mode });
        result.compose.push({ file: f.file, diff: f.diff, backup: kept });
      }
    } catch (e) {
      await undo();
      throw e;
    }
  }
  if (what.env) {
    try {
      const envPath = posix.join(path, '.env');
      const current = await readEnvOnHost(host, envPath);
      if (current === null)
        throw new AppError(
          'PROXY_NO_ENV',
          `The folder on ${host.label} has no .env yet. Create it with the setup first; the origin values are then added to it.`,
        );
      const r = await writeEnvOnHost(
        host,
        envPath,
        ENV_ORIGIN_KEYS.map((key) => ({ op: 'set' as const, key, value: origin })),
        { expectedSha256: current.sha256, keepPreviousIn: keepIn, current },
      );
      result.env = { changed: [...ENV_ORIGIN_KEYS], backup: r.previousKeptAs };
    } catch (e) {
      await undo();
      throw e;
    }
  }
  return result;
}

/** A 0600 copy of a file's previous text here, under the app home; its path. */
function keepCopy(folder: string, file: string, text: string): Promise<string> {
  return keepPreviousVersion(folder, basename(file), text);
}
