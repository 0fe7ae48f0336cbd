import { z } from 'zod';
import { ENVIRONMENTS } from './environment';

/** The environment a deployment runs as; production turns on the strict rules (the list: model/environment.ts). */
export const Environment = z.enum(ENVIRONMENTS);
export type Environment = z.infer<typeof Environment>;

/** A deployment as the renderer and the state file see it: never a secret value. */
export const DeploymentRef = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/),
  name: z.string().min(1).max(80),
  /** Absolute path of the Crucible folder (holds the compose files and `.env`). */
  folder: z.string(),
  composeFiles: z.array(z.string()),
  environment: Environment,
  createdAt: z.string(),
});
export type DeploymentRef = z.infer<typeof DeploymentRef>;
