import { basename } from 'node:path';
import { applyComposeChanges, planComposeChanges, undoComposeChanges } from '../../core/proxy/compose-changes';
import { applyEnvFollowUps } from '../../core/proxy/env-apply';

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
export async function applyFrontDoor(folder: string, origin: string, what: { compose: boolean; env: boolean }): Promise<FrontDoorApplied> {
  const result: FrontDoorApplied = { compose: [], env: null };
  let applied: Array<{ file: string; backupPath: string | null }> = [];
  if (what.compose) {
    const plan = await planComposeChanges(folder, origin);
    // Nothing to change is a success here (the core refuses an empty selection, which the window never sends).
    applied = plan.files.length === 0 ? [] : await applyComposeChanges(folder, origin, Object.fromEntries(plan.files.map((f) => [f.file, f.token])));
    result.compose = plan.files.map((f) => {
      const backup = applied.find((a) => a.file === f.file)?.backupPath ?? null;
      return { file: f.file, diff: f.diff, backup: backup === null ? null : basename(backup) };
    });
  }
  if (what.env) {
    try {
      const r = await applyEnvFollowUps(folder, origin);
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
    for (const c of r.compose) lines.push(`Applied to ${c.file}${c.backup ? ` (previous version kept as ${c.backup})` : ''}:`, c.diff);
  }
  if (asked.env && r.env) {
    lines.push(r.env.changed.length === 0 ? '.env already has the front door’s values; nothing was changed.' : `.env updated: ${r.env.changed.join(', ')}${r.env.backup ? ` (previous version kept as ${r.env.backup})` : ''}.`);
  }
  if (r.compose.length > 0 || (r.env?.changed.length ?? 0) > 0) lines.push('Apply it with `docker compose up -d` (never `restart`: it keeps the old values).');
  return `${lines.join('\n')}\n`;
}
