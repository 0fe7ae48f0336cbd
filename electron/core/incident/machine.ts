import { AppError } from '../../common/errors';
import {
  INCIDENT_STEPS,
  STEP_TITLES,
  type AssessAnswers,
  type Incident,
  type ItemTick,
  type RotationProgressItem,
  type StepId,
} from '../../common/model/incident';
import { itemsOfStep, skeletonOf } from './runbook';

/**
 * The runbook's state machine: pure functions from an Incident to the next Incident. The six steps run in
 * order; an item can be ticked in the current step or an earlier one, never ahead; a step completes when
 * its required items are done or skipped (and its own condition holds); a closed incident is read-only.
 * The service (incident.service.ts) persists each result and journals it.
 */

export const IncidentErrorCode = {
  Closed: 'INCIDENT_CLOSED',
  StepOrder: 'INCIDENT_STEP_ORDER',
  StepIncomplete: 'INCIDENT_STEP_INCOMPLETE',
  UnknownItem: 'INCIDENT_UNKNOWN_ITEM',
  BadInput: 'INCIDENT_BAD_INPUT',
  Rotation: 'INCIDENT_ROTATION_STATE',
  EssentialNotDone: 'INCIDENT_ESSENTIAL_NOT_DONE',
} as const;

const iso = (d: Date) => d.toISOString();
const stepIndex = (s: StepId) => INCIDENT_STEPS.indexOf(s);

function emptySteps(): Incident['steps'] {
  const out = {} as Incident['steps'];
  for (const s of INCIDENT_STEPS) out[s] = { startedAt: null, completedAt: null, override: null };
  return out;
}

export interface OpenInput {
  id: string;
  deploymentId: string;
  title: string;
  now: Date;
}

/** A new incident, at Isolate. */
export function openIncident(input: OpenInput): Incident {
  const title = input.title.trim();
  if (title === '') throw new AppError(IncidentErrorCode.BadInput, 'Give the incident a short title (what happened).');
  const steps = emptySteps();
  steps.isolate.startedAt = iso(input.now);
  return {
    id: input.id,
    deploymentId: input.deploymentId,
    title: title.slice(0, 200),
    openedAt: iso(input.now),
    closedAt: null,
    status: 'active',
    summary: null,
    steps,
    ticks: {},
    answers: { whatExposed: '', since: null, secrets: [], users: '' },
    timeline: [],
    rotation: null,
    noticeExtra: '',
    reportExportedAt: null,
    finalReport: null,
  };
}

/** The first step not completed yet; null once all six are. */
export function currentStep(inc: Incident): StepId | null {
  return INCIDENT_STEPS.find((s) => inc.steps[s].completedAt === null) ?? null;
}

function assertActive(inc: Incident): void {
  if (inc.status === 'closed')
    throw new AppError(
      IncidentErrorCode.Closed,
      `The incident "${inc.title}" is closed; start a new one to record more.`,
    );
}

function assertReached(inc: Incident, step: StepId): void {
  const cur = currentStep(inc);
  if (cur !== null && stepIndex(step) > stepIndex(cur)) {
    throw new AppError(
      IncidentErrorCode.StepOrder,
      `${STEP_TITLES[step]} comes after ${STEP_TITLES[cur]}: finish ${STEP_TITLES[cur]} first.`,
    );
  }
}

/** Why `step` cannot be completed yet (empty when it can). */
export function blockers(inc: Incident, step: StepId): string[] {
  const out: string[] = [];
  for (const item of itemsOfStep(step)) {
    if (item.required && !(item.id in inc.ticks)) out.push(item.id);
  }
  if (step === 'assess' && inc.answers.whatExposed.trim() === '') out.push('assess.what-exposed');
  return out;
}

/** An essential item of a step whose promise is not kept, in words for the admin and the report. */
export interface UnmetEssential {
  itemId: string;
  problem: string;
}

/** How far the rotation run got, e.g. "0 of 6 rotated; REDIS_PASSWORD failed". */
function rotationShortfall(inc: Incident): string | null {
  const run = inc.rotation;
  if (run === null) return null;
  const rotated = run.items.filter((i) => i.status === 'rotated').length;
  if (rotated === run.items.length) return null;
  const failed = run.items.filter((i) => i.status === 'failed').map((i) => i.variable);
  const skipped = run.items.filter((i) => i.status === 'skipped').map((i) => i.variable);
  return [
    `${String(rotated)} of ${String(run.items.length)} rotated`,
    ...(failed.length > 0 ? [`${failed.join(', ')} failed`] : []),
    ...(skipped.length > 0 ? [`${skipped.join(', ')} skipped`] : []),
  ].join('; ');
}

/**
 * The essential items of `step` whose promise is not kept: not done, skipped, or (the rotation item) a run
 * that did not rotate every chosen secret. A rotation ticked done without a run (rotated on the Rotation
 * page or with the CLI) counts as kept; the report lists those rotations from the journal.
 */
export function unmetEssentials(inc: Incident, step: StepId): UnmetEssential[] {
  const out: UnmetEssential[] = [];
  for (const item of itemsOfStep(step)) {
    if (item.essential === null) continue;
    const tick = inc.ticks[item.id];
    const shortfall = item.kind === 'rotation' ? rotationShortfall(inc) : null;
    const state =
      shortfall ??
      (tick === undefined
        ? 'not done'
        : tick.outcome === 'skipped'
          ? `skipped${tick.note ? ` (${tick.note})` : ''}`
          : null);
    if (state !== null) out.push({ itemId: item.id, problem: `${item.essential}: ${state}` });
  }
  return out;
}

/**
 * Ticks an item as done, or skipped (a reason is required).
 * @throws AppError INCIDENT_CLOSED, INCIDENT_UNKNOWN_ITEM, INCIDENT_STEP_ORDER, INCIDENT_BAD_INPUT
 */
export function tickItem(
  inc: Incident,
  itemId: string,
  outcome: ItemTick['outcome'],
  note: string | undefined,
  now: Date,
): Incident {
  assertActive(inc);
  const item = skeletonOf(itemId);
  if (!item) throw new AppError(IncidentErrorCode.UnknownItem, `The runbook has no item ${itemId}.`);
  assertReached(inc, item.step);
  // With a run under way, "done" means the run finished. Without one the admin rotated by other means
  // (Rotation page, CLI); the report then lists those rotations from the journal.
  if (item.kind === 'rotation' && outcome === 'done' && inc.rotation !== null && !rotationFinished(inc)) {
    throw new AppError(
      IncidentErrorCode.Rotation,
      'The rotation run has not finished: rotate the remaining secrets, or skip this item with the reason.',
    );
  }
  const trimmed = note?.trim();
  if (outcome === 'skipped' && !trimmed)
    throw new AppError(IncidentErrorCode.BadInput, 'Say why the item is skipped (it goes into the report).');
  const tick: ItemTick = { at: iso(now), outcome, ...(trimmed ? { note: trimmed } : {}) };
  return { ...inc, ticks: { ...inc.ticks, [itemId]: tick } };
}

/** Removes a tick (an item ticked by mistake) in a step not yet completed. */
export function untickItem(inc: Incident, itemId: string): Incident {
  assertActive(inc);
  const item = skeletonOf(itemId);
  if (!item) throw new AppError(IncidentErrorCode.UnknownItem, `The runbook has no item ${itemId}.`);
  if (inc.steps[item.step].completedAt !== null) {
    throw new AppError(
      IncidentErrorCode.StepOrder,
      `${STEP_TITLES[item.step]} is completed; its items stay as they were recorded.`,
    );
  }
  const ticks = Object.fromEntries(Object.entries(inc.ticks).filter(([k]) => k !== itemId));
  return { ...inc, ticks };
}

/** Records the Assess answers (from Assess on). */
export function setAnswers(inc: Incident, answers: AssessAnswers): Incident {
  assertActive(inc);
  assertReached(inc, 'assess');
  if (answers.since !== null && Number.isNaN(Date.parse(answers.since))) {
    throw new AppError(
      IncidentErrorCode.BadInput,
      '"Since when" is not a date and time; use e.g. 2026-11-29T22:00:00Z.',
    );
  }
  const since = answers.since === null ? null : new Date(answers.since).toISOString();
  return { ...inc, answers: { ...answers, since, secrets: [...new Set(answers.secrets)] } };
}

/** Adds an entry to the admin's timeline (at any step while active). */
export function addTimelineEntry(inc: Incident, entry: { at: string; text: string }, now: Date): Incident {
  assertActive(inc);
  const text = entry.text.trim();
  if (text === '') throw new AppError(IncidentErrorCode.BadInput, 'A timeline entry needs some text.');
  if (Number.isNaN(Date.parse(entry.at)))
    throw new AppError(IncidentErrorCode.BadInput, "The timeline entry's time is not a date and time.");
  const next = inc.timeline.reduce((m, t) => Math.max(m, Number(t.id.slice(1))), 0) + 1;
  const added = { id: `t${String(next)}`, at: new Date(entry.at).toISOString(), text, recordedAt: iso(now) };
  return { ...inc, timeline: [...inc.timeline, added].sort((a, b) => a.at.localeCompare(b.at)) };
}

export function removeTimelineEntry(inc: Incident, id: string): Incident {
  assertActive(inc);
  if (!inc.timeline.some((t) => t.id === id))
    throw new AppError(IncidentErrorCode.BadInput, `There is no timeline entry ${id}.`);
  return { ...inc, timeline: inc.timeline.filter((t) => t.id !== id) };
}

export function setNoticeExtra(inc: Incident, text: string): Incident {
  assertActive(inc);
  return { ...inc, noticeExtra: text.trim() };
}

/**
 * Completes the current step and starts the next. An essential item that is not done (unmet) refuses the
 * step unless `override` carries the admin's reason; the override is recorded on the step, with what it
 * left undone, for the report. Required items that are not essential must still be ticked or skipped.
 * @throws AppError INCIDENT_STEP_ORDER (not the current step), INCIDENT_STEP_INCOMPLETE (naming what is left),
 *   INCIDENT_ESSENTIAL_NOT_DONE (naming the unmet promises), INCIDENT_BAD_INPUT (an empty override reason)
 */
export function completeStep(inc: Incident, step: StepId, now: Date, override?: { reason: string }): Incident {
  assertActive(inc);
  const cur = currentStep(inc);
  if (cur !== step) {
    throw new AppError(
      IncidentErrorCode.StepOrder,
      cur === null
        ? 'Every step is already completed.'
        : `The current step is ${STEP_TITLES[cur]}, not ${STEP_TITLES[step]}.`,
    );
  }
  const reason = override?.reason.trim();
  if (override !== undefined && !reason)
    throw new AppError(
      IncidentErrorCode.BadInput,
      'Say why the step is completed anyway (the reason goes into the report).',
    );
  const unmet = unmetEssentials(inc, step);
  const essentialIds = new Set(unmet.map((u) => u.itemId));
  const all = blockers(inc, step);
  // Essential items are either done or overridden; the rest must be ticked or skipped in any case.
  if (all.some((b) => !essentialIds.has(b))) {
    const left = reason ? all.filter((b) => !essentialIds.has(b)) : all;
    throw new AppError(
      IncidentErrorCode.StepIncomplete,
      `${STEP_TITLES[step]} is not finished: ${left.join(', ')} ${left.length === 1 ? 'is' : 'are'} still open (tick, or skip with a reason).`,
    );
  }
  if (unmet.length > 0 && !reason) {
    throw new AppError(
      IncidentErrorCode.EssentialNotDone,
      `${STEP_TITLES[step]} cannot be completed: ${unmet.map((u) => u.problem).join('; ')}. Finish ${unmet.length === 1 ? 'it' : 'them'}, or complete the step anyway with an override and the reason (it is journalled and shown in the report).`,
    );
  }
  const stepOverride =
    reason && unmet.length > 0 ? { at: iso(now), reason, unmet: unmet.map((u) => u.problem.slice(0, 500)) } : null;
  const steps = { ...inc.steps, [step]: { ...inc.steps[step], completedAt: iso(now), override: stepOverride } };
  const nextStep = INCIDENT_STEPS[stepIndex(step) + 1];
  if (nextStep) steps[nextStep] = { ...steps[nextStep], startedAt: steps[nextStep].startedAt ?? iso(now) };
  return { ...inc, steps };
}

/**
 * Starts (or re-plans) the rotation run with `variables` in dependency order. Variables already rotated in
 * this incident keep their result, so a re-plan after a restart never rotates a secret twice.
 */
export function planRotation(inc: Incident, variables: string[], now: Date): Incident {
  assertActive(inc);
  assertReached(inc, 'rotate');
  if (variables.length === 0) throw new AppError(IncidentErrorCode.BadInput, 'Choose at least one secret to rotate.');
  const done = new Map((inc.rotation?.items ?? []).filter((i) => i.status === 'rotated').map((i) => [i.variable, i]));
  const items: RotationProgressItem[] = variables.map(
    (v) => done.get(v) ?? { variable: v, status: 'pending', generation: null, at: null, reason: null },
  );
  return { ...inc, rotation: { startedAt: inc.rotation?.startedAt ?? iso(now), finishedAt: null, items } };
}

/** The next secret the run must rotate (pending or failed before), or null when none is left. */
export function nextToRotate(inc: Incident): string | null {
  return inc.rotation?.items.find((i) => i.status === 'pending' || i.status === 'failed')?.variable ?? null;
}

export function rotationFinished(inc: Incident): boolean {
  return inc.rotation !== null && inc.rotation.finishedAt !== null;
}

/** Records one secret's outcome; finishes the run (and ticks rotate.secrets) when nothing is left. */
export function recordRotation(
  inc: Incident,
  variable: string,
  result: { status: 'rotated'; generation: number } | { status: 'failed' | 'skipped'; reason: string },
  now: Date,
): Incident {
  assertActive(inc);
  const run = inc.rotation;
  if (!run?.items.some((i) => i.variable === variable))
    throw new AppError(IncidentErrorCode.Rotation, `${variable} is not part of the rotation run.`);
  const items = run.items.map((i): RotationProgressItem =>
    i.variable !== variable
      ? i
      : result.status === 'rotated'
        ? { variable, status: 'rotated', generation: result.generation, at: iso(now), reason: null }
        : {
            variable,
            status: result.status,
            generation: i.generation,
            at: iso(now),
            reason: result.reason.slice(0, 500),
          },
  );
  const finished = items.every((i) => i.status === 'rotated' || i.status === 'skipped');
  let next: Incident = { ...inc, rotation: { ...run, items, finishedAt: finished ? iso(now) : null } };
  if (finished) {
    const skipped = items.filter((i) => i.status === 'skipped').length;
    next = {
      ...next,
      ticks: {
        ...next.ticks,
        'rotate.secrets': {
          at: iso(now),
          outcome: 'done',
          ...(skipped > 0 ? { note: `${String(skipped)} skipped` } : {}),
        },
      },
    };
  }
  return next;
}

/** Records a report export and ticks document.export. */
export function markReportExported(inc: Incident, now: Date): Incident {
  const reached = currentStep(inc) === null || stepIndex(currentStep(inc) ?? 'document') >= stepIndex('document');
  const base = { ...inc, reportExportedAt: iso(now) };
  if (inc.status === 'closed' || !reached) return base;
  return { ...base, ticks: { ...base.ticks, 'document.export': { at: iso(now), outcome: 'done' } } };
}

/**
 * Closes the incident with a summary. Open steps are allowed (a false alarm closes early) and are listed
 * as not completed in the report. Closing writes the final report (incident.service.ts), so from Document on
 * "Export the report" is ticked, and Document completes when nothing else is open in it.
 * @throws AppError INCIDENT_CLOSED, INCIDENT_BAD_INPUT (empty summary)
 */
export function closeIncident(
  inc: Incident,
  summary: string,
  now: Date,
  finalReport: Incident['finalReport'] = null,
): Incident {
  assertActive(inc);
  const s = summary.trim();
  if (s === '')
    throw new AppError(
      IncidentErrorCode.BadInput,
      'Write a short summary to close the incident (what happened and what was done).',
    );
  let cur = inc;
  if (currentStep(cur) === 'document') {
    if (!('document.export' in cur.ticks))
      cur = {
        ...cur,
        ticks: {
          ...cur.ticks,
          'document.export': { at: iso(now), outcome: 'done', note: 'final report written at close' },
        },
      };
    if (blockers(cur, 'document').length === 0 && unmetEssentials(cur, 'document').length === 0)
      cur = completeStep(cur, 'document', now);
  }
  return { ...cur, status: 'closed', closedAt: iso(now), summary: s, finalReport };
}
