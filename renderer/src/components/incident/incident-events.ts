import { STEP_TITLES } from '../../../../electron/common/model/incident-steps';

/** Tells the shell banner and the Dashboard that an incident changed (opened, closed, moved on). */
export const INCIDENT_CHANGED = 'cs-incident-changed';

export function announceIncidentChange(): void {
  window.dispatchEvent(new Event(INCIDENT_CHANGED));
}

/** Step titles come from the shared incident model, so the page and the report name steps alike. */
export const STEP_LABEL: Record<string, string> = STEP_TITLES;

/** `2026-11-29T10:00:00.000Z` → `2026-11-29 10:00 UTC`. */
export function showTime(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';
}
