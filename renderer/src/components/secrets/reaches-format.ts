import type { SecretReach } from '../../../../electron/common/ipc/secrets.ipc';

const VIA: Record<SecretReach['via'], string> = {
  environment: 'environment entry',
  env_file: 'env_file',
  'mounted-file': 'mounted .env',
  command: 'command line',
};

/**
 * One line saying which services receive a variable and how (docs/crucible.md, "What each compose file
 * passes"): `api (environment entry ROUNDTABLE_DATABASE_URL), worker (…)`. A route that is shadowed says so.
 * undefined = not known (no `.env`, or compose files the app cannot read).
 */
export function reachesText(reaches: readonly SecretReach[] | undefined): string {
  if (reaches === undefined) return 'Reaches: unknown (compose files not read)';
  if (reaches.length === 0) return 'Reaches: no container';
  const parts = reaches.map((r) => {
    const how = r.via === 'environment' && r.as !== null ? `${VIA[r.via]} ${r.as}` : VIA[r.via];
    return `${r.service} (${how}${r.effective ? '' : ', shadowed by an environment entry'})`;
  });
  // One service can receive a variable the same way twice (redis: its command and its healthcheck): say it once.
  return `Reaches: ${[...new Set(parts)].join(', ')}`;
}
