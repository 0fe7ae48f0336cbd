import { z } from 'zod';
import { DeploymentRef } from '../model/deployment';
import { channel, NoRequest, req } from './contract';

/** Said once when the app state had to be read from an earlier copy (the state file was damaged). */
export const StateNotice = z.object({ code: z.string(), message: z.string() });

export const DeploymentList = z.object({
  deployments: z.array(DeploymentRef),
  notice: StateNotice.nullable(),
});
export type DeploymentList = z.infer<typeof DeploymentList>;

/** Where a deployment runs and whether the app can drive it there (host/compose.ts), in words. */
export const DeploymentWhere = z.object({
  deploymentId: z.string(),
  /** "this computer" or "user@host:port". */
  host: z.string(),
  reachable: z.boolean(),
  composeReady: z.boolean(),
  docker: z.string().nullable(),
  compose: z.string().nullable(),
  daemon: z.enum(['reachable', 'down', 'permission-denied', 'error', 'not-checked']),
  /** What is missing, each with what to do, in order. */
  problems: z.array(z.object({ summary: z.string(), hint: z.string() })),
});
export type DeploymentWhere = z.infer<typeof DeploymentWhere>;

export const deploymentsChannels = {
  list: channel('deployments', 'list', NoRequest, DeploymentList),
  get: channel('deployments', 'get', req({ id: z.string().max(64) }), DeploymentRef),
  /** Reaches the deployment where it runs (SSH for a server) and checks docker and Compose v2 there. */
  where: channel('deployments', 'where', req({ id: z.string().max(64) }), DeploymentWhere),
};
