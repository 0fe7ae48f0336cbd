import type { Finding, Severity } from '../../common/model/finding';
import type { ChecklistItemState } from '../checklist/evaluate';
import { CHECKLIST_LISTS, type ChecklistList } from '../checklist/items';
import type { AuditResult, AuditTarget } from './types';

/**
 * The audit and checklist report, dated, for one deployment, as Markdown and as a printable HTML page.
 * Built only from findings and checklist states, which never hold secret values; the HTML escapes
 * everything and carries its own print stylesheet (no script, no external resource).
 */
export interface ReportInput {
  target: Pick<AuditTarget, 'id' | 'name' | 'folder' | 'environment'>;
  audit: AuditResult;
  checklist: ChecklistItemState[];
  generatedAt: Date;
  appVersion: string;
}

const ORDER: Severity[] = ['critical', 'error', 'warning', 'info'];
/** Verified (evidence the app found) and ticked by the admin are told apart, as on the Checklist page. */
function statusLabel(i: ChecklistItemState): string {
  switch (i.state) {
    case 'verified':
      return 'Verified';
    case 'manual':
      return i.status === 'due' ? 'Ticked by the admin (due soon)' : 'Ticked by the admin';
    case 'failing':
      return i.status === 'overdue' ? 'Overdue' : 'Fails';
    case 'todo':
      return i.status === 'due' ? 'Due' : 'To do';
    case 'unknown':
      return 'Not evaluated';
  }
}

function where(f: Finding): string {
  return [f.service ? `service ${f.service}` : '', f.file ? `${f.file}${f.line ? `:${String(f.line)}` : ''}` : '']
    .filter((s) => s !== '')
    .join(', ');
}

function md(s: string): string {
  return s.replace(/([\\`*_[\]|<>])/g, '\\$1').replace(/\r?\n/g, ' ');
}

export function reportFileName(input: Pick<ReportInput, 'target' | 'generatedAt'>, ext: 'md' | 'html'): string {
  return `crucible-audit-${input.target.id}-${input.generatedAt.toISOString().slice(0, 10)}.${ext}`;
}

export function renderMarkdown(r: ReportInput): string {
  const out: string[] = [];
  const c = r.audit.counts;
  out.push(`# Security audit — ${md(r.target.name)}`, '');
  out.push(`- Deployment: ${md(r.target.name)} (\`${r.target.id}\`), ${r.target.environment}`);
  out.push(`- Folder: ${md(r.target.folder)}`);
  out.push(`- Audited: ${r.audit.checkedAt} (files: ${r.audit.files.map(md).join(', ')})`);
  out.push(`- Report generated: ${r.generatedAt.toISOString()} by Crucible Secrets ${r.appVersion}`);
  out.push(
    `- Findings: ${String(c.critical)} critical, ${String(c.error)} error, ${String(c.warning)} warning, ${String(c.info)} info`,
    '',
  );
  out.push('No secret value appears in this report: evidence names files, lines, variables and lengths only.', '');
  out.push('## Findings', '');
  if (r.audit.findings.length === 0) out.push('No findings.', '');
  for (const sev of ORDER) {
    const list = r.audit.findings.filter((f) => f.severity === sev);
    if (list.length === 0) continue;
    out.push(`### ${sev[0]?.toUpperCase() ?? ''}${sev.slice(1)} (${String(list.length)})`, '');
    for (const f of list) {
      out.push(`#### ${md(f.title)}`, '');
      out.push(`- Code: \`${f.code}\`${where(f) ? ` — ${md(where(f))}` : ''}`);
      out.push(`- What: ${md(f.message)}`);
      if (f.evidence) out.push(`- Evidence: ${md(f.evidence)}`);
      out.push(`- Fix: ${md(f.howToFix)}${f.fixId ? ' (the app can apply this fix)' : ''}`, '');
    }
  }
  out.push('## Security checklist', '');
  for (const list of Object.keys(CHECKLIST_LISTS) as ChecklistList[]) {
    out.push(`### ${CHECKLIST_LISTS[list]}`, '', '| Item | Status | Evidence or note |', '| --- | --- | --- |');
    for (const i of r.checklist.filter((x) => x.list === list)) {
      const note = [i.basis, ...i.evidence].filter((s) => s !== '').join('; ');
      out.push(
        `| ${md(i.title)} | ${statusLabel(i)}${i.dueAt && i.list === 'ongoing' ? ` (due ${i.dueAt.slice(0, 10)})` : ''} | ${md(note)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

function h(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;color:#111;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem}h2{border-bottom:2px solid #333;padding-bottom:.2rem;margin-top:2rem}h3{margin-top:1.4rem}
.f{border:1px solid #bbb;border-left-width:6px;border-radius:4px;padding:.5rem .8rem;margin:.6rem 0;break-inside:avoid}
.critical{border-left-color:#7a0010}.error{border-left-color:#b42318}.warning{border-left-color:#b07800}.info{border-left-color:#0b5cad}
.f h4{margin:0 0 .3rem}.meta{color:#444;font-size:.9em}code{font-family:ui-monospace,monospace}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
.fail,.overdue{font-weight:700;color:#b42318}.pass,.done{color:#1a7f37}.due{color:#7a4d00;font-weight:700}
@media print{body{margin:0;max-width:none}a{color:inherit}}`;

export function renderHtml(r: ReportInput): string {
  const c = r.audit.counts;
  const parts: string[] = [];
  parts.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light"><title>Security audit — ${h(r.target.name)} — ${r.generatedAt.toISOString().slice(0, 10)}</title><style>${CSS}</style></head><body>`,
  );
  parts.push(`<h1>Security audit — ${h(r.target.name)}</h1>`);
  parts.push(
    `<p class="meta">Deployment <code>${h(r.target.id)}</code> (${h(r.target.environment)}) in ${h(r.target.folder)}<br>Audited ${h(r.audit.checkedAt)} · files ${r.audit.files.map(h).join(', ')}<br>Report generated ${h(r.generatedAt.toISOString())} by Crucible Secrets ${h(r.appVersion)}</p>`,
  );
  parts.push(
    `<p><strong>${String(c.critical)}</strong> critical · <strong>${String(c.error)}</strong> error · <strong>${String(c.warning)}</strong> warning · <strong>${String(c.info)}</strong> info. No secret value appears in this report.</p>`,
  );
  parts.push('<h2>Findings</h2>');
  if (r.audit.findings.length === 0) parts.push('<p>No findings.</p>');
  for (const sev of ORDER) {
    const list = r.audit.findings.filter((f) => f.severity === sev);
    if (list.length === 0) continue;
    parts.push(`<h3>${h(sev)} (${String(list.length)})</h3>`);
    for (const f of list) {
      parts.push(
        `<div class="f ${sev}"><h4>${h(f.title)}</h4><div class="meta"><code>${h(f.code)}</code>${where(f) ? ` · ${h(where(f))}` : ''}</div><p>${h(f.message)}</p>${f.evidence ? `<p class="meta">Evidence: ${h(f.evidence)}</p>` : ''}<p><strong>Fix:</strong> ${h(f.howToFix)}</p></div>`,
      );
    }
  }
  parts.push('<h2>Security checklist</h2>');
  for (const list of Object.keys(CHECKLIST_LISTS) as ChecklistList[]) {
    parts.push(
      `<h3>${h(CHECKLIST_LISTS[list])}</h3><table><thead><tr><th>Item</th><th>Status</th><th>Evidence or note</th></tr></thead><tbody>`,
    );
    for (const i of r.checklist.filter((x) => x.list === list)) {
      const note = [i.basis, ...i.evidence]
        .filter((s) => s !== '')
        .map(h)
        .join('<br>');
      parts.push(
        `<tr><td>${h(i.title)}</td><td class="${i.status}">${statusLabel(i)}${i.dueAt && i.list === 'ongoing' ? ` (due ${h(i.dueAt.slice(0, 10))})` : ''}</td><td>${note}</td></tr>`,
      );
    }
    parts.push('</tbody></table>');
  }
  parts.push('</body></html>');
  return parts.join('\n');
}
