// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentView } from '../../electron/common/ipc/incident.ipc';
import { INCIDENT_STEPS, STEP_TITLES, type Incident, type StepId } from '../../electron/common/model/incident';
import * as m from '../../electron/core/incident/machine';
import { itemsOfStep, renderRunbook } from '../../electron/core/incident/runbook';
import { CompleteStepPanel, StepOverrideNote } from '../../renderer/src/components/incident/CompleteStepPanel';
import type { Act } from '../../renderer/src/components/incident/StepItems';
import { installFakeApi } from './fake-api';

const t = (min: number) => new Date(Date.parse('2026-11-29T10:00:00Z') + min * 60_000);

/** A view as the service builds it (incident.service.ts viewOf), from the real state machine. */
function viewOf(inc: Incident): IncidentView {
  return {
    incident: inc,
    deploymentName: 'Crucible prod',
    workdir: 'cd /srv/crucible',
    currentStep: m.currentStep(inc),
    steps: INCIDENT_STEPS.map((s) => ({
      id: s,
      title: STEP_TITLES[s],
      ...inc.steps[s],
      blockers: m.blockers(inc, s),
      unmet: inc.steps[s].completedAt === null ? m.unmetEssentials(inc, s) : [],
    })),
    items: renderRunbook({ deployment: { folder: '/srv/crucible', composeFiles: [] }, incident: inc, now: t(9) }),
    notice: '',
    rotation: { available: true, reason: null, candidates: [] },
    secretChoices: [],
  };
}

/** At Rotate: every item but the rotation ticked, and "Rotate all" failed on the first of two secrets. */
function failedRotation(): Incident {
  const tickAll = (cur: Incident, step: StepId) =>
    itemsOfStep(step)
      .filter((i) => i.required && i.kind !== 'rotation')
      .reduce((c, i) => m.tickItem(c, i.id, 'done', undefined, t(1)), cur);
  let inc = m.openIncident({ id: 'inc-20261129-abcd', deploymentId: 'prod-1', title: 'Leaked .env', now: t(0) });
  inc = m.completeStep(tickAll(inc, 'isolate'), 'isolate', t(1));
  inc = m.setAnswers(inc, { whatExposed: '.env', since: null, secrets: [], users: '' });
  inc = m.completeStep(tickAll(inc, 'assess'), 'assess', t(2));
  inc = m.planRotation(tickAll(inc, 'rotate'), ['POSTGRES_PASSWORD', 'REDIS_PASSWORD'], t(3));
  return m.recordRotation(
    inc,
    'POSTGRES_PASSWORD',
    { status: 'failed', reason: 'ROTATION_COMMAND_FAILED: docker is down' },
    t(4),
  );
}

afterEach(() => {
  cleanup();
});

describe('completing an incident step', () => {
  it('with essential work not done, warns and completes only with an override carrying the reason', async () => {
    const view = viewOf(failedRotation());
    const step = view.steps.find((s) => s.id === 'rotate');
    if (!step) throw new Error('no step');
    const calls: unknown[] = [];
    installFakeApi({
      incident: {
        completeStep: (req) => {
          calls.push(req);
          return Promise.resolve(viewOf(m.completeStep(failedRotation(), 'rotate', t(5), req.override)));
        },
      },
    });
    let done = 0;
    const run: Act = async (fn) => {
      await fn();
      return true;
    };
    render(<CompleteStepPanel view={view} step={step} act={run} onDone={() => (done += 1)} />);

    expect(screen.getByTestId('unmet-essentials').textContent).toContain(
      'every chosen secret rotated: 0 of 2 rotated; POSTGRES_PASSWORD failed',
    );
    expect(screen.queryByRole('button', { name: 'Complete Rotate' })).toBeNull();
    const submit = screen.getByRole<HTMLButtonElement>('button', { name: 'Complete Rotate with an override' });
    expect(submit.disabled).toBe(true);

    fireEvent.change(screen.getByLabelText('Why complete Rotate anyway?'), {
      target: { value: 'Moving to a new host tomorrow' },
    });
    expect(submit.disabled).toBe(false);
    await act(async () => {
      fireEvent.click(submit);
      await Promise.resolve();
    });
    expect(calls).toEqual([
      { id: 'inc-20261129-abcd', step: 'rotate', override: { reason: 'Moving to a new host tomorrow' } },
    ]);
    expect(done).toBe(1);
  });

  it('with items still open, the plain button stays disabled and no override is offered', () => {
    installFakeApi({});
    const inc = m.openIncident({ id: 'inc-20261129-abcd', deploymentId: 'prod-1', title: 'Leaked .env', now: t(0) });
    const view = viewOf(inc);
    const step = view.steps[0];
    if (!step) throw new Error('no step');
    render(<CompleteStepPanel view={view} step={step} act={() => Promise.resolve(true)} onDone={() => undefined} />);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Complete Isolate' }).disabled).toBe(true);
    expect(screen.queryByTestId('unmet-essentials')).toBeNull();
    expect(screen.getByText(/Still open: Stop the frontend and the api;/)).toBeTruthy();
  });

  it('a step completed with an override shows the reason and what was left undone', () => {
    const inc = m.completeStep(failedRotation(), 'rotate', t(5), { reason: 'Moving to a new host tomorrow' });
    const step = viewOf(inc).steps.find((s) => s.id === 'rotate');
    if (!step) throw new Error('no step');
    render(<StepOverrideNote step={step} />);
    const note = screen.getByTestId('step-override').textContent;
    expect(note).toContain('Completed with an override: Moving to a new host tomorrow');
    expect(note).toContain('Not done: every chosen secret rotated: 0 of 2 rotated; POSTGRES_PASSWORD failed.');
  });
});
