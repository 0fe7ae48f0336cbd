/**
 * The one way the window shows a fingerprint (a secret's keyed hash, a backup file's hash): lower-case hex
 * in groups of four separated by spaces ("3f9a 0c1d 77be 42e0"), easier to compare by eye, and the same on
 * the Secrets page, the Backup page and everywhere else. Whatever separators it came with are dropped, so
 * the backup file's dashed form (core/backup/format.ts) reads like the others. '—' when there is none.
 */
export function formatFingerprint(fp: string | null | undefined): string {
  if (fp === null || fp === undefined) return '—';
  const hex = fp.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex === '') return '—';
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}
