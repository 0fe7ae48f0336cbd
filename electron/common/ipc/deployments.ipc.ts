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

/** The check of the running service (verify/probe.ts): each check with ok and a reason, never a value. */
export const VerifyResult = z.object({
  ok: z.boolean(),
  results: z.array(z.object({ check: z.string(), ok: z.boolean(), detail: z.string() })),
  problem: z.object({ summary: z.string(), hint: z.string() }).nullable(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

export const deploymentsChannels = {
  list: channel('deployments', 'list', NoRequest, DeploymentList),
  get: channel('deployments', 'get', req({ id: z.string().max(64) }), DeploymentRef),
  /** Reaches the deployment where it runs (SSH for a server) and checks docker and Compose v2 there. */
  where: channel('deployments', 'where', req({ id: z.string().max(64) }), DeploymentWhere),
  /** Checks the running service where it runs; `loginPassword` (typed for this check only) adds the login. */
  /** The compose files the deployment is recorded to run with, and every compose file its folder holds. */
  composeFiles: channel(
    'deployments',
    'composeFiles',
    req({ id: z.string().max(64) }),
    z.object({ recorded: z.array(z.string()), inFolder: z.array(z.string()) }),
  ),
  /**
   * Records the compose files the deployment runs with (each checked to be in its folder; journalled). The
   * audit, rotation, the front door and every printed command follow the new list.
   */
  setComposeFiles: channel(
    'deployments',
    'setComposeFiles',
    req({ id: z.string().max(64), files: z.array(z.string().max(200)).min(1).max(20) }),
    DeploymentRef,
  ),
  verify: channel(
    'deployments',
    'verify',
    req({ id: z.string().max(64), loginPassword: z.string().min(1).max(1024).optional() }),
    VerifyResult,
  ),
};
