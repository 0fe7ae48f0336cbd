/**
 * The environment a command runs with: the caller's, minus every variable the stack profile knows and every
 * `ROUNDTABLE_*`. Compose lets a variable exported in the shell beat `.env` (Docker's "Environment variables
 * precedence" rules), so a stale `POSTGRES_PASSWORD` in the app's environment would silently undo a
 * rotation.
 */
export function controlledEnv(base: NodeJS.ProcessEnv, profileNames: readonly string[]): NodeJS.ProcessEnv {
  const drop = new Set(profileNames);
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!drop.has(k) && !isDroppedPrefix(k)) out[k] = v;
  return out;
}

/** Names dropped whatever the profile says (the service's own namespace). */
export function isDroppedPrefix(name: string): boolean {
  return name.startsWith('ROUNDTABLE_');
}

/** A name a POSIX shell accepts for `unset`/`export`. */
export function isEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}
