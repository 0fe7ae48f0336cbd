import type { PlanStepView, PlanView } from '../../common/ipc/rotation.ipc';
import type { PlaybookId, StackProfile } from '../stack/profile';
import type { Plan, PlanStep } from './playbooks';

/**
 * Plans as the renderer and the CLI see them (commands as display text only), and the order of "rotate all".
 */

/** A step as the renderer sees it: commands as display text only. */
export function toStepView(s: PlanStep): PlanStepView {
  return {
    id: s.id,
    kind: s.kind,
    title: s.title,
    detail: s.detail,
    commands: s.commands.map((c) => c.display),
    requires: s.requires,
    optional: s.optional,
  };
}

export function toPlanView(p: Plan): PlanView {
  return {
    variable: p.variable,
    playbook: p.playbook,
    rotatable: p.rotatable,
    notRotatableReason: p.notRotatableReason ?? null,
    alternative: p.alternative ?? null,
    input: p.input,
    blastRadius: p.blastRadius,
    steps: p.steps.map(toStepView),
    verify: p.verify,
  };
}

/**
 * Order for "rotate all" (incident response): shut the attacker out first (login password), then drop
 * every session (Redis), then the database password, then re-encrypt stored keys under a new key, then the
 * JWT secrets, and last the provider keys (they need the providers' consoles).
 */
const ORDER: PlaybookId[] = [
  'community-password',
  'redis-password',
  'postgres-password',
  'encryption-key-reencrypt',
  'env-and-recreate',
  'provider-key-at-provider',
];

/** The rotatable secrets of a profile in dependency order. */
export function rotationOrder(profile: StackProfile): string[] {
  return profile.variables
    .filter(
      (v) =>
        v.sensitive &&
        ORDER.includes(v.rotation.playbook) &&
        !(v.rotation.playbook === 'env-and-recreate' && v.kind !== 'secret'),
    )
    .sort((a, b) => ORDER.indexOf(a.rotation.playbook) - ORDER.indexOf(b.rotation.playbook))
    .map((v) => v.name);
}
