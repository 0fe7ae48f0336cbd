import { resolve } from 'node:path';
import type { Command } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import { STEP_TITLES } from '../../common/model/incident';
import { deploymentForFolder } from '../../core/inventory/inventory';
import type { ReportFormat } from '../../core/incident/incident.service';
import { INCIDENT_ALIASES, INCIDENT_OPTION, openWork, pickIncident, printCurrentStep } from './incident-shared';
import { incidentStepCommands } from './incident-steps';
import { unlockVaultIfChosen, VAULT_HELP, VAULT_OPTIONS } from './vault-unlock';

const startCommand: Command = {
  name: 'incident start',
  summary: 'Open an incident for a deployment and print the first step of the runbook',
  usage: `crucible-secrets incident start DIR [--title TEXT] [--json]

DIR is the folder of a deployment set up with this app. The incident is kept in the app state (the app
shows it as a banner); its six steps are Isolate, Assess, Rotate, Review logs, Notify and Document.
Record progress with \`crucible-secrets incident tick|skip|answer|timeline|rotate|complete|close\`.

Options:
  --title TEXT   what happened, in a few words (default "Security incident"); never a secret value
  --json         print the incident as JSON

${VAULT_HELP}`,
  exitCodes: {
    0: 'opened',
    65: 'DIR is not a registered deployment, an incident is already open for it, or the title holds a secret',
    69: 'the vault could not be unlocked',
  },
  allowPositionals: true,
  options: { title: { type: 'string' }, json: { type: 'boolean' }, ...VAULT_OPTIONS },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1 || positionals[0] === undefined)
      throw new UsageError('give exactly one DIR (the deployment folder).');
    const core = io.core();
    const dep = await deploymentForFolder(
      await core.store.read(),
      positionals[0].startsWith('ssh://') ? positionals[0] : resolve(positionals[0]),
    );
    const title = typeof values.title === 'string' ? values.title : 'Security incident';
    // The title is checked against the deployment's secrets, which the vault must be open to read.
    await unlockVaultIfChosen(io, core, values);
    const view = await core.incident.start(dep.id, title);
    if (values.json) {
      writeJson(io, view);
      return ExitCode.Ok;
    }
    io.stdout.write(
      `Incident "${view.incident.title}" (${view.incident.id}) opened for ${view.deploymentName} at ${view.incident.openedAt}.\n`,
    );
    printCurrentStep(io, view);
    return ExitCode.Ok;
  },
};

const statusCommand: Command = {
  name: 'incident status',
  summary: 'List incidents; for open ones, the current step and what is still open',
  usage: `crucible-secrets incident status [--incident ID|TITLE] [--json]

Lists every incident with its title; for open ones, each step and what is still open in it (by title).
--json also gives the item ids (the commands accept ids and titles alike).`,
  aliases: INCIDENT_ALIASES,
  exitCodes: { 0: 'no incident is open', 1: 'at least one incident is open', 65: 'no such incident' },
  options: { ...INCIDENT_OPTION, json: { type: 'boolean' } },
  async run({ values }, io) {
    const core = io.core();
    const all = await core.incident.list();
    const chosen = values.incident === undefined ? undefined : await pickIncident(io, values.incident);
    const shown = chosen === undefined ? all : all.filter((i) => i.id === chosen);
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
        const at = i.currentStep === null ? 'every step completed' : `at ${STEP_TITLES[i.currentStep]}`;
        io.stdout.write(
          `${i.status === 'active' ? '●' : '○'} "${i.title}"  ${i.deploymentName}  opened ${i.openedAt}${i.closedAt ? `, closed ${i.closedAt}` : `, ${at}`}  (${i.id})\n`,
        );
      }
      for (const v of open) {
        io.stdout.write(`\n"${v.incident.title}":\n`);
        for (const s of v.steps) {
          const state = s.completedAt
            ? `completed ${s.completedAt}`
            : s.startedAt
              ? `in progress; open: ${openWork(v, s.id).join(', ') || 'nothing (`crucible-secrets incident complete`)'}`
              : 'not started';
          io.stdout.write(`  ${s.title.padEnd(12)} ${state}\n`);
        }
        const run = v.incident.rotation;
        if (run)
          io.stdout.write(
            `  Rotation: ${String(run.items.filter((x) => x.status === 'rotated').length)}/${String(run.items.length)} rotated${run.finishedAt ? ' (finished)' : ''}\n`,
          );
      }
    }
    return open.length > 0 ? ExitCode.Findings : ExitCode.Ok;
  },
};

const reportCommand: Command = {
  name: 'incident report',
  summary: 'Write the incident report (Markdown or printable HTML); never a secret value',
  usage: `crucible-secrets incident report [--incident ID|TITLE] [--out FILE] [--format markdown|html]

Without --incident: the open incident, or the newest one. Without --out the Markdown goes to standard output.
The format follows FILE's extension (.html or .md) unless --format says otherwise. The file is written
with mode 0600 and the export is recorded in the incident (it ticks "Export the report" in Document).
The report is redacted with the deployment's secrets, which the vault must be open to read.

${VAULT_HELP}`,
  exitCodes: { 0: 'written', 65: 'no such incident, or FILE cannot be written', 69: 'the vault could not be unlocked' },
  aliases: INCIDENT_ALIASES,
  options: { ...INCIDENT_OPTION, out: { type: 'string' }, format: { type: 'string' }, ...VAULT_OPTIONS },
  async run({ values }, io) {
    const fmt = values.format;
    if (fmt !== undefined && fmt !== 'markdown' && fmt !== 'html')
      throw new UsageError('--format is markdown or html.');
    const core = io.core();
    const id = await pickIncident(io, values.incident);
    await unlockVaultIfChosen(io, core, values);
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

export const incidentCommands: Command[] = [startCommand, statusCommand, ...incidentStepCommands, reportCommand];
