import type { DriftItem, SecretRef } from '../../../../electron/common/ipc/secrets.ipc';

/** "today", "1 day", "12 days" since the value was created or last rotated. */
export function ageOf(ref: Pick<SecretRef, 'created' | 'rotated'>, now: number): string {
  const since = ref.rotated ?? ref.created;
  if (!since) return '—';
  const days = Math.floor((now - Date.parse(since)) / 86_400_000);
  if (days <= 0) return 'today';
  return days === 1 ? '1 day' : `${days} days`;
}

/** Four groups of four, easier to compare by eye: the one format of every page (format-fingerprint.ts). */
export { formatFingerprint as groupFingerprint } from '../../format-fingerprint';

export const STATUS_BADGE: Record<SecretRef['status'], { label: string; tone: 'ok' | 'warn' | 'error' | 'info' }> = {
  ok: { label: 'OK', tone: 'ok' },
  missing: { label: 'Missing from keychain', tone: 'error' },
  changed: { label: 'Changed outside the app', tone: 'warn' },
  untracked: { label: 'Not tracked', tone: 'info' },
  interrupted: { label: 'Write interrupted', tone: 'error' },
  unavailable: { label: 'Keychain unavailable', tone: 'warn' },
};

export const DRIFT_BADGE: Record<DriftItem['status'], { label: string; tone: 'ok' | 'warn' | 'error' | 'info' }> = {
  'in-sync': { label: '.env in sync', tone: 'ok' },
  differs: { label: '.env differs', tone: 'error' },
  'keychain-missing': { label: 'Only in .env', tone: 'warn' },
  'env-missing': { label: 'Missing from .env', tone: 'warn' },
  'both-missing': { label: 'Not set', tone: 'info' },
};

type Badge = { label: string; tone: 'ok' | 'warn' | 'error' | 'info' };

/**
 * The status and drift badges of one row, agreeing with each other: "OK" (green) only when nothing is wrong
 * with the row. A keychain that matches the app's record while `.env` disagrees is "Keychain as recorded"
 * (neutral) beside the drift badge, and a drift badge in sync beside a problem with the keychain is neutral too.
 */
export function rowBadges(
  status: SecretRef['status'],
  drift: DriftItem['status'] | undefined,
): { status: Badge; drift: Badge | null } {
  const d = drift === undefined ? null : DRIFT_BADGE[drift];
  if (status === 'ok') {
    if (drift === undefined || drift === 'in-sync') return { status: STATUS_BADGE.ok, drift: d };
    return { status: { label: 'Keychain as recorded', tone: 'info' }, drift: d };
  }
  return { status: STATUS_BADGE[status], drift: d && drift === 'in-sync' ? { ...d, tone: 'info' } : d };
}
