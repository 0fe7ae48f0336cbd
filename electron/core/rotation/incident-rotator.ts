import { AppError } from '../../common/errors';
import type { IncidentRotator } from '../incident/rotate-port';
import type { StackProfile } from '../stack/profile';
import { rotationOrder } from './playbooks';
import type { RotationService } from './rotation.service';

/**
 * Rotate-all for the incident runbook (issue 9): every rotatable secret in dependency order, each run
 * through its playbook to the end. Provider keys are left out (they need a new key from the provider).
 * Command steps need docker here; without it the run stays pending on the Rotation page and this throws,
 * so the runbook records the secret as failed with the reason — never half-written.
 * In an incident the admin's "rotate all" stands for the confirmation once every command succeeded.
 */
export function createIncidentRotator(rotation: RotationService, profile: StackProfile): IncidentRotator {
  return {
    plan(_deploymentId, only) {
      const order = rotationOrder(profile).filter(
        (v) => profile.variables.find((x) => x.name === v)?.rotation.playbook !== 'provider-key-at-provider',
      );
      return Promise.resolve(only ? order.filter((v) => only.includes(v)) : order);
    },
    async rotateOne(deploymentId, variable) {
      let view = await rotation.start(deploymentId, variable, { reason: 'incident' });
      if (view.status === 'confirmed') return { generation: view.generation };
      for (const s of view.steps) {
        const current = (await rotation.view(view.id)).steps.find((x) => x.id === s.id);
        if (!current || current.state === 'done' || s.kind === 'manual') continue;
        if (s.kind === 'command' && !view.canRunCommands) {
          throw new AppError(
            'ROTATION_NEEDS_ADMIN',
            `${variable}: docker is not available here, so "${s.title}" must be run by hand. The rotation is waiting on the Rotation page.`,
          );
        }
        const r = await rotation.perform(view.id, s.id);
        if (!r.ok) {
          const why = r.failure ? ` ${r.failure.summary} ${r.failure.hint}` : '';
          throw new AppError(
            'ROTATION_COMMAND_FAILED',
            `${variable}: "${s.title}" failed (exit ${r.failure?.exitCode ?? r.output.at(-1)?.code ?? 1}).${why} The rotation of ${variable} is paused: retry the step, mark it done by hand, or roll it back (Rotation page, or crucible-secrets rotate).`,
          );
        }
        view = r.view;
      }
      view = await rotation.confirm(view.id);
      return { generation: view.generation };
    },
  };
}
