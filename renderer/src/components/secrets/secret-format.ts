import type { DriftItem, SecretRef } from '../../../../electron/common/ipc/secrets.ipc';

/** "today", "1 day", "12 days" since the value was created or last rotated. */
export function ageOf(ref: Pick<SecretRef, 'created' | 'rotated'>, now: number): string {
  const since = ref.rotated ?? ref.created;
  if (!since) return '—';
  const days = Math.floor((now - Date.parse(since)) / 86_400_000);
  if (days <= 0) return 'today';
  return days === 1 ? '1 day' : `${days} days`;
}

/** Four groups of four, easier to compare by eye. */
export function groupFingerprint(fp: string | null): string {
  return fp ? (fp.match(/.{1,4}/g) ?? []).join(' ') : '—';
}

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
