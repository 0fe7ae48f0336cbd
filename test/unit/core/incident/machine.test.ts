import { describe, expect, it } from 'vitest';
import { INCIDENT_STEPS, Incident } from '../../../../electron/common/model/incident';
import * as m from '../../../../electron/core/incident/machine';
import { itemsOfStep, RUNBOOK_SKELETON } from '../../../../electron/core/incident/runbook';

const t0 = new Date('2026-11-29T10:00:00.000Z');
const at = (min: number) => new Date(t0.getTime() + min * 60_000);
const open = () => m.openIncident({ id: 'inc-20261129-abcd', deploymentId: 'prod-1', title: 'Leaked .env', now: t0 });

/** Ticks every required item of the current step and completes it. */
function finishStep(inc: Incident, when: Date): Incident {
  const step = m.currentStep(inc);
  if (!step) throw new Error('no current step');
  let cur = inc;
  if (step === 'assess')
    cur = m.setAnswers(cur, {
      whatExposed: '.env committed to a public repo',
      since: '2026-11-28T08:00:00Z',
      secrets: ['REDIS_PASSWORD'],
      users: 'all',
    });
  for (const item of itemsOfStep(step).filter((i) => i.required))
    cur = m.tickItem(cur, item.id, 'done', undefined, when);
  return m.completeStep(cur, step, when);
}

describe('incident state machine', () => {
  it('opens at Isolate with the isolate step started and nothing ticked', () => {
    const inc = open();
    expect(Incident.parse(inc)).toEqual(inc);
    expect(m.currentStep(inc)).toBe('isolate');
    expect(inc.steps.isolate.startedAt).toBe(t0.toISOString());
    expect(inc.steps.assess.startedAt).toBeNull();
    expect(inc.status).toBe('active');
  });

  it('refuses to tick an item of a later step', () => {
    expect(() => m.tickItem(open(), 'rotate.sessions', 'done', undefined, t0)).toThrow(
      expect.objectContaining({ code: 'INCIDENT_STEP_ORDER' }),
    );
  });

  it('refuses an unknown item', () => {
    expect(() => m.tickItem(open(), 'isolate.nope', 'done', undefined, t0)).toThrow(
      expect.objectContaining({ code: 'INCIDENT_UNKNOWN_ITEM' }),
    );
  });

  it('records the time of each tick', () => {
    const inc = m.tickItem(open(), 'isolate.stop-public', 'done', undefined, at(3));
    expect(inc.ticks['isolate.stop-public']).toEqual({ at: at(3).toISOString(), outcome: 'done' });
  });

  it('requires a reason to skip', () => {
    expect(() => m.tickItem(open(), 'isolate.firewall', 'skipped', '  ', t0)).toThrow(
      expect.objectContaining({ code: 'INCIDENT_BAD_INPUT' }),
    );
    const inc = m.tickItem(open(), 'isolate.firewall', 'skipped', 'no public IP', t0);
    expect(inc.ticks['isolate.firewall']).toMatchObject({ outcome: 'skipped', note: 'no public IP' });
  });

  it('will not complete a step with required items open, and names them', () => {
    const inc = m.tickItem(open(), 'isolate.stop-public', 'done', undefined, t0);
    expect(() => m.completeStep(inc, 'isolate', t0)).toThrow(
      /isolate\.keep-evidence, isolate\.bind-loopback, isolate\.firewall are still open/,
    );
  });

  it('optional items do not block a step', () => {
    expect(m.blockers(open(), 'isolate')).not.toContain('isolate.stop-workers');
  });

  it('will not complete a step out of order', () => {
    expect(() => m.completeStep(open(), 'assess', t0)).toThrow(
      expect.objectContaining({ code: 'INCIDENT_STEP_ORDER' }),
    );
  });

  it('Assess needs an answer to "what was exposed"', () => {
    let inc = finishStep(open(), at(1));
    for (const item of itemsOfStep('assess')) inc = m.tickItem(inc, item.id, 'done', undefined, at(2));
    expect(() => m.completeStep(inc, 'assess', at(2))).toThrow(/assess\.what-exposed/);
  });

  it('runs the six steps in order, starting each when the previous completes', () => {
    let inc = open();
    const order: string[] = [];
    for (let i = 0; i < INCIDENT_STEPS.length; i++) {
      order.push(m.currentStep(inc) ?? 'none');
      inc = finishStep(inc, at(i + 1));
    }
    expect(order).toEqual([...INCIDENT_STEPS]);
    expect(m.currentStep(inc)).toBeNull();
    expect(inc.steps.notify).toEqual({
      startedAt: at(4).toISOString(),
      completedAt: at(5).toISOString(),
      override: null,
    });
  });

  it('untick is refused once the step is completed', () => {
    const inc = finishStep(open(), at(1));
    expect(() => m.untickItem(inc, 'isolate.stop-public')).toThrow(
      expect.objectContaining({ code: 'INCIDENT_STEP_ORDER' }),
    );
  });

  it('closing needs a summary, records the time, and makes the incident read-only', () => {
    const inc = open();
    expect(() => m.closeIncident(inc, ' ', at(9))).toThrow(expect.objectContaining({ code: 'INCIDENT_BAD_INPUT' }));
    const closed = m.closeIncident(inc, 'False alarm: the key was a test key.', at(9));
    expect(closed).toMatchObject({
      status: 'closed',
      closedAt: at(9).toISOString(),
      summary: 'False alarm: the key was a test key.',
    });
    expect(() => m.tickItem(closed, 'isolate.stop-public', 'done', undefined, at(10))).toThrow(
      expect.objectContaining({ code: 'INCIDENT_CLOSED' }),
    );
    expect(() => m.addTimelineEntry(closed, { at: at(1).toISOString(), text: 'x' }, at(10))).toThrow(
      expect.objectContaining({ code: 'INCIDENT_CLOSED' }),
    );
    expect(() => m.closeIncident(closed, 'again', at(11))).toThrow(
      expect.objectContaining({ code: 'INCIDENT_CLOSED' }),
    );
  });

  it('keeps the timeline in time order, with entries before the incident was opened', () => {
    let inc = m.addTimelineEntry(
      open(),
      { at: '2026-11-29T09:30:00Z', text: 'Alert from GitHub secret scanning' },
      at(1),
    );
    inc = m.addTimelineEntry(inc, { at: '2026-11-28T08:00:00Z', text: 'Commit pushed' }, at(2));
    expect(inc.timeline.map((t) => [t.id, t.text])).toEqual([
      ['t2', 'Commit pushed'],
      ['t1', 'Alert from GitHub secret scanning'],
    ]);
    expect(() => m.addTimelineEntry(inc, { at: 'yesterday', text: 'x' }, at(3))).toThrow(/not a date/);
  });

  describe('rotation run', () => {
    const atRotate = () => finishStep(finishStep(open(), at(1)), at(2));

    it('is refused before the Rotate step', () => {
      expect(() => m.planRotation(open(), ['A'], t0)).toThrow(expect.objectContaining({ code: 'INCIDENT_STEP_ORDER' }));
    });

    it('rotates in the planned order, resumes after a failure, and ticks rotate.secrets when finished', () => {
      let inc = m.planRotation(atRotate(), ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'ROUNDTABLE_JWT_SECRET'], at(3));
      expect(m.nextToRotate(inc)).toBe('POSTGRES_PASSWORD');
      inc = m.recordRotation(inc, 'POSTGRES_PASSWORD', { status: 'rotated', generation: 2 }, at(4));
      inc = m.recordRotation(
        inc,
        'REDIS_PASSWORD',
        { status: 'failed', reason: 'ROTATION_X: docker not reachable' },
        at(5),
      );
      expect(m.rotationFinished(inc)).toBe(false);
      expect(() => m.tickItem(inc, 'rotate.secrets', 'done', undefined, at(5))).toThrow(
        expect.objectContaining({ code: 'INCIDENT_ROTATION_STATE' }),
      );
      expect(m.nextToRotate(inc)).toBe('REDIS_PASSWORD');
      // A re-plan (after a restart) keeps what was rotated.
      inc = m.planRotation(inc, ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'ROUNDTABLE_JWT_SECRET'], at(6));
      expect(inc.rotation?.items[0]).toMatchObject({ status: 'rotated', generation: 2 });
      inc = m.recordRotation(inc, 'REDIS_PASSWORD', { status: 'rotated', generation: 3 }, at(7));
      inc = m.recordRotation(inc, 'ROUNDTABLE_JWT_SECRET', { status: 'rotated', generation: 2 }, at(8));
      expect(m.rotationFinished(inc)).toBe(true);
      expect(inc.ticks['rotate.secrets']).toEqual({ at: at(8).toISOString(), outcome: 'done' });
      expect(m.nextToRotate(inc)).toBeNull();
    });

    it('a manual "done" is allowed when no run was started (rotated elsewhere)', () => {
      expect(
        m.tickItem(atRotate(), 'rotate.secrets', 'done', 'rotated on the Rotation page', at(3)).ticks['rotate.secrets']
          ?.outcome,
      ).toBe('done');
    });
  });

  describe('essential items (the runbook guards its promises)', () => {
    const SECRETS = ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'ROUNDTABLE_JWT_SECRET'];
    /** At Rotate with every item but the rotation ticked, and a run that failed on the first secret. */
    const failedRun = () => {
      let inc = finishStep(finishStep(open(), at(1)), at(2));
      for (const item of itemsOfStep('rotate').filter((i) => i.required && i.kind !== 'rotation'))
        inc = m.tickItem(inc, item.id, 'done', undefined, at(3));
      inc = m.planRotation(inc, SECRETS, at(3));
      return m.recordRotation(
        inc,
        'POSTGRES_PASSWORD',
        { status: 'failed', reason: 'ROTATION_COMMAND_FAILED: docker is not reachable' },
        at(4),
      );
    };

    it('marks the rotation and the backup as essential, the optional items never', () => {
      const essential = RUNBOOK_SKELETON.filter((i) => i.essential !== null).map((i) => i.id);
      expect(essential).toEqual(expect.arrayContaining(['rotate.secrets', 'rotate.backup', 'isolate.stop-public']));
      expect(RUNBOOK_SKELETON.filter((i) => !i.required && i.essential !== null)).toEqual([]);
    });

    it('refuses to complete Rotate with 0 of 3 secrets rotated, naming what failed', () => {
      const inc = failedRun();
      expect(m.unmetEssentials(inc, 'rotate')).toEqual([
        { itemId: 'rotate.secrets', problem: 'every chosen secret rotated: 0 of 3 rotated; POSTGRES_PASSWORD failed' },
      ]);
      let err: unknown;
      try {
        m.completeStep(inc, 'rotate', at(5));
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'INCIDENT_ESSENTIAL_NOT_DONE' });
      expect((err as Error).message).toContain(
        'Rotate cannot be completed: every chosen secret rotated: 0 of 3 rotated; POSTGRES_PASSWORD failed.',
      );
      expect((err as Error).message).toContain('override');
      // Skipping the item with a reason does not keep the promise either.
      const skipped = m.tickItem(inc, 'rotate.secrets', 'skipped', 'docker down', at(5));
      expect(() => m.completeStep(skipped, 'rotate', at(5))).toThrow(
        expect.objectContaining({ code: 'INCIDENT_ESSENTIAL_NOT_DONE' }),
      );
      expect(() => m.completeStep(inc, 'rotate', at(5), { reason: '   ' })).toThrow(
        expect.objectContaining({ code: 'INCIDENT_BAD_INPUT' }),
      );
      expect(m.currentStep(inc)).toBe('rotate');
    });

    it('completes with an override, recording the reason and what was left undone', () => {
      const done = m.completeStep(failedRun(), 'rotate', at(6), { reason: '  Rotating on the new host instead  ' });
      expect(m.currentStep(done)).toBe('review-logs');
      expect(done.steps.rotate.override).toEqual({
        at: at(6).toISOString(),
        reason: 'Rotating on the new host instead',
        unmet: ['every chosen secret rotated: 0 of 3 rotated; POSTGRES_PASSWORD failed'],
      });
      expect(Incident.parse(done)).toEqual(done);
    });

    it('an override still needs the non-essential required items ticked or skipped', () => {
      const inc = m.tickItem(open(), 'isolate.keep-evidence', 'done', undefined, at(1));
      expect(() => m.completeStep(inc, 'isolate', at(2), { reason: 'no time' })).toThrow(
        expect.objectContaining({ code: 'INCIDENT_STEP_INCOMPLETE' }),
      );
      let ok = m.tickItem(inc, 'isolate.bind-loopback', 'done', undefined, at(1));
      ok = m.tickItem(ok, 'isolate.firewall', 'skipped', 'no public interface', at(1));
      // stop-public (essential) is still open: only the override lets Isolate complete.
      expect(() => m.completeStep(ok, 'isolate', at(2))).toThrow(
        expect.objectContaining({ code: 'INCIDENT_ESSENTIAL_NOT_DONE' }),
      );
      expect(
        m.completeStep(ok, 'isolate', at(2), { reason: 'the host was already powered off' }).steps.isolate.override
          ?.unmet,
      ).toEqual(['the public services (frontend and api) stopped: not done']);
    });

    it('records no override when every promise is kept', () => {
      const withReason = m.completeStep(
        itemsOfStep('isolate')
          .filter((i) => i.required)
          .reduce((c, i) => m.tickItem(c, i.id, 'done', undefined, at(1)), open()),
        'isolate',
        at(2),
        { reason: 'not needed' },
      );
      expect(withReason.steps.isolate.override).toBeNull();
    });

    it('a rotation ticked done without a run (rotated elsewhere) keeps the promise', () => {
      const inc = m.tickItem(
        finishStep(finishStep(open(), at(1)), at(2)),
        'rotate.secrets',
        'done',
        'rotated on the Rotation page',
        at(3),
      );
      expect(m.unmetEssentials(inc, 'rotate').map((u) => u.itemId)).toEqual(['rotate.backup', 'rotate.sessions']);
    });
  });

  it('closing at Document ticks the export (closing writes the report) and completes Document', () => {
    let inc = open();
    for (let i = 0; i < 5; i++) inc = finishStep(inc, at(i + 1));
    expect(m.currentStep(inc)).toBe('document');
    inc = m.tickItem(inc, 'document.evidence', 'done', undefined, at(7));
    const closed = m.closeIncident(inc, 'Contained.', at(8), {
      markdown: '/h/incidents/r.md',
      html: '/h/incidents/r.html',
    });
    expect(closed.ticks['document.export']).toMatchObject({ outcome: 'done', note: 'final report written at close' });
    expect(closed.steps.document.completedAt).toBe(at(8).toISOString());
    expect(m.currentStep(closed)).toBeNull();
    expect(closed.finalReport).toEqual({ markdown: '/h/incidents/r.md', html: '/h/incidents/r.html' });
  });

  it('every skeleton item id is unique and belongs to a step', () => {
    const ids = RUNBOOK_SKELETON.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of INCIDENT_STEPS) expect(itemsOfStep(s).length).toBeGreaterThan(0);
  });
});
