import type { Finding } from '../../common/model/finding';
import { SEVERITY_RANK } from '../../common/model/severity';
import { CHECKLIST, type ChecklistItemDef } from './items';
import { NO_FACTS, prove, type ChecklistFacts } from './evidence';

/** A tick as the state stores it (store/schema.ts ChecklistTick). */
export interface Tick {
  checkedAt: string;
  note?: string;
}

/** The fine-grained status (kept for the report and the ongoing items' due dates). */
export type ItemStatus = 'pass' | 'fail' | 'todo' | 'done' | 'due' | 'overdue' | 'unknown';

/**
 * Why an item is done or not, which the Checklist page and the Dashboard show apart:
 * - `verified`: the app has evidence (the audit's findings and facts, the journal);
 * - `manual`: the admin ticked it with a note and nothing the app can see contradicts it ("ticked by you");
 * - `failing`: evidence against it (a finding, a backup older than the policy, an overdue periodic check);
 * - `todo`: no evidence either way and not ticked with a note;
 * - `unknown`: no audit yet.
 */
export type ChecklistState = 'verified' | 'manual' | 'failing' | 'todo' | 'unknown';

export interface ChecklistItemState {
  id: string;
  list: ChecklistItemDef['list'];
  title: string;
  help: string;
  mode: ChecklistItemDef['mode'];
  status: ItemStatus;
  state: ChecklistState;
  /** One sentence: what decides the state (the evidence, the tick, or what is missing). Never a value. */
  basis: string;
  /** The findings and facts behind it: `CODE: title — evidence` (never a value). */
  evidence: string[];
  tick?: Tick;
  periodDays?: number;
  /** Ongoing items: when the next check is due (ISO date). */
  dueAt?: string;
}

export interface ChecklistInput {
  /** The latest audit's findings; null = no audit yet. */
  findings: readonly Finding[] | null;
  facts?: ChecklistFacts;
  ticks: Readonly<Record<string, Tick>>;
  now: Date;
}

/** Ongoing items show as due this many days before their date. */
export const DUE_SOON_DAYS = 7;
const DAY = 86_400_000;

function matching(findings: readonly Finding[], codes: readonly string[] | undefined): Finding[] {
  if (!codes) return [];
  return findings.filter((f) => codes.includes(f.code) && SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning);
}

function describe(f: Finding): string {
  return `${f.code}: ${f.title}${f.evidence ? ` — ${f.evidence}` : ''}`;
}

/** A tick counts only with a note saying what was done (older ticks without one do not). */
function noted(tick: Tick | undefined): tick is Tick & { note: string } {
  return tick !== undefined && tick.note !== undefined && tick.note.trim() !== '';
}

const day = (iso: string) => iso.slice(0, 10);
const tickedBy = (t: Tick & { note: string }) => `Ticked by you on ${day(t.checkedAt)}: ${t.note}`;
const noNote = (t: Tick) =>
  `Ticked on ${day(t.checkedAt)} without a note; tick it again with a note saying what was done.`;

type Base = Omit<ChecklistItemState, 'status' | 'state' | 'basis' | 'evidence'>;

function evaluated(def: ChecklistItemDef, base: Base, findings: readonly Finding[] | null): ChecklistItemState {
  if (findings === null)
    return {
      ...base,
      status: 'unknown',
      state: 'unknown',
      basis: 'Run the audit to evaluate this item.',
      evidence: [],
    };
  const bad = matching(findings, def.failsOn);
  if (bad.length > 0)
    return {
      ...base,
      status: 'fail',
      state: 'failing',
      basis: `The latest audit reports ${String(bad.length)} related finding${bad.length === 1 ? '' : 's'}.`,
      evidence: bad.map(describe),
    };
  return {
    ...base,
    status: 'pass',
    state: 'verified',
    basis: 'Checked by the latest audit: no related finding.',
    evidence: [],
  };
}

/** The failing state of a manual or ongoing item the latest audit has findings against (null when none). */
function blockedState(
  def: ChecklistItemDef,
  withTick: Base,
  findings: readonly Finding[] | null,
  basis: (count: number) => string,
): ChecklistItemState | null {
  const blockers = findings === null ? [] : matching(findings, def.blockedBy);
  if (blockers.length === 0) return null;
  return {
    ...withTick,
    status: 'fail',
    state: 'failing',
    basis: basis(blockers.length),
    evidence: blockers.map(describe),
  };
}

function manual(def: ChecklistItemDef, base: Base, input: ChecklistInput): ChecklistItemState {
  const { findings, ticks, now } = input;
  const tick = ticks[def.id];
  const withTick = tick ? { ...base, tick } : base;
  const blocked = blockedState(
    def,
    withTick,
    findings,
    (n) =>
      `The latest audit reports ${String(n)} finding${n === 1 ? '' : 's'} against it${noted(tick) ? ', whatever the tick says' : ''}.`,
  );
  if (blocked) return blocked;
  const proof = def.proof ? prove(def.proof, input.facts ?? NO_FACTS, now) : null;
  // Evidence the app found wins over a tick; a tick is shown as the admin's word, with what the app saw.
  if (proof?.verified) return { ...withTick, status: 'pass', state: 'verified', basis: proof.evidence, evidence: [] };
  const seen = proof ? [proof.evidence] : [];
  if (noted(tick)) return { ...withTick, status: 'done', state: 'manual', basis: tickedBy(tick), evidence: seen };
  if (proof?.verified === false && proof.failing)
    return {
      ...withTick,
      status: 'fail',
      state: 'failing',
      basis: proof.evidence,
      evidence: tick ? [noNote(tick)] : [],
    };
  return {
    ...withTick,
    status: 'todo',
    state: 'todo',
    basis: tick
      ? noNote(tick)
      : proof
        ? `${proof.evidence} Tick it with a note once it is done.`
        : 'Not ticked yet. Tick it with a note once it is done.',
    evidence: [],
  };
}

function ongoing(def: ChecklistItemDef, base: Base, input: ChecklistInput): ChecklistItemState {
  const { findings, ticks, now } = input;
  const tick = ticks[def.id];
  const withTick = tick ? { ...base, tick } : base;
  const blocked = blockedState(def, withTick, findings, () => 'The latest audit reports findings against it.');
  if (blocked) return blocked;
  const period = (def.periodDays ?? 90) * DAY;
  if (!noted(tick))
    return {
      ...withTick,
      status: 'due',
      state: 'todo',
      basis: tick ? noNote(tick) : 'Never done.',
      evidence: [],
      dueAt: now.toISOString(),
    };
  const due = new Date(Date.parse(tick.checkedAt) + period);
  const left = due.getTime() - now.getTime();
  const next = `next due ${due.toISOString().slice(0, 10)}`;
  if (left < 0)
    return {
      ...withTick,
      status: 'overdue',
      state: 'failing',
      basis: `Last done on ${day(tick.checkedAt)}; was due ${due.toISOString().slice(0, 10)}.`,
      evidence: [tickedBy(tick)],
      dueAt: due.toISOString(),
    };
  return {
    ...withTick,
    status: left <= DUE_SOON_DAYS * DAY ? 'due' : 'done',
    state: 'manual',
    basis: `${tickedBy(tick)} (${next}).`,
    evidence: [],
    dueAt: due.toISOString(),
  };
}

/**
 * Evaluates the checklist from one audit's findings and facts, the journal's backups and the admin's ticks.
 * Pure: the same input gives the same verdicts wherever it is shown.
 */
export function evaluateChecklist(
  input: ChecklistInput,
  items: readonly ChecklistItemDef[] = CHECKLIST,
): ChecklistItemState[] {
  return items.map((def): ChecklistItemState => {
    const base: Base = {
      id: def.id,
      list: def.list,
      title: def.title,
      help: def.help,
      mode: def.mode,
      ...(def.periodDays !== undefined ? { periodDays: def.periodDays } : {}),
    };
    if (def.mode === 'evaluated') return evaluated(def, base, input.findings);
    return def.mode === 'manual' ? manual(def, base, input) : ongoing(def, base, input);
  });
}

export interface ChecklistCounts {
  verified: number;
  manual: number;
  failing: number;
  todo: number;
  unknown: number;
  /** Ongoing items due soon (or never done) and overdue. */
  due: number;
  overdue: number;
}

/** The Dashboard's summary: verified apart from ticked by the admin, and what needs attention. */
export function checklistAttention(states: readonly ChecklistItemState[]): ChecklistCounts {
  const n = (p: (s: ChecklistItemState) => boolean) => states.filter(p).length;
  return {
    verified: n((s) => s.state === 'verified'),
    manual: n((s) => s.state === 'manual'),
    failing: n((s) => s.state === 'failing'),
    todo: n((s) => s.state === 'todo'),
    unknown: n((s) => s.state === 'unknown'),
    due: n((s) => s.status === 'due'),
    overdue: n((s) => s.status === 'overdue'),
  };
}
