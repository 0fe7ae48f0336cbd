import { z } from 'zod';
import type { Environment } from './deployment';

/**
 * Which compose files a deployment runs with (issue 17): `docker compose` reads the default file and its
 * override by itself, Crucible's production file only with `-f docker-compose.prod.yml`, and `COMPOSE_FILE`
 * in `.env` replaces both. The audit, rotation and the front door read exactly the recorded set, and the
 * commands the app runs or prints name it with `-f`.
 */

/** The three sets setup offers: the defaults (base + override), the production file, `COMPOSE_FILE`. */
export const ComposeSet = z.enum(['default', 'production', 'env']);
export type ComposeSet = z.infer<typeof ComposeSet>;

export const ComposeChoice = z.object({
  set: ComposeSet,
  /** The files, relative to the deployment folder, in merge order. */
  files: z.array(z.string()),
  /** False when the set cannot be used here (e.g. COMPOSE_FILE names a file that is not in the folder). */
  available: z.boolean(),
  /** Why it is not available, in words. */
  note: z.string().optional(),
});
export type ComposeChoice = z.infer<typeof ComposeChoice>;

/**
 * The set preselected for an environment: `COMPOSE_FILE` when `.env` sets it (compose reads that by itself),
 * else the production file for a production deployment when the folder has one, else the default set.
 */
export function defaultComposeSet(choices: readonly ComposeChoice[], environment: Environment | null): ComposeSet {
  const usable = (set: ComposeSet) => choices.some((c) => c.set === set && c.available);
  if (usable('env')) return 'env';
  if (environment === 'production' && usable('production')) return 'production';
  if (usable('default')) return 'default';
  return choices.find((c) => c.available)?.set ?? 'default';
}
