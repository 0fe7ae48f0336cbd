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

export const deploymentsChannels = {
  list: channel('deployments', 'list', NoRequest, DeploymentList),
  get: channel('deployments', 'get', req({ id: z.string().max(64) }), DeploymentRef),
};
