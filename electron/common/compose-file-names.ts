/**
 * The names of compose files, in one place: the files `docker compose` picks up by itself (compose-spec
 * "compose file", in its own order of preference), their override files, and Crucible's production file
 * (docs/crucible.md#the-production-compose-file), which is only ever used with `-f`.
 */

/** Compose files `docker compose` reads without `-f`: the first of these that exists. */
export const DEFAULT_COMPOSE_FILES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yaml',
  'docker-compose.yml',
] as const;

/** Override files compose adds to the default file by itself: the first of these that exists. */
export const OVERRIDE_COMPOSE_FILES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yaml',
  'docker-compose.override.yml',
] as const;

/** Crucible's production file, the name its documentation uses (`docker compose -f docker-compose.prod.yml`). */
export const PROD_COMPOSE_FILE = 'docker-compose.prod.yml';

/** The production file under either YAML extension. */
export const PROD_COMPOSE_FILES = [PROD_COMPOSE_FILE, 'docker-compose.prod.yaml'] as const;

/** Any compose file by its name: `compose.yaml`, `docker-compose.prod.yml`, `compose.override.yml`, … */
const COMPOSE_FILE_NAME = /^(docker-)?compose(\.[a-z0-9_-]+)?\.ya?ml$/i;

/** Whether `name` (a base name) looks like a compose file (what a folder listing of compose files shows). */
export function isComposeFileName(name: string): boolean {
  return COMPOSE_FILE_NAME.test(name);
}

/** Whether compose reads the file `name` (a base name) without being told to with `-f`. */
export function isReadWithoutFlag(name: string): boolean {
  return (
    (DEFAULT_COMPOSE_FILES as readonly string[]).includes(name) ||
    (OVERRIDE_COMPOSE_FILES as readonly string[]).includes(name)
  );
}

/**
 * The `-f` flags that make `docker compose` read exactly `files` (relative names): none when compose reads
 * them all by itself (the default file and its override), else one `-f` per file, in order.
 */
export function composeFileFlags(files: readonly string[]): string[] {
  const names = files.filter((f) => f !== '').map((f) => f.replace(/^\.\//, ''));
  if (names.every((n) => isReadWithoutFlag(n.split(/[\\/]/).pop() ?? n))) return [];
  return names.flatMap((f) => ['-f', f]);
}

/**
 * `docker compose [-f file]… args…` as a line to show or copy, for a deployment's recorded compose files
 * ([] = what compose reads by itself). Names are plain compose file names (inventory/compose-files.ts).
 */
export function composeCommandLine(files: readonly string[], args: readonly string[]): string {
  return ['docker', 'compose', ...composeFileFlags(files), ...args].join(' ');
}
