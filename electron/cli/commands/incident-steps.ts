import type { AssessAnswers } from '../../common/model/incident';
import type { IncidentView } from '../../core/incident/incident.service';
import type { CliIO, Command } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import {
  INCIDENT_ALIASES,
  INCIDENT_OPTION,
  OVERRIDE_HINT,
  openWork,
  pickIncident,
  printCurrentStep,
  resolveItem,
  resolveStep,
  unmetWork,
} from './incident-shared';
import { unlockVaultIfChosen, VAULT_HELP, VAULT_OPTIONS } from './vault-unlock';

/**
 * The incident runbook's steps from the command line: everything the Incident page of the app does (tick,
 * skip with a reason, untick, answer the Assess questions, the timeline, rotate, complete a step, the user
 * notice, close). Text typed here is checked against the deployment's secrets like in the app, so the file
 * vault is unlocked first when it is the chosen store.
 */

const COMMON_OPTIONS = { ...INCIDENT_OPTION, json: { type: 'boolean' }, ...VAULT_OPTIONS } as const;
const COMMON_HELP = `  --incident ID|TITLE  which incident (default: the open one; also the old --id)
  --json               print the incident as JSON afterwards

${VAULT_HELP}`;
const COMMON_EXITS = {
  0: 'recorded',
  65: 'refused: the message says why (unknown item, wrong step, text holding a secret, closed incident…)',
  69: 'the vault could not be unlocked',
} as const;

/** Picks the incident, unlocks the vault, runs `fn`, prints the result. */
async function withIncident(
  io: CliIO,
  values: Record<string, unknown>,
  fn: (id: string, view: IncidentView) => Promise<{ view: IncidentView; said: string }>,
): Promise<number> {
  const core = io.core();
  const id = await pickIncident(io, values.incident);
  await unlockVaultIfChosen(io, core, values);
  const { view, said } = await fn(id, await core.incident.view(id));
  if (values.json === true) {
    writeJson(io, view);
    return ExitCode.Ok;
  }
  io.stdout.write(`${said}\n`);
  return ExitCode.Ok;
}

function oneText(positionals: string[], what: string): string {
  const text = positionals.join(' ').trim();
  if (text === '') throw new UsageError(`say which ${what}.`);
  return text;
}

const tickCommand: Command = {
  name: 'incident tick',
  summary: 'Mark a runbook item of the current step as done',
  usage: `crucible-secrets incident tick ITEM [--note TEXT] [--incident ID|TITLE] [--json]

ITEM is the item's title as \`crucible-secrets incident status\` and \`incident start\` print it (any case),
or a part of the title only one item has, e.g. \`incident tick "stop the public"\`.
  --note TEXT          what you did or found (goes into the report; never a secret value)
${COMMON_HELP}`,
  exitCodes: COMMON_EXITS,
  aliases: INCIDENT_ALIASES,
  allowPositionals: true,
  options: { ...COMMON_OPTIONS, note: { type: 'string' } },
  run({ values, positionals }, io) {
    return withIncident(io, values, async (id, before) => {
      const item = resolveItem(before, oneText(positionals, 'item (its title)'));
      const view = await io
        .core()
        .incident.tick(id, item.id, 'done', typeof values.note === 'string' ? values.note : undefined);
      return { view, said: `✓ ${item.title}${nextHint(view, item.step)}` };
    });
  },
};

const skipCommand: Command = {
  name: 'incident skip',
  summary: 'Mark a runbook item as not applicable, with the reason',
  usage: `crucible-secrets incident skip ITEM --reason TEXT [--incident ID|TITLE] [--json]

ITEM as for \`incident tick\`. The reason is required and goes into the report.
${COMMON_HELP}`,
  exitCodes: COMMON_EXITS,
  aliases: INCIDENT_ALIASES,
  allowPositionals: true,
  options: { ...COMMON_OPTIONS, reason: { type: 'string' } },
  run({ values, positionals }, io) {
    const reason = typeof values.reason === 'string' ? values.reason.trim() : '';
    if (reason === '')
      throw new UsageError('say why the item is skipped with --reason TEXT (it goes into the report).');
    return withIncident(io, values, async (id, before) => {
      const item = resolveItem(before, oneText(positionals, 'item (its title)'));
      const view = await io.core().incident.tick(id, item.id, 'skipped', reason);
      return { view, said: `– ${item.title} (skipped: ${reason})${nextHint(view, item.step)}` };
    });
  },
};

const untickCommand: Command = {
  name: 'incident untick',
  summary: 'Remove a tick made by mistake (in a step not yet completed)',
  usage: `crucible-secrets incident untick ITEM [--incident ID|TITLE] [--json]

${COMMON_HELP}`,
  exitCodes: COMMON_EXITS,
  aliases: INCIDENT_ALIASES,
  allowPositionals: true,
  options: COMMON_OPTIONS,
  run({ values, positionals }, io) {
    return withIncident(io, values, async (id, before) => {
      const item = resolveItem(before, oneText(positionals, 'item (its title)'));
      const view = await io.core().incident.untick(id, item.id);
      return { view, said: `☐ ${item.title} is open again.` };
    });
  },
};

/** After a tick: what is left in the step, or the command that completes it. */
function nextHint(view: IncidentView, step: IncidentView['steps'][number]['id']): string {
  if (view.currentStep !== step) return '';
  const left = openWork(view, step);
  const title = view.steps.find((s) => s.id === step)?.title ?? step;
  if (left.length > 0) return `\nStill open in ${title}: ${left.join(', ')}.`;
  const unmet = unmetWork(view, step);
  if (unmet.length > 0) return `\n${title} has essential work not done: ${unmet.join('; ')}. ${OVERRIDE_HINT}`;
  return `\nEverything required in ${title} is done: \`crucible-secrets incident complete\`.`;
}

const answerCommand: Command = {
  name: 'incident answer',
  summary: 'Answer the Assess questions (what was exposed, since when, which secrets, which users)',
  usage: `crucible-secrets incident answer [--what-exposed TEXT] [--since WHEN] [--secrets NAME,…] [--users TEXT]
                                 [--incident ID|TITLE] [--json]

Options not given keep their previous answer; print the answers with \`incident status --json\`.
  --what-exposed TEXT  what was (or may have been) exposed; required to complete Assess
  --since WHEN         since when, as a date and time, e.g. 2026-11-29T22:00:00Z ("" clears it)
  --secrets NAME,…     the variables you believe exposed, e.g. POSTGRES_PASSWORD,REDIS_PASSWORD
  --users TEXT         which users may be affected
${COMMON_HELP}`,
  exitCodes: COMMON_EXITS,
  aliases: INCIDENT_ALIASES,
  options: {
    ...COMMON_OPTIONS,
    'what-exposed': { type: 'string' },
    since: { type: 'string' },
    secrets: { type: 'string' },
    users: { type: 'string' },
  },
  run({ values }, io) {
    if (['what-exposed', 'since', 'secrets', 'users'].every((k) => values[k] === undefined))
      throw new UsageError('give at least one answer (--what-exposed, --since, --secrets, --users).');
    return withIncident(io, values, async (id, before) => {
      const prev = before.incident.answers;
      const str = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined);
      const since = str('since');
      const secrets = str('secrets');
      const chosen =
        secrets === undefined
          ? prev.secrets
          : secrets
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s !== '');
      const unknown = chosen.filter((s) => !before.secretChoices.includes(s));
      if (unknown.length > 0)
        throw new UsageError(
          `${unknown.join(', ')}: not a secret of this stack; choose from ${before.secretChoices.join(', ')}.`,
        );
      const answers: AssessAnswers = {
        whatExposed: str('what-exposed') ?? prev.whatExposed,
        since: since === undefined ? prev.since : since.trim() === '' ? null : since.trim(),
        secrets: chosen,
        users: str('users') ?? prev.users,
      };
      const view = await io.core().incident.answer(id, answers);
      return { view, said: `Answers recorded.${nextHint(view, 'assess')}` };
    });
  },
};

const timelineCommand: Command = {
  name: 'incident timeline',
  summary: 'Add an entry to the incident timeline, remove one, or list them',
  usage: `crucible-secrets incident timeline [TEXT] [--at WHEN] [--remove N] [--incident ID|TITLE] [--json]

With TEXT: adds "TEXT" at WHEN (a date and time, e.g. 2026-11-29T22:15:00Z; default now). With --remove N:
removes entry N as the list numbers it. With neither: lists the timeline.
${COMMON_HELP}`,
  exitCodes: COMMON_EXITS,
  aliases: INCIDENT_ALIASES,
  allowPositionals: true,
  options: { ...COMMON_OPTIONS, at: { type: 'string' }, remove: { type: 'string' } },
  run({ values, positionals }, io) {
    const text = positionals.join(' ').trim();
    const remove = typeof values.remove === 'string' ? values.remove : undefined;
    if (remove !== undefined && text !== '') throw new UsageError('add an entry or --remove one, not both.');
    if (remove !== undefined && !/^\d+$/.test(remove))
      throw new UsageError('--remove takes the entry number the list shows.');
    return withIncident(io, values, async (id, before) => {
      const core = io.core();
      let view = before;
      let said = '';
      if (text !== '') {
        view = await core.incident.addTimeline(id, {
          at: typeof values.at === 'string' ? values.at : core.clock().toISOString(),
          text,
        });
        said = 'Added to the timeline.\n';
      } else if (remove !== undefined) {
        const entry = before.incident.timeline[Number(remove) - 1];
        if (!entry)
          throw new UsageError(
            `there is no entry ${remove}; the timeline has ${String(before.incident.timeline.length)}.`,
          );
        view = await core.incident.removeTimeline(id, entry.id);
        said = `Removed entry ${remove}.\n`;
      }
      const lines = view.incident.timeline.map((t, i) => `  ${String(i + 1).padStart(2)}. ${t.at}  ${t.text}`);
      return {
        view,
        said: `${said}Timeline of "${view.incident.title}":\n${lines.length > 0 ? lines.join('\n') : '  (empty)'}`,
      };
    });
  },
};

const completeCommand: Command = {
  name: 'incident complete',
  summary: 'Complete the current step (every required item ticked or skipped) and show the next',
  usage: `crucible-secrets incident complete [STEP] [--override REASON] [--incident ID|TITLE] [--json]

STEP defaults to the current step (Isolate, Assess, Rotate, Review logs, Notify, Document).
A step whose essential work is not done (e.g. Rotate with a secret not rotated, or no backup taken) is
refused. --override REASON completes it anyway; the reason is journalled and the report shows the step
as "completed with an override" with what was left undone. Never a secret value.
${COMMON_HELP}`,
  exitCodes: {
    ...COMMON_EXITS,
    1: 'the step is not finished: the items still open, or the essential work not done, are listed',
  },
  aliases: INCIDENT_ALIASES,
  allowPositionals: true,
  options: { ...COMMON_OPTIONS, override: { type: 'string' } },
  async run({ values, positionals }, io) {
    const core = io.core();
    const id = await pickIncident(io, values.incident);
    const reason = typeof values.override === 'string' ? values.override.trim() : undefined;
    if (reason === '')
      throw new UsageError('say why the step is completed anyway: --override "REASON" (it goes into the report).');
    const before = await core.incident.view(id);
    const step = positionals.length > 0 ? resolveStep(positionals.join(' ')) : before.currentStep;
    if (step === null)
      throw new UsageError(
        'every step is already completed; close the incident with `crucible-secrets incident close --summary TEXT`.',
      );
    const title = before.steps.find((s) => s.id === step)?.title ?? step;
    const current = step === before.currentStep;
    const unmetIds = new Set(before.steps.find((s) => s.id === step)?.unmet.map((u) => u.itemId) ?? []);
    // With an override, the essential items are covered by it; every other required item is still needed.
    const left = current ? openWork(before, step, reason === undefined ? undefined : unmetIds) : [];
    if (left.length > 0) {
      // Said here with titles (the core's message names item ids, which are for the app's own use).
      io.stderr.write(
        `${title} is not finished: ${left.join(', ')} ${left.length === 1 ? 'is' : 'are'} still open. Tick them (\`crucible-secrets incident tick "TITLE"\`) or skip them with a reason (\`incident skip "TITLE" --reason TEXT\`).\n`,
      );
      return ExitCode.Findings;
    }
    const unmet = current ? unmetWork(before, step) : [];
    if (unmet.length > 0 && reason === undefined) {
      io.stderr.write(
        `${title} cannot be completed: ${unmet.join('; ')}. Finish ${unmet.length === 1 ? 'it' : 'them'}, or ${OVERRIDE_HINT}\n`,
      );
      return ExitCode.Findings;
    }
    // The reason is checked against the deployment's secrets, which the vault must be open to read.
    if (reason !== undefined) await unlockVaultIfChosen(io, core, values);
    const view = await core.incident.completeStep(id, step, reason === undefined ? undefined : { reason });
    if (values.json === true) writeJson(io, view);
    else {
      const o = view.steps.find((s) => s.id === step)?.override;
      io.stdout.write(
        o ? `${title} completed with an override: ${o.reason} (the report says so).\n` : `${title} completed.\n`,
      );
      printCurrentStep(io, view);
    }
    return ExitCode.Ok;
  },
};

const rotateCommand: Command = {
  name: 'incident rotate',
  summary: 'Rotate the deployment’s secrets in dependency order as the Rotate step (resumable)',
  usage: `crucible-secrets incident rotate [--only NAME,…] [--incident ID|TITLE] [--json]

Plans the rotation run (every rotatable secret, or --only those) and rotates one secret after the other,
saving progress after each: run it again after a failure to resume; secrets already rotated are kept.
When the run finishes, "Rotate the secrets" is ticked. Each secret's own commands are shown by
\`crucible-secrets rotate DIR VAR --dry-run\`.
${COMMON_HELP}`,
  exitCodes: {
    0: 'every planned secret is rotated',
    1: 'a secret failed: the reason is printed; run again to resume',
    65: COMMON_EXITS[65],
    69: 'the keychain is unavailable',
  },
  aliases: INCIDENT_ALIASES,
  options: { ...COMMON_OPTIONS, only: { type: 'string' } },
  async run({ values }, io) {
    const core = io.core();
    const id = await pickIncident(io, values.incident);
    await unlockVaultIfChosen(io, core, values);
    const only =
      typeof values.only === 'string'
        ? values.only
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : undefined;
    const planned = await core.incident.planRotation(id, only);
    if (values.json !== true)
      io.stdout.write(
        `Rotating ${String(planned.incident.rotation?.items.length ?? 0)} secret(s) in dependency order…\n`,
      );
    const view = await core.incident.rotateAll(id, (v) => {
      if (values.json === true) return;
      const last = [...(v.incident.rotation?.items ?? [])]
        .filter((i) => i.at !== null)
        .sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''))
        .pop();
      if (last)
        io.stdout.write(
          `  ${last.status === 'rotated' ? '✓' : '✗'} ${last.variable}${last.reason ? `: ${last.reason}` : ''}\n`,
        );
    });
    const run = view.incident.rotation;
    const failed = run?.items.filter((i) => i.status === 'failed') ?? [];
    if (values.json === true) writeJson(io, view);
    else
      io.stdout.write(
        failed.length > 0
          ? `Stopped: ${failed.map((f) => f.variable).join(', ')} failed. Fix the cause, then run \`crucible-secrets incident rotate\` again.\n`
          : 'Every planned secret is rotated.\n',
      );
    return failed.length > 0 ? ExitCode.Findings : ExitCode.Ok;
  },
};

const noticeCommand: Command = {
  name: 'incident notice',
  summary: 'Print the notice for your users; --extra adds what they should do',
  usage: `crucible-secrets incident notice [--extra TEXT] [--incident ID|TITLE]

Prints the user notice the Notify step asks you to send (no secret values). --extra sets the
additional instructions it ends with ("" clears them).
${COMMON_HELP}`,
  exitCodes: COMMON_EXITS,
  aliases: INCIDENT_ALIASES,
  options: { ...COMMON_OPTIONS, extra: { type: 'string' } },
  run({ values }, io) {
    return withIncident(io, values, async (id, before) => {
      const view =
        typeof values.extra === 'string' ? await io.core().incident.setNoticeExtra(id, values.extra) : before;
      return { view, said: view.notice };
    });
  },
};

const closeCommand: Command = {
  name: 'incident close',
  summary: 'Close the incident with a summary and write the final report (open steps are listed as not completed)',
  usage: `crucible-secrets incident close --summary TEXT [--incident ID|TITLE] [--json]

  --summary TEXT       what happened and what was done (required; never a secret value)
Closing writes the final report (Markdown and printable HTML, mode 0600) to the app's incidents folder
and prints where; \`crucible-secrets incident report --out FILE\` writes another copy.
${COMMON_HELP}`,
  exitCodes: COMMON_EXITS,
  aliases: INCIDENT_ALIASES,
  options: { ...COMMON_OPTIONS, summary: { type: 'string' } },
  run({ values }, io) {
    const summary = typeof values.summary === 'string' ? values.summary.trim() : '';
    if (summary === '')
      throw new UsageError('write a short summary with --summary TEXT (what happened and what was done).');
    return withIncident(io, values, async (id) => {
      const view = await io.core().incident.close(id, summary);
      const open = view.steps.filter((s) => s.completedAt === null).map((s) => s.title);
      const report = view.incident.finalReport;
      return {
        view,
        said: [
          `Closed "${view.incident.title}".${open.length > 0 ? ` Not completed: ${open.join(', ')} (the report says so).` : ''}`,
          ...(report ? [`Final report written to:\n  ${report.markdown}\n  ${report.html}`] : []),
        ].join('\n'),
      };
    });
  },
};

export const incidentStepCommands: Command[] = [
  tickCommand,
  skipCommand,
  untickCommand,
  answerCommand,
  timelineCommand,
  rotateCommand,
  completeCommand,
  noticeCommand,
  closeCommand,
];
