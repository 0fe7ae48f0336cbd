import { resolve } from 'node:path';
import type { Command, CliIO } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import { AppError } from '../../common/errors';
import { deploymentForFolder } from '../../core/inventory/inventory';
import type { IncidentView, ReportFormat } from '../../core/incident/incident.service';

/** The incident the command is about: --id, else the one active incident, else the newest. */
async function pickIncident(io: CliIO, id: unknown): Promise<string> {
  if (typeof id === 'string') return id;
  const all = await io.core().incident.list();
  const active = all.filter((i) => i.status === 'active');
  if (active.length > 1) throw new UsageError(`${String(active.length)} incidents are open (${active.map((i) => i.id).join(', ')}); choose one with --id.`);
  const chosen = active[0] ?? all[0];
  if (!chosen) throw new AppError('INCIDENT_UNKNOWN', 'No incident has been recorded. Start one with `crucible-secrets incident start DIR`.');
  return chosen.id;
}

function printCurrentStep(io: CliIO, v: IncidentView): void {
  const step = v.steps.find((s) => s.id === v.currentStep);
  if (!step) {
    io.stdout.write('Every step is completed.\n');
    return;
  }
  io.stdout.write(`\nCurrent step: ${step.title}. Run the commands from the deployment folder:\n  ${v.workdir}\n\n`);
  for (const item of v.items.filter((i) => i.step === step.id)) {
    const tick = v.incident.ticks[item.id];
    const mark = tick ? (tick.outcome === 'done' ? '✓' : '–') : item.required ? '☐' : '·';
    io.stdout.write(`${mark} ${item.title}${item.required ? '' : ' (optional)'}${tick ? `  [${tick.outcome} ${tick.at}]` : ''}\n`);
    io.stdout.write(`  ${item.detail}\n`);
    for (const c of item.commands) io.stdout.write(`    ${c.replace(/\n/g, '\n    ')}\n`);
  }
  io.stdout.write('\nTick items and complete steps in the app (Incident page).\n');
}

const startCommand: Command = {
  name: 'incident start',
  summary: 'Open an incident for a deployment and print the first step of the runbook',
  usage: `crucible-secrets incident start DIR [--title TEXT] [--json]

DIR is the folder of a deployment set up with this app. The incident is kept in the app state (the app
shows it as a banner); its six steps are Isolate, Assess, Rotate, Review logs, Notify and Document.

Options:
  --title TEXT   what happened, in a few words (default "Security incident")
  --json         print the incident as JSON`,
  allowPositionals: true,
  options: { title: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1 || positionals[0] === undefined) throw new UsageError('give exactly one DIR (the deployment folder).');
    const core = io.core();
    const dep = await deploymentForFolder(await core.store.read(), resolve(positionals[0]));
    const title = typeof values.title === 'string' ? values.title : 'Security incident';
    const view = await core.incident.start(dep.id, title);
    if (values.json) {
      writeJson(io, view);
      return ExitCode.Ok;
    }
    io.stdout.write(`Incident ${view.incident.id} opened for ${view.deploymentName} at ${view.incident.openedAt}.\n`);
    printCurrentStep(io, view);
    return ExitCode.Ok;
  },
};

const statusCommand: Command = {
  name: 'incident status',
  summary: 'List incidents; for open ones, the current step and what is still open',
  usage: `crucible-secrets incident status [--id ID] [--json]

Exit codes: 0 no incident is open; 1 at least one incident is open.`,
  options: { id: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const core = io.core();
    const all = await core.incident.list();
    const shown = typeof values.id === 'string' ? all.filter((i) => i.id === values.id) : all;
    if (typeof values.id === 'string' && shown.length === 0) throw new AppError('INCIDENT_UNKNOWN', `There is no incident ${values.id}.`);
    const open = await Promise.all(shown.filter((i) => i.status === 'active').map((i) => core.incident.view(i.id)));
    if (values.json) {
      writeJson(io, {
        incidents: shown,
        open: open.map((v) => ({
          id: v.incident.id,
          title: v.incident.title,
          currentStep: v.currentStep,
          steps: v.steps,
          ticks: v.incident.ticks,
          rotation: v.incident.rotation,
        })),
      });
    } else if (shown.length === 0) {
      io.stdout.write('No incident has been recorded.\n');
    } else {
      for (const i of shown) {
        io.stdout.write(`${i.status === 'active' ? '●' : '○'} ${i.id}  ${i.deploymentName}  "${i.title}"  opened ${i.openedAt}${i.closedAt ? `, closed ${i.closedAt}` : `, at ${i.currentStep ?? 'the end'}`}\n`);
      }
      for (const v of open) {
        io.stdout.write(`\n${v.incident.id}:\n`);
        for (const s of v.steps) {
          const state = s.completedAt ? `completed ${s.completedAt}` : s.startedAt ? `in progress; open: ${s.blockers.join(', ') || 'nothing (complete it)'}` : 'not started';
          io.stdout.write(`  ${s.title.padEnd(12)} ${state}\n`);
        }
        const run = v.incident.rotation;
        if (run) io.stdout.write(`  Rotation: ${String(run.items.filter((x) => x.status === 'rotated').length)}/${String(run.items.length)} rotated${run.finishedAt ? ' (finished)' : ''}\n`);
      }
    }
    return open.length > 0 ? ExitCode.Findings : ExitCode.Ok;
  },
};

const reportCommand: Command = {
  name: 'incident report',
  summary: 'Write the incident report (Markdown or printable HTML); never a secret value',
  usage: `crucible-secrets incident report [--id ID] [--out FILE] [--format markdown|html]

Without --id: the open incident, or the newest one. Without --out the Markdown goes to standard output.
The format follows FILE's extension (.html or .md) unless --format says otherwise. The file is written
with mode 0600 and the export is recorded in the incident.`,
  options: { id: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' } },
  async run({ values }, io) {
    const fmt = values.format;
    if (fmt !== undefined && fmt !== 'markdown' && fmt !== 'html') throw new UsageError('--format is markdown or html.');
    const core = io.core();
    const id = await pickIncident(io, values.id);
    if (typeof values.out !== 'string') {
      const r = await core.incident.report(id);
      io.stdout.write(fmt === 'html' ? r.html : r.markdown);
      return ExitCode.Ok;
    }
    const out = resolve(values.out);
    const format: ReportFormat = fmt ?? (/\.html?$/i.test(out) ? 'html' : 'markdown');
    await core.incident.exportReport(id, format, out);
    io.stderr.write(`Incident report (${format}) written to ${out}\n`);
    return ExitCode.Ok;
  },
};

export const incidentCommands: Command[] = [startCommand, statusCommand, reportCommand];
