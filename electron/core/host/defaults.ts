/** Names and limits shared by the local and the SSH host. */

/** Where a replaced file's previous version goes: `<basename>.<UTC timestamp>`, safe in file names on every OS. */
export function keptName(base: string, now: Date): string {
  return `${base}.${now
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.(\d{3})Z$/, '$1Z')}`;
}

/** Default size cap of readFile: `.env` and compose files are a few kB; anything near this is not one. */
export const DEFAULT_READ_CAP = 1024 * 1024;

/** Default timeout of a run. */
export const DEFAULT_RUN_TIMEOUT_MS = 120_000;

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
}
