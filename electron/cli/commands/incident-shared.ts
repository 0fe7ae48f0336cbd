import { AppError } from '../../common/errors';
import { INCIDENT_STEPS, STEP_TITLES, type RunbookItem, type StepId } from '../../common/model/incident';
import type { IncidentView } from '../../core/incident/incident.service';
import { UsageError, type CliIO } from '../command';
import { cliText } from '../cli-text';

/**
 * What the incident commands share: choosing the incident and the runbook item a person names (by title,
 * or by the id `--json` shows), and printing a step with the CLI commands that advance it. Internal ids
 * never reach a person in text output: items, steps and open work are shown by their titles.
 */

/** The option every incident command takes to say which incident (its id or its title). */
export const INCIDENT_OPTION = { incident: { type: 'string' } } as const;
/** `--id` was the first name of `--incident`; kept for a release. */
export const INCIDENT_ALIASES = { id: 'incident' } as const;

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * The incident a command is about: `ref` (an id or a title), else the one open incident, else the newest.
 * @throws AppError INCIDENT_UNKNOWN; UsageError when several are open and none is named.
 */
export async function pickIncident(io: CliIO, ref: unknown): Promise<string> {
  const all = await io.core().incident.list();
  if (typeof ref === 'string') {
    const byId = all.find((i) => i.id === ref);
    if (byId) return byId.id;
    const byTitle = all.filter((i) => norm(i.title) === norm(ref));
    const open = byTitle.filter((i) => i.status === 'active');
    const chosen = open.length === 1 ? open[0] : byTitle.length === 1 ? byTitle[0] : undefined;
    if (chosen) return chosen.id;
    if (byTitle.length > 1)
      throw new UsageError(
        `${String(byTitle.length)} incidents are titled "${ref}"; name one by the id \`crucible-secrets incident status\` shows.`,
      );
    throw new AppError(
      'INCIDENT_UNKNOWN',
      `There is no incident "${ref}". Run \`crucible-secrets incident status\` to list them.`,
    );
  }
  const active = all.filter((i) => i.status === 'active');
  if (active.length > 1)
    throw new UsageError(
      `${String(active.length)} incidents are open (${active.map((i) => `"${i.title}" (${i.deploymentName})`).join(', ')}); choose one with --incident TITLE.`,
    );
  const chosen = active[0] ?? all[0];
  if (!chosen)
    throw new AppError(
      'INCIDENT_UNKNOWN',
      'No incident has been recorded. Start one with `crucible-secrets incident start DIR`.',
    );
  return chosen.id;
}

/**
 * The runbook item `ref` names: its id, its title (any case), or a piece of its title that only one item
 * has (within `step` when given).
 * @throws UsageError when nothing or several items match (listing the candidates' titles).
 */
export function resolveItem(view: IncidentView, ref: string, step?: StepId): RunbookItem {
  const items = step ? view.items.filter((i) => i.step === step) : view.items;
  const exact = view.items.find((i) => i.id === ref) ?? items.find((i) => norm(i.title) === norm(ref));
  if (exact) return exact;
  const partial = items.filter((i) => norm(i.title).includes(norm(ref)));
  if (partial.length === 1 && partial[0]) return partial[0];
  const candidates = (partial.length > 1 ? partial : items.filter((i) => i.step === (view.currentStep ?? i.step))).map(
    (i) => `  "${i.title}"`,
  );
  throw new UsageError(
    `${partial.length > 1 ? `"${ref}" matches ${String(partial.length)} items` : `no runbook item is called "${ref}"`}; name one by its title:\n${candidates.join('\n')}`,
  );
}

/** The step `ref` names (its title, e.g. "Review logs", or its id, e.g. review-logs). @throws UsageError */
export function resolveStep(ref: string): StepId {
  const found = INCIDENT_STEPS.find((s) => s === ref || norm(STEP_TITLES[s]) === norm(ref));
  if (!found)
    throw new UsageError(
      `no step is called "${ref}"; the steps are ${INCIDENT_STEPS.map((s) => STEP_TITLES[s]).join(', ')}.`,
    );
  return found;
}

/**
 * What still blocks `step`, in words: item titles, and the Assess question with the command that answers it.
 * `except`: item ids an override covers (essential items not done).
 */
export function openWork(view: IncidentView, step: StepId, except?: ReadonlySet<string>): string[] {
  const s = view.steps.find((x) => x.id === step);
  return (s?.blockers ?? [])
    .filter((id) => !except?.has(id))
    .map((id) =>
      id === 'assess.what-exposed'
        ? 'the question "What was exposed?" (`crucible-secrets incident answer --what-exposed TEXT`)'
        : `"${view.items.find((i) => i.id === id)?.title ?? id}"`,
    );
}

/** The essential work of `step` not done, in words (e.g. "every chosen secret rotated: 0 of 6 rotated"). */
export function unmetWork(view: IncidentView, step: StepId): string[] {
  return view.steps.find((x) => x.id === step)?.unmet.map((u) => u.problem) ?? [];
}

export const OVERRIDE_HINT =
  'complete the step anyway with `crucible-secrets incident complete --override "REASON"` (the reason is journalled and shown in the report).';

/** Prints the current step's items with their commands, then the CLI commands that advance the step. */
export function printCurrentStep(io: CliIO, v: IncidentView): void {
  const step = v.steps.find((s) => s.id === v.currentStep);
  if (!step) {
    io.stdout.write('Every step is completed. Close the incident: crucible-secrets incident close --summary TEXT\n');
    return;
  }
  io.stdout.write(`\nCurrent step: ${step.title}. Run the commands from the deployment folder:\n  ${v.workdir}\n\n`);
  for (const item of v.items.filter((i) => i.step === step.id)) {
    const tick = v.incident.ticks[item.id];
    const mark = tick ? (tick.outcome === 'done' ? '✓' : '–') : item.required ? '☐' : '·';
    io.stdout.write(
      `${mark} ${item.title}${item.required ? (item.essential ? ' (essential)' : '') : ' (optional)'}${tick ? `  [${tick.outcome} ${tick.at}${tick.note ? `: ${tick.note}` : ''}]` : ''}\n`,
    );
    io.stdout.write(`  ${cliText(item.detail)}\n`);
    for (const c of item.commands) io.stdout.write(`    ${c.replace(/\n/g, '\n    ')}\n`);
  }
  const open = openWork(v, step.id);
  const unmet = unmetWork(v, step.id);
  io.stdout.write(
    `\n${open.length > 0 ? `Still open: ${open.join(', ')}.` : unmet.length > 0 ? `Essential work not done: ${unmet.join('; ')}.` : `Nothing is left in ${step.title}.`}\n`,
  );
  io.stdout.write(
    [
      'Record your progress:',
      '  crucible-secrets incident tick "ITEM TITLE" [--note TEXT]     an item is done',
      '  crucible-secrets incident skip "ITEM TITLE" --reason TEXT     it does not apply (the reason goes into the report)',
      ...(step.id === 'assess'
        ? ['  crucible-secrets incident answer --what-exposed TEXT [--since WHEN] [--secrets A,B] [--users TEXT]']
        : []),
      ...(step.id === 'rotate'
        ? ['  crucible-secrets incident rotate [--only A,B]                rotate the secrets in dependency order']
        : []),
      '  crucible-secrets incident timeline "TEXT" [--at WHEN]         add to the timeline',
      `  crucible-secrets incident complete                           complete ${step.title} and go to the next step`,
      '',
    ].join('\n'),
  );
}
