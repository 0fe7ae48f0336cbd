import { SEVERITY_RANK, type Finding } from '../../common/model/finding';
import { CHECKLIST, type ChecklistItemDef } from './items';

/** A tick as the state stores it (store/schema.ts ChecklistTick). */
export interface Tick {
  checkedAt: string;
  note?: string;
}

export type ItemStatus = 'pass' | 'fail' | 'todo' | 'done' | 'due' | 'overdue' | 'unknown';

export interface ChecklistItemState {
  id: string;
  list: ChecklistItemDef['list'];
  title: string;
  help: string;
  mode: ChecklistItemDef['mode'];
  status: ItemStatus;
  /** The findings that decide the item: `CODE: title — evidence` (never a value). */
  evidence: string[];
  tick?: Tick;
  periodDays?: number;
  /** Ongoing items: when the next check is due (ISO date). */
  dueAt?: string;
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

/**
 * Evaluates the checklist from the latest audit's findings (null = no audit yet) and the admin's ticks.
 */
export function evaluateChecklist(findings: readonly Finding[] | null, ticks: Readonly<Record<string, Tick>>, now: Date, items: readonly ChecklistItemDef[] = CHECKLIST): ChecklistItemState[] {
  return items.map((def): ChecklistItemState => {
    const base = { id: def.id, list: def.list, title: def.title, help: def.help, mode: def.mode, periodDays: def.periodDays };
    const tick = ticks[def.id];
    if (def.mode === 'evaluated') {
      if (findings === null) return { ...base, status: 'unknown', evidence: ['Run the audit to evaluate this item.'] };
      const bad = matching(findings, def.failsOn);
      return { ...base, status: bad.length > 0 ? 'fail' : 'pass', evidence: bad.length > 0 ? bad.map(describe) : ['No related finding in the latest audit.'] };
    }
    const blockers = findings === null ? [] : matching(findings, def.blockedBy);
    if (blockers.length > 0) return { ...base, status: 'fail', evidence: blockers.map(describe), tick };
    if (def.mode === 'manual') return { ...base, status: tick ? 'done' : 'todo', evidence: tick ? [`Ticked on ${tick.checkedAt.slice(0, 10)}`] : [], tick };
    // ongoing
    const period = (def.periodDays ?? 90) * DAY;
    if (!tick) return { ...base, status: 'due', evidence: ['Never done.'], dueAt: now.toISOString() };
    const due = new Date(Date.parse(tick.checkedAt) + period);
    const status: ItemStatus = now.getTime() > due.getTime() ? 'overdue' : due.getTime() - now.getTime() <= DUE_SOON_DAYS * DAY ? 'due' : 'done';
    return { ...base, status, evidence: [`Last done on ${tick.checkedAt.slice(0, 10)}; next due ${due.toISOString().slice(0, 10)}.`], tick, dueAt: due.toISOString() };
  });
}

/** Items that need the admin now: failing, due or overdue. */
export function checklistAttention(states: readonly ChecklistItemState[]): { failing: number; due: number; overdue: number } {
  return {
    failing: states.filter((s) => s.status === 'fail').length,
    due: states.filter((s) => s.status === 'due').length,
    overdue: states.filter((s) => s.status === 'overdue').length,
  };
}
