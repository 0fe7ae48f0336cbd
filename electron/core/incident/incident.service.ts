import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../fs/atomic-write';
import { AppError, isAppError } from '../../common/errors';
import { Incident, STEP_TITLES, type AssessAnswers, type ItemTick, type StepId } from '../../common/model/incident';
import type { DeploymentRef } from '../../common/model/deployment';
import type { IncidentSummary, IncidentView, RotationAvailability } from '../../common/ipc/incident.ipc';
import { requireDeployment } from '../inventory/inventory';
import type { Journal, JournalType } from '../journal/journal';
import type { Keychain } from '../keychain/keychain';
import { assertNoSecretText, learnDeploymentSecrets } from '../log/secret-text';
import type { Logger } from '../log/logger';
import type { StackProfile } from '../stack/profile';
import type { AppState } from '../store/schema';
import type { StateStore } from '../store/state-store';
import * as m from './machine';
import { renderNotice } from './notice';
import { renderIncidentReport, writeFinalReport, type RenderedReport } from './final-report';
import type { IncidentRotator } from './rotate-port';
import { renderRunbook, workdirCommand } from './runbook';

/**
 * The incident runbook as a service: every change is a machine.ts transition applied inside one state
 * store update (so it survives a restart and the CLI and the app see the same incident), followed by a
 * journal entry (ids and names only). Text the admin types is refused when it contains a known secret.
 */

export interface IncidentServiceDeps {
  store: StateStore;
  journal: Journal;
  logger: Logger;
  clock: () => Date;
  /** The keychain of the admin's choice; its values teach the redactor what to refuse. */
  keychain: () => Promise<Keychain>;
  /** The rotation feature's entry point; null while it is not available. */
  rotator: () => IncidentRotator | null;
  profile: StackProfile;
  /** The app home: closing writes the final report to its `incidents` folder. */
  home: string;
  random?: (n: number) => Buffer;
}

export type { RenderedReport };

export type { IncidentSummary, IncidentView };

export interface IncidentService {
  list(): Promise<IncidentSummary[]>;
  active(): Promise<IncidentSummary[]>;
  /** @throws AppError INCIDENT_UNKNOWN */
  view(id: string): Promise<IncidentView>;
  /** @throws AppError DEPLOYMENT_UNKNOWN, INCIDENT_ALREADY_ACTIVE, INCIDENT_TEXT_HAS_SECRET */
  start(deploymentId: string, title: string): Promise<IncidentView>;
  tick(id: string, itemId: string, outcome: ItemTick['outcome'], note?: string): Promise<IncidentView>;
  untick(id: string, itemId: string): Promise<IncidentView>;
  answer(id: string, answers: AssessAnswers): Promise<IncidentView>;
  addTimeline(id: string, entry: { at: string; text: string }): Promise<IncidentView>;
  removeTimeline(id: string, entryId: string): Promise<IncidentView>;
  setNoticeExtra(id: string, text: string): Promise<IncidentView>;
  /**
   * Completes the current step; `override.reason` lets it complete with essential items not done.
   * @throws AppError INCIDENT_STEP_INCOMPLETE, INCIDENT_ESSENTIAL_NOT_DONE, INCIDENT_TEXT_HAS_SECRET (the reason)
   */
  completeStep(id: string, step: StepId, override?: { reason: string }): Promise<IncidentView>;
  /** Plans the rotation run (all rotatable secrets, or `only`), keeping what was already rotated. */
  planRotation(id: string, only?: string[]): Promise<IncidentView>;
  /** Rotates the next secret of the run (one per call: progress is persisted after each). */
  rotateNext(id: string): Promise<IncidentView>;
  /** Rotates until the run is finished or a secret fails. */
  rotateAll(id: string, onProgress?: (view: IncidentView) => void): Promise<IncidentView>;
  /**
   * Closes the incident and writes the final report (Markdown and HTML, 0600) to `<home>/incidents`; the
   * view's `incident.finalReport` holds the paths. Nothing changes when the report cannot be written.
   * @throws AppError INCIDENT_CLOSED, INCIDENT_BAD_INPUT, INCIDENT_TEXT_HAS_SECRET, FS_* (report not written)
   */
  close(id: string, summary: string): Promise<IncidentView>;
  notice(id: string): Promise<string>;
  report(id: string): Promise<RenderedReport>;
  /** Records that the report was exported (ticks document.export in the Document step). */
  markExported(id: string): Promise<IncidentView>;
  /**
   * Writes the report (0600, atomically) to `target` and records the export.
   * @throws AppError INCIDENT_UNKNOWN, FS_* when the file cannot be written
   */
  exportReport(id: string, format: ReportFormat, target: string): Promise<IncidentView>;
}

export type ReportFormat = 'markdown' | 'html';

const INCIDENT_UNKNOWN = 'INCIDENT_UNKNOWN';

/** The incidents in the state (records of other shapes are ignored). */
export function incidentsOf(state: AppState): Incident[] {
  const out: Incident[] = [];
  for (const r of state.incidents) {
    const p = Incident.safeParse(r);
    if (p.success) out.push(p.data);
  }
  return out;
}

function secretChoicesOf(profile: StackProfile): string[] {
  return profile.variables.filter((v) => v.sensitive).map((v) => v.name);
}

/** Profile secrets the rotation playbooks rotate, as a fallback list when the rotator is not available. */
function rotatableOf(profile: StackProfile): string[] {
  return profile.variables
    .filter(
      (v) =>
        v.sensitive && !['not-rotatable', 'remove-from-env', 'provider-key-at-provider'].includes(v.rotation.playbook),
    )
    .map((v) => v.name);
}

export function createIncidentService(deps: IncidentServiceDeps): IncidentService {
  const { store, journal, logger, clock } = deps;
  const random = deps.random ?? randomBytes;

  function find(state: AppState, id: string): Incident {
    const inc = incidentsOf(state).find((i) => i.id === id);
    if (!inc)
      throw new AppError(
        INCIDENT_UNKNOWN,
        `There is no incident ${id}. Run \`crucible-secrets incident status\` to list them.`,
      );
    return inc;
  }

  /** Applies a transition in one store update; returns the new incident. */
  async function change(id: string, fn: (inc: Incident, state: AppState) => Incident): Promise<Incident> {
    return store.update((draft) => {
      const inc = find(draft, id);
      const next = Incident.parse(fn(inc, draft));
      const idx = draft.incidents.findIndex((r) => r.id === id);
      draft.incidents[idx] = next;
      return next;
    });
  }

  async function note(
    inc: Incident,
    type: JournalType,
    subject: string | undefined,
    details: Record<string, string | number | boolean | null>,
  ): Promise<void> {
    try {
      await journal.append({
        type,
        deploymentId: inc.deploymentId,
        subject,
        details: { incident: inc.id, ...details },
      });
    } catch (e) {
      // The state change is already saved; a journal failure must not undo it or hide it.
      logger.warn('incident.journal-failed', { incident: inc.id, type, error: e });
    }
  }

  const guard = { redactor: logger.redactor, keychain: deps.keychain };
  const learnSecrets = (deploymentId: string) => learnDeploymentSecrets(guard, deploymentId);

  /** Refuses text that contains any known secret (log/secret-text.ts, shared with the checklist notes). */
  function assertNoSecret(deploymentId: string, texts: Array<string | undefined>): Promise<void> {
    return assertNoSecretText(guard, deploymentId, texts, {
      code: 'INCIDENT_TEXT_HAS_SECRET',
      message:
        'The text contains a secret value (or a password inside a URL). Remove it: the incident record and its report never hold secret values.',
    });
  }

  function summaryOf(inc: Incident, deployments: DeploymentRef[]): IncidentSummary {
    return {
      id: inc.id,
      deploymentId: inc.deploymentId,
      deploymentName: deployments.find((d) => d.id === inc.deploymentId)?.name ?? inc.deploymentId,
      title: inc.title,
      status: inc.status,
      openedAt: inc.openedAt,
      closedAt: inc.closedAt,
      currentStep: m.currentStep(inc),
    };
  }

  async function availability(inc: Incident): Promise<RotationAvailability> {
    const rotator = deps.rotator();
    if (!rotator) {
      return {
        available: false,
        reason:
          'The rotate-all playbooks are not available in this build. Rotate each secret on the Rotation page (or with the CLI), then tick "Rotate the secrets" as done; the report lists those rotations from the journal.',
        candidates: rotatableOf(deps.profile),
      };
    }
    try {
      return { available: true, reason: null, candidates: await rotator.plan(inc.deploymentId) };
    } catch (e) {
      return {
        available: false,
        reason: isAppError(e) ? e.message : 'The rotation plan could not be made.',
        candidates: [],
      };
    }
  }

  async function viewOf(inc: Incident, state?: AppState): Promise<IncidentView> {
    const st = state ?? (await store.read());
    const dep = requireDeployment(st, inc.deploymentId);
    const items = renderRunbook({ deployment: dep, incident: inc, now: clock() });
    return {
      incident: inc,
      deploymentName: dep.name,
      workdir: workdirCommand(dep.folder),
      currentStep: m.currentStep(inc),
      steps: (Object.keys(STEP_TITLES) as StepId[]).map((s) => ({
        id: s,
        title: STEP_TITLES[s],
        ...inc.steps[s],
        blockers: m.blockers(inc, s),
        unmet: inc.steps[s].completedAt === null ? m.unmetEssentials(inc, s) : [],
      })),
      items,
      notice: renderNotice({ incident: inc, deploymentName: dep.name }),
      rotation: await availability(inc),
      secretChoices: secretChoicesOf(deps.profile),
    };
  }

  const viewAfter = async (inc: Incident) => viewOf(inc);

  const reports = {
    journal,
    clock,
    redact: (text: string) => logger.redactor.redact(text),
    learnSecrets,
    home: deps.home,
  };
  const renderReport = (inc: Incident, state: AppState) => renderIncidentReport(reports, inc, state);

  /** The rotator, or INCIDENT_ROTATION_UNAVAILABLE saying why (the same reason the view shows). */
  async function requireRotator(id: string): Promise<IncidentRotator> {
    const rotator = deps.rotator();
    if (!rotator)
      throw new AppError(
        'INCIDENT_ROTATION_UNAVAILABLE',
        (await availability(find(await store.read(), id))).reason ?? 'Rotation is not available.',
      );
    return rotator;
  }

  async function rotateNext(id: string): Promise<IncidentView> {
    const rotator = await requireRotator(id);
    const inc = find(await store.read(), id);
    if (inc.status === 'closed') throw new AppError(m.IncidentErrorCode.Closed, 'The incident is closed.');
    if (!inc.rotation)
      throw new AppError(
        m.IncidentErrorCode.Rotation,
        'Plan the rotation first (all secrets, or the ones you choose).',
      );
    const variable = m.nextToRotate(inc);
    if (variable === null) return viewOf(inc);
    let result: Parameters<typeof m.recordRotation>[2];
    // The reason is shown and exported as words; the error code goes to the journal, for support.
    let code: string | null = null;
    try {
      result = { status: 'rotated', generation: (await rotator.rotateOne(inc.deploymentId, variable)).generation };
    } catch (e) {
      code = isAppError(e) ? e.code : 'INTERNAL';
      const reason = isAppError(e) ? e.message : 'unexpected error (see the app log)';
      if (!isAppError(e)) logger.error('incident.rotation-failed', { incident: id, variable, error: e });
      result = { status: 'failed', reason: logger.redactor.redact(reason) };
    }
    const next = await change(id, (cur) => m.recordRotation(cur, variable, result, clock()));
    await note(next, 'incident.step', 'rotate.secrets', {
      action: result.status,
      variable,
      generation: result.status === 'rotated' ? result.generation : null,
      ...(code !== null ? { error: code } : {}),
    });
    return viewOf(next);
  }

  return {
    async list() {
      const state = await store.read();
      return incidentsOf(state)
        .map((i) => summaryOf(i, state.deployments))
        .sort((a, b) => b.openedAt.localeCompare(a.openedAt));
    },
    async active() {
      return (await this.list()).filter((i) => i.status === 'active');
    },
    async view(id) {
      const state = await store.read();
      return viewOf(find(state, id), state);
    },
    async start(deploymentId, title) {
      await assertNoSecret(deploymentId, [title]);
      const id = `inc-${clock().toISOString().slice(0, 10).replace(/-/g, '')}-${random(4).toString('hex')}`;
      const inc = await store.update((draft) => {
        requireDeployment(draft, deploymentId);
        const open = incidentsOf(draft).find((i) => i.deploymentId === deploymentId && i.status === 'active');
        if (open)
          throw new AppError(
            'INCIDENT_ALREADY_ACTIVE',
            `An incident is already open for this deployment ("${open.title}", ${open.id}). Continue it, or close it first.`,
          );
        const created = m.openIncident({ id, deploymentId, title, now: clock() });
        draft.incidents.push(created);
        return created;
      });
      await note(inc, 'incident.opened', inc.id, {});
      logger.info('incident.opened', { incident: inc.id, deploymentId });
      return viewAfter(inc);
    },
    async tick(id, itemId, outcome, text) {
      const inc0 = find(await store.read(), id);
      await assertNoSecret(inc0.deploymentId, [text]);
      const inc = await change(id, (cur) => m.tickItem(cur, itemId, outcome, text, clock()));
      await note(inc, 'incident.step', itemId, { action: outcome });
      return viewAfter(inc);
    },
    async untick(id, itemId) {
      const inc = await change(id, (cur) => m.untickItem(cur, itemId));
      await note(inc, 'incident.step', itemId, { action: 'unticked' });
      return viewAfter(inc);
    },
    async answer(id, answers) {
      const inc0 = find(await store.read(), id);
      await assertNoSecret(inc0.deploymentId, [answers.whatExposed, answers.users]);
      const inc = await change(id, (cur) => m.setAnswers(cur, answers));
      await note(inc, 'incident.step', 'assess.questions', { action: 'answered', secrets: inc.answers.secrets.length });
      return viewAfter(inc);
    },
    async addTimeline(id, entry) {
      const inc0 = find(await store.read(), id);
      await assertNoSecret(inc0.deploymentId, [entry.text]);
      const inc = await change(id, (cur) => m.addTimelineEntry(cur, entry, clock()));
      await note(inc, 'incident.step', 'timeline', { action: 'added', entries: inc.timeline.length });
      return viewAfter(inc);
    },
    async removeTimeline(id, entryId) {
      const inc = await change(id, (cur) => m.removeTimelineEntry(cur, entryId));
      await note(inc, 'incident.step', 'timeline', { action: 'removed', entries: inc.timeline.length });
      return viewAfter(inc);
    },
    async setNoticeExtra(id, text) {
      const inc0 = find(await store.read(), id);
      await assertNoSecret(inc0.deploymentId, [text]);
      return viewAfter(await change(id, (cur) => m.setNoticeExtra(cur, text)));
    },
    async completeStep(id, step, override) {
      if (override !== undefined) await assertNoSecret(find(await store.read(), id).deploymentId, [override.reason]);
      const inc = await change(id, (cur) => m.completeStep(cur, step, clock(), override));
      const o = inc.steps[step].override;
      await note(
        inc,
        'incident.step',
        step,
        o
          ? { action: 'completed with an override', reason: o.reason, unmet: o.unmet.join('; ') }
          : { action: 'completed' },
      );
      return viewAfter(inc);
    },
    async planRotation(id, only) {
      const rotator = await requireRotator(id);
      const inc0 = find(await store.read(), id);
      const order = await rotator.plan(inc0.deploymentId, only && only.length > 0 ? only : undefined);
      const inc = await change(id, (cur) => m.planRotation(cur, order, clock()));
      await note(inc, 'incident.step', 'rotate.secrets', { action: 'planned', secrets: order.length });
      return viewAfter(inc);
    },
    rotateNext,
    async rotateAll(id, onProgress) {
      for (;;) {
        const view = await rotateNext(id);
        onProgress?.(view);
        const run = view.incident.rotation;
        if (!run || run.finishedAt !== null) return view;
        // Stop at the first failure: the admin reads why, fixes it, and resumes.
        const next = m.nextToRotate(view.incident);
        if (next === null || run.items.find((i) => i.variable === next)?.status === 'failed') return view;
      }
    },
    async close(id, summary) {
      const state = await store.read();
      const inc0 = find(state, id);
      await assertNoSecret(inc0.deploymentId, [summary]);
      // Render and write the report of the closed incident before saving the close: a report that cannot
      // be written leaves the incident open (the error says why), never closed without its report.
      const at = clock();
      const closed = m.closeIncident(inc0, summary, at);
      const finalReport = await writeFinalReport(reports, closed, state);
      const inc = await change(id, (cur) => m.closeIncident(cur, summary, at, finalReport));
      await note(inc, 'incident.closed', inc.id, {
        incomplete: (Object.keys(inc.steps) as StepId[]).filter((s) => inc.steps[s].completedAt === null).length,
        report: finalReport.markdown,
      });
      logger.info('incident.closed', { incident: inc.id });
      return viewAfter(inc);
    },
    async notice(id) {
      return (await this.view(id)).notice;
    },
    async report(id) {
      const state = await store.read();
      return renderReport(find(state, id), state);
    },
    async markExported(id) {
      const inc = await store.update((draft) => {
        const cur = find(draft, id);
        const next = m.markReportExported(cur, clock());
        draft.incidents[draft.incidents.findIndex((r) => r.id === id)] = next;
        return next;
      });
      await note(inc, 'incident.step', 'document.export', { action: 'exported' });
      return viewAfter(inc);
    },
    async exportReport(id, format, target) {
      const r = await this.report(id);
      await writeFileAtomic(target, format === 'html' ? r.html : r.markdown, { mode: 0o600, keepPrevious: false });
      logger.info('incident.report-exported', { incident: id, format });
      return this.markExported(id);
    },
  };
}
