import type { HandlerDeps } from './deps';
import type { Handlers } from '../router';
import { toPlanView } from '../../../core/rotation/playbooks';

/**
 * Rotation: plans, steps, confirm/rollback, history. No handler answers with a secret value except
 * revealNewPassword (a generated login password, once).
 */
export function rotationHandlers({ core, platform }: HandlerDeps): Handlers['rotation'] {
  const r = core.rotation;
  return {
    overview: ({ deploymentId }) => r.overview(deploymentId),
    plan: async ({ deploymentId, variable }) => toPlanView(await r.plan(deploymentId, variable)),
    start: ({ deploymentId, variable, reason, newValue }) => r.start(deploymentId, variable, { reason, newValue }),
    view: ({ id }) => r.view(id),
    pending: () => r.pending(),
    perform: ({ id, step, loginPassword }) => r.perform(id, step, loginPassword === undefined ? {} : { loginPassword }),
    tick: ({ id, step }) => r.tick(id, step),
    pickExport: async ({ id }) => {
      const path = await platform.pickOpenFile('Choose the user_settings export (JSON)', [
        { name: 'JSON', extensions: ['json'] },
      ]);
      return path === null ? null : r.setFiles(id, { exportFile: path });
    },
    confirm: ({ id }) => r.confirm(id),
    rollback: ({ id, runCommands }) => r.rollback(id, { runCommands }),
    history: ({ deploymentId, variable }) => r.history(deploymentId, variable),
    revealNewPassword: ({ id }) => r.revealNewPassword(id),
  };
}
