/**
 * The environments a deployment runs as; production turns on the strict rules. A plain list, not a schema:
 * the CLI's check-env and the validation engine read it without loading zod (issue 20). The IPC schema
 * `Environment` (model/deployment.ts) is `z.enum(ENVIRONMENTS)`, so the two cannot drift.
 */
export const ENVIRONMENTS = ['production', 'staging', 'development'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Whether `s` names an environment (what `--environment` accepts). */
export function isEnvironment(s: string): s is Environment {
  return (ENVIRONMENTS as readonly string[]).includes(s);
}
