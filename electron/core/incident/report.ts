import { INCIDENT_STEPS, STEP_TITLES, type Incident, type StepId } from '../../common/model/incident';
import type { DeploymentRef } from '../../common/model/deployment';
import type { JournalEntry, JournalType, JournalVerification } from '../journal/journal';
import type { SecretMeta } from '../store/schema';
import type { RunbookItem } from './runbook';

/**
 * The Document step's incident report: one structured document built from the incident, the journal and
 * the state, rendered as Markdown and as printable HTML. Every string goes through `redact` when the
 * document is built (before any escaping, so an escaped value cannot slip past), and each rendering is
 * redacted once more as a whole. Secrets appear by name and generation only.
 */

export interface ReportInput {
  incident: Incident;
  deployment: Pick<DeploymentRef, 'id' | 'name' | 'environment'>;
  items: RunbookItem[];
  /** Journal entries of the deployment; the report keeps those inside the incident window. */
  journal: JournalEntry[];
  journalCheck: JournalVerification | null;
  /** The deployment's secret metadata from the state (generation, last rotated). */
  secrets: Record<string, SecretMeta>;
  notice: string;
  generatedAt: Date;
  /** The logger's redactor (knows every secret value this process handled). */
  redact: (text: string) => string;
}

interface TimelineRow {
  at: string;
  source: 'admin' | 'app';
  text: string;
}

interface ItemRow {
  step: string;
  title: string;
  required: boolean;
  status: 'done' | 'skipped' | 'open';
  at: string | null;
  note: string | null;
}

interface SecretRow {
  variable: string;
  status: string;
  generation: string;
  at: string;
  note: string;
}

export interface ReportDoc {
  title: string;
  meta: Array<[string, string]>;
  summary: string;
  assessment: Array<[string, string]>;
  steps: Array<{ title: string; started: string; completed: string; override: string | null; items: ItemRow[] }>;
  timeline: TimelineRow[];
  secrets: SecretRow[];
  integrity: string;
  notice: string;
}

const when = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');

// Keyed by any string (entries read back may carry older types), checked against the current list.
const JOURNAL_PHRASES: Partial<Record<string, string>> = {
  'incident.opened': 'Incident opened',
  'incident.closed': 'Incident closed',
  'incident.step': 'Runbook',
  'secret.rotated': 'Secret rotated',
  'secret.generated': 'Secret generated',
  'secret.revealed': 'Secret revealed',
  'secret.copied': 'Secret copied',
  'secrets.stored': 'Secrets stored',
  'secrets.rolled-back': 'Secrets rolled back',
  'file.written': 'File written',
  'fix.applied': 'Fix applied',
  'backup.restored': 'Backup restored',
} satisfies Partial<Record<JournalType, string>>;

function describeEntry(e: JournalEntry, titles: Map<string, string>): string {
  const head = JOURNAL_PHRASES[e.type] ?? e.type;
  const subject =
    e.subject !== undefined && e.type === 'incident.step' ? (titles.get(e.subject) ?? e.subject) : e.subject;
  const details = Object.entries(e.details)
    .filter(([k]) => k !== 'incident')
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ');
  return [head, subject, details].filter((x) => x !== undefined && x !== '').join(' — ');
}

/** "completed with an override: <reason>" and what it left undone, or null. */
function overrideText(o: Incident['steps'][StepId]['override'], r: (s: string) => string): string | null {
  if (o === null) return null;
  return r(`completed with an override: ${o.reason}${o.unmet.length > 0 ? ` (not done: ${o.unmet.join('; ')})` : ''}`);
}

/** Builds the report document. Pure. */
export function buildReport(input: ReportInput): ReportDoc {
  const { incident: inc, redact } = input;
  const r = (s: string) => redact(s);
  const from = inc.openedAt;
  const to = inc.closedAt ?? input.generatedAt.toISOString();
  const titles = new Map<string, string>([
    ...input.items.map((i): [string, string] => [i.id, i.title]),
    ...Object.entries(STEP_TITLES),
  ]);

  const timeline: TimelineRow[] = [
    ...inc.timeline.map((t) => ({ at: t.at, source: 'admin' as const, text: r(t.text) })),
    ...input.journal
      .filter(
        (e) => e.at >= from && e.at <= to && (e.deploymentId === undefined || e.deploymentId === inc.deploymentId),
      )
      .filter((e) => !e.type.startsWith('incident.') || e.details.incident === inc.id)
      .map((e) => ({ at: e.at, source: 'app' as const, text: r(describeEntry(e, titles)) })),
  ].sort((a, b) => a.at.localeCompare(b.at));

  const steps = INCIDENT_STEPS.map((s) => ({
    title: STEP_TITLES[s],
    started: when(inc.steps[s].startedAt),
    completed: inc.steps[s].completedAt ? when(inc.steps[s].completedAt) : 'not completed',
    override: overrideText(inc.steps[s].override, r),
    items: input.items
      .filter((i) => i.step === s)
      .map((i): ItemRow => {
        const t = inc.ticks[i.id];
        // The report being generated is the export: it never lists itself as not done.
        if (!t && i.kind === 'export')
          return {
            step: STEP_TITLES[s],
            title: i.title,
            required: i.required,
            status: 'done',
            at: when(input.generatedAt.toISOString()),
            note: 'this report',
          };
        return {
          step: STEP_TITLES[s],
          title: i.title,
          required: i.required,
          status: t?.outcome ?? 'open',
          at: t ? when(t.at) : null,
          note: t?.note ? r(t.note) : null,
        };
      }),
  }));

  const secrets: SecretRow[] = [];
  const seen = new Set<string>();
  for (const i of inc.rotation?.items ?? []) {
    seen.add(i.variable);
    const meta = input.secrets[i.variable];
    secrets.push({
      variable: i.variable,
      status: i.status,
      generation: i.generation !== null ? String(i.generation) : meta ? `${String(meta.generation)} (unchanged)` : '—',
      at: when(i.at),
      note: i.reason ? r(i.reason) : '',
    });
  }
  // Rotations done outside the run (Rotation page, CLI) during the incident window still belong here.
  for (const e of input.journal) {
    if (e.type !== 'secret.rotated' || !e.subject || seen.has(e.subject) || e.at < from || e.at > to) continue;
    if (e.deploymentId !== undefined && e.deploymentId !== inc.deploymentId) continue;
    seen.add(e.subject);
    const gen =
      typeof e.details.generation === 'number'
        ? String(e.details.generation)
        : input.secrets[e.subject]
          ? String(input.secrets[e.subject]?.generation)
          : '—';
    secrets.push({
      variable: e.subject,
      status: 'rotated',
      generation: gen,
      at: when(e.at),
      note: 'outside the runbook',
    });
  }

  const a = inc.answers;
  const check = input.journalCheck;
  const integrity =
    check === null
      ? 'The journal was not checked.'
      : check.ok
        ? `The journal's hash chain is intact (${String(check.entries)} entries).`
        : `The journal's hash chain shows ${String(check.problems.length)} problem(s): ${check.problems
            .slice(0, 5)
            .map((p) => p.message)
            .join(' ')}`;

  return {
    title: r(`Incident report: ${inc.title}`),
    meta: [
      ['Deployment', r(`${input.deployment.name} (${input.deployment.id}, ${input.deployment.environment})`)],
      ['Incident', inc.id],
      ['Status', inc.status],
      ['Opened', when(inc.openedAt)],
      ['Closed', when(inc.closedAt)],
      ['Report generated', when(input.generatedAt.toISOString())],
    ],
    summary: inc.summary ? r(inc.summary) : 'The incident is still open.',
    assessment: [
      ['What was exposed', a.whatExposed ? r(a.whatExposed) : 'not recorded'],
      ['Since when', when(a.since)],
      ['Secrets believed exposed', a.secrets.length > 0 ? a.secrets.join(', ') : 'none recorded'],
      ['Users affected', a.users ? r(a.users) : 'not recorded'],
    ],
    steps,
    timeline,
    secrets,
    integrity,
    notice: r(input.notice),
  };
}

/** "Not started.", "Started X; not completed." or "Started X; completed Y." */
function stepLine(s: ReportDoc['steps'][number]): string {
  if (s.started === '—') return 'Not started.';
  return `Started ${s.started}; ${s.completed === 'not completed' ? 'not completed' : `completed ${s.completed}`}.`;
}

/** Markdown: neutralise what would turn admin text into HTML or break a table row. */
function md(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/** The report as Markdown. */
export function reportMarkdown(doc: ReportDoc, redact: (s: string) => string): string {
  const out: string[] = [];
  out.push(`# ${md(doc.title)}`, '');
  out.push('| | |', '|---|---|', ...doc.meta.map(([k, v]) => `| ${k} | ${md(v)} |`), '');
  out.push('## Summary', '', md(doc.summary), '');
  out.push('## Assessment', '', ...doc.assessment.map(([k, v]) => `- **${k}:** ${md(v)}`), '');
  out.push('## Timeline', '');
  if (doc.timeline.length === 0) out.push('No entries.');
  else
    out.push(
      '| When (UTC) | Source | What |',
      '|---|---|---|',
      ...doc.timeline.map((t) => `| ${when(t.at)} | ${t.source} | ${md(t.text)} |`),
    );
  out.push('');
  out.push('## Actions', '');
  for (const s of doc.steps) {
    out.push(`### ${s.title}`, '', stepLine(s), '');
    if (s.override) out.push(`**Warning:** ${md(s.override)}`, '');
    for (const i of s.items) {
      const mark = i.status === 'done' ? '[x]' : i.status === 'skipped' ? '[-]' : '[ ]';
      const tail =
        i.status === 'open'
          ? i.required
            ? ' — not done'
            : ' — optional, not done'
          : ` — ${i.status} ${i.at ?? ''}${i.note ? ` (${md(i.note)})` : ''}`;
      out.push(`- ${mark} ${md(i.title)}${tail}`);
    }
    out.push('');
  }
  out.push('## Secrets rotated', '', 'By name and generation; values are never recorded.', '');
  if (doc.secrets.length === 0) out.push('No secret was rotated.');
  else
    out.push(
      '| Secret | Result | Generation | When (UTC) | Note |',
      '|---|---|---|---|---|',
      ...doc.secrets.map((s) => `| ${s.variable} | ${s.status} | ${s.generation} | ${s.at} | ${md(s.note)} |`),
    );
  out.push('', '## Journal integrity', '', md(doc.integrity), '');
  out.push('## Notice to users', '', '```text', doc.notice.replace(/```/g, "'''").trimEnd(), '```', '');
  return redact(out.join('\n'));
}

function h(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const PRINT_CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.5rem}h2{font-size:1.2rem;margin-top:1.8rem;border-bottom:1px solid #ccc}h3{font-size:1rem;margin-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #bbb;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}.override{color:#8a1111}.done{color:#145a14}.skipped{color:#7a5a00}.open{color:#8a1111}pre{white-space:pre-wrap;border:1px solid #bbb;padding:.6rem;background:#fafafa}
ul.items{list-style:none;padding-left:0}ul.items li{margin:.15rem 0}
@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}tr,li{break-inside:avoid}a{color:inherit}}
`;

/** The report as a self-contained, printable HTML page (no script, no external resource). */
export function reportHtml(doc: ReportDoc, redact: (s: string) => string): string {
  const rows = (cells: string[][], head?: string[]) =>
    `<table>${head ? `<thead><tr>${head.map((c) => `<th scope="col">${h(c)}</th>`).join('')}</tr></thead>` : ''}<tbody>${cells
      .map((r) => `<tr>${r.map((c) => `<td>${h(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const parts: string[] = [];
  parts.push('<!doctype html>', '<html lang="en"><head><meta charset="utf-8">');
  parts.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  parts.push(`<title>${h(doc.title)}</title><style>${PRINT_CSS}</style></head><body>`);
  parts.push(`<h1>${h(doc.title)}</h1>`);
  parts.push(
    `<table><tbody>${doc.meta.map(([k, v]) => `<tr><th scope="row">${h(k)}</th><td>${h(v)}</td></tr>`).join('')}</tbody></table>`,
  );
  parts.push(`<h2>Summary</h2><p>${h(doc.summary)}</p>`);
  parts.push(
    `<h2>Assessment</h2><table><tbody>${doc.assessment.map(([k, v]) => `<tr><th scope="row">${h(k)}</th><td>${h(v)}</td></tr>`).join('')}</tbody></table>`,
  );
  parts.push('<h2>Timeline</h2>');
  parts.push(
    doc.timeline.length === 0
      ? '<p>No entries.</p>'
      : rows(
          doc.timeline.map((t) => [when(t.at), t.source, t.text]),
          ['When (UTC)', 'Source', 'What'],
        ),
  );
  parts.push('<h2>Actions</h2>');
  for (const s of doc.steps) {
    parts.push(`<h3>${h(s.title)}</h3><p>${h(stepLine(s))}</p>`);
    if (s.override) parts.push(`<p class="override"><strong>Warning:</strong> ${h(s.override)}</p>`);
    parts.push('<ul class="items">');
    for (const i of s.items) {
      const label =
        i.status === 'done'
          ? '✓ done'
          : i.status === 'skipped'
            ? '– skipped'
            : i.required
              ? '✗ not done'
              : '· optional, not done';
      parts.push(
        `<li class="${i.status}"><strong>${h(label)}</strong> ${h(i.title)}${i.at ? ` <small>${h(i.at)}</small>` : ''}${i.note ? ` <em>(${h(i.note)})</em>` : ''}</li>`,
      );
    }
    parts.push('</ul>');
  }
  parts.push('<h2>Secrets rotated</h2><p>By name and generation; values are never recorded.</p>');
  parts.push(
    doc.secrets.length === 0
      ? '<p>No secret was rotated.</p>'
      : rows(
          doc.secrets.map((s) => [s.variable, s.status, s.generation, s.at, s.note]),
          ['Secret', 'Result', 'Generation', 'When (UTC)', 'Note'],
        ),
  );
  parts.push(`<h2>Journal integrity</h2><p>${h(doc.integrity)}</p>`);
  parts.push(`<h2>Notice to users</h2><pre>${h(doc.notice)}</pre>`);
  parts.push('</body></html>', '');
  return redact(parts.join('\n'));
}
