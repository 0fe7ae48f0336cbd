import type { PolicyItem } from '../../common/ipc/rotation.ipc';
import type { PlaybookId, StackProfile } from '../stack/profile';
import type { AppState } from '../store/schema';
import { runsOf, PENDING } from './record';

/**
 * Rotation policy: a maximum age per secret, overdue detection, and the history the state keeps.
 * The stack profile has no age field yet, so the defaults are derived from each variable's playbook:
 * cheap rotations more often, the costly re-encryption once a year.
 */
export const DEFAULT_MAX_AGE_DAYS: Readonly<Partial<Record<PlaybookId, number>>> = {
  'community-password': 90,
  'provider-key-at-provider': 90,
  'redis-password': 180,
  'postgres-password': 180,
  'env-and-recreate': 180,
  'encryption-key-reencrypt': 365,
};

const DAY = 86_400_000;

/** One row per sensitive variable of the profile: age, maximum, overdue, generation, pending run. */
export function policyItems(profile: StackProfile, state: AppState, deploymentId: string, now: Date): PolicyItem[] {
  const metas = state.secrets[deploymentId] ?? {};
  const pending = runsOf(state.rotations).filter((r) => r.deploymentId === deploymentId && PENDING.includes(r.status));
  return profile.variables
    .filter((v) => v.sensitive)
    .map((v) => {
      const meta = metas[v.name];
      const rotatable =
        !['not-rotatable', 'remove-from-env'].includes(v.rotation.playbook) &&
        !(v.rotation.playbook === 'env-and-recreate' && v.kind !== 'secret');
      const maxAgeDays = rotatable ? (DEFAULT_MAX_AGE_DAYS[v.rotation.playbook] ?? null) : null;
      const lastChanged = meta ? (meta.lastRotated ?? meta.created) : null;
      const ageDays = lastChanged ? Math.max(0, Math.floor((now.getTime() - Date.parse(lastChanged)) / DAY)) : null;
      return {
        variable: v.name,
        playbook: v.rotation.playbook,
        rotatable,
        maxAgeDays,
        lastChanged,
        ageDays,
        overdue: maxAgeDays !== null && ageDays !== null && ageDays > maxAgeDays,
        generation: meta?.generation ?? null,
        pendingId: pending.find((r) => r.variable === v.name)?.id ?? null,
      };
    });
}

/** How many days before its maximum age a secret counts as due (the Dashboard's "rotations due"). */
export const DUE_SOON_DAYS = 14;

/**
 * What the Dashboard and the Secrets page flag: secrets past their maximum age (overdue) and those within
 * DUE_SOON_DAYS of it (due). A secret whose rotation is already under way is listed as neither.
 */
export function rotationAttention(
  items: readonly PolicyItem[],
  soonDays = DUE_SOON_DAYS,
): { overdue: string[]; due: string[] } {
  const open = items.filter((i) => i.pendingId === null && i.maxAgeDays !== null && i.ageDays !== null);
  return {
    overdue: open.filter((i) => i.overdue).map((i) => i.variable),
    due: open.filter((i) => !i.overdue && (i.ageDays ?? 0) >= (i.maxAgeDays ?? 0) - soonDays).map((i) => i.variable),
  };
}
