/**
 * The one way the window shows a moment: local time with its zone ("6 Dec 2026, 10:15 CET"), so two dates on
 * two pages always read alike. Exports and the journal keep ISO 8601 in UTC.
 */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // dateStyle/timeStyle cannot be combined with timeZoneName (a RangeError), hence the fields one by one.
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
}
