import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../../electron/common/errors';
import { INCIDENT_STEPS, type StepId } from '../../../../electron/common/model/incident';
import { createIncidentService, type IncidentService } from '../../../../electron/core/incident/incident.service';
import type { IncidentRotator } from '../../../../electron/core/incident/rotate-port';
import { itemsOfStep } from '../../../../electron/core/incident/runbook';
import { createJournal } from '../../../../electron/core/journal/journal';
import { serviceFor } from '../../../../electron/core/keychain/keychain';
import { MemoryKeychain } from '../../../../electron/core/keychain/memory-keychain';
import { createLogger, memorySink } from '../../../../electron/core/log/logger';
import { crucibleCeProfile } from '../../../../electron/core/stack';
import { createStateStore, type StateStore } from '../../../../electron/core/store/state-store';

const DEP = 'prod-crucible';
const CANARY = 'CANARYredis_b3Nf8Hk2Lp9Qr4St7Uv1Wx5Yz0Ab6Cd3Ef9Gh2J';
const SECRETS = ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'ROUNDTABLE_JWT_SECRET'];

let home: string;
let now: Date;
const tick = () => (now = new Date(now.getTime() + 60_000));
const keychain = new MemoryKeychain();

/** A rotator over the real store and keychain: new value in the keychain, generation + 1, journaled. */
function fakeRotator(
  store: StateStore,
  journal: ReturnType<typeof createJournal>,
  failOnce = new Set<string>(),
): IncidentRotator {
  return {
    plan: (_d, only) => Promise.resolve(only ? SECRETS.filter((s) => only.includes(s)) : [...SECRETS]),
    async rotateOne(deploymentId, variable) {
      if (failOnce.delete(variable))
        throw new AppError('ROTATION_COMMAND_FAILED', 'docker is not reachable; start it and resume.');
      await keychain.set(serviceFor(deploymentId), variable, `CANARYnew_${variable}_${'x'.repeat(20)}`);
      const generation = await store.update((d) => {
        const meta = d.secrets[deploymentId]?.[variable];
        if (!meta) throw new Error('no meta');
        meta.generation += 1;
        meta.lastRotated = now.toISOString();
        return meta.generation;
      });
      await journal.append({ type: 'secret.rotated', deploymentId, subject: variable, details: { generation } });
      return { generation };
    },
  };
}

/** One app start: a fresh store, journal, logger and service over the same home (a restart). */
function boot(opts: { rotator?: boolean; failOnce?: Set<string> } = {}) {
  const logger = createLogger({ sink: memorySink() });
  const store = createStateStore({ file: join(home, 'state.json'), logger, clock: () => now });
  const journal = createJournal({ file: join(home, 'journal.jsonl'), clock: () => now, redactor: logger.redactor });
  const rotator = opts.rotator === false ? null : fakeRotator(store, journal, opts.failOnce);
  const service = createIncidentService({
    store,
    journal,
    logger,
    clock: () => now,
    keychain: () => Promise.resolve(keychain),
    rotator: () => rotator,
    profile: crucibleCeProfile,
    home,
  });
  return { service, store, journal, logger };
}

async function seed(): Promise<void> {
  const { store } = boot();
  await store.update((d) => {
    d.deployments.push({
      id: DEP,
      name: 'Crucible prod',
      folder: '/srv/crucible',
      composeFiles: ['/srv/crucible/docker-compose.prod.yml'],
      environment: 'production',
      createdAt: now.toISOString(),
    });
    d.secrets[DEP] = Object.fromEntries(
      SECRETS.map((v) => [
        v,
        {
          variable: v,
          fingerprint: '0123456789abcdef',
          generation: 1,
          created: now.toISOString(),
          lastRotated: null,
          origin: 'generated' as const,
        },
      ]),
    );
  });
  await keychain.set(serviceFor(DEP), 'REDIS_PASSWORD', CANARY);
}

async function finishStep(service: IncidentService, id: string, step: StepId): Promise<void> {
  if (step === 'assess') {
    await service.answer(id, {
      whatExposed: 'The .env was readable by every local user',
      since: '2026-11-28T08:00:00Z',
      secrets: ['REDIS_PASSWORD', 'API_KEY_ENCRYPTION_KEY'],
      users: 'All users of the instance',
    });
  }
  if (step === 'rotate') {
    await service.planRotation(id);
    await service.rotateAll(id);
  }
  for (const item of itemsOfStep(step).filter((i) => i.required && i.kind !== 'rotation')) {
    tick();
    if (item.kind === 'export') await service.markExported(id);
    else await service.tick(id, item.id, 'done');
  }
  tick();
  await service.completeStep(id, step);
}

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'cs-incident-'));
  now = new Date('2026-11-29T10:00:00.000Z');
  await seed();
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

describe('incident service', () => {
  it('starts an incident that persists, one active per deployment', async () => {
    const { service } = boot();
    const v = await service.start(DEP, 'Leaked .env');
    expect(v.currentStep).toBe('isolate');
    expect(v.workdir).toBe('cd /srv/crucible');
    expect(v.items.find((i) => i.id === 'isolate.stop-public')?.commands[0]).toBe(
      'docker compose -f docker-compose.prod.yml stop frontend api',
    );
    await expect(service.start(DEP, 'Another')).rejects.toMatchObject({ code: 'INCIDENT_ALREADY_ACTIVE' });
    await expect(service.start('nope-dep', 'x')).rejects.toMatchObject({ code: 'DEPLOYMENT_UNKNOWN' });
    expect(await service.active()).toHaveLength(1);
  });

  it('resumes after a restart exactly where it was, rotation included', async () => {
    const first = boot({ failOnce: new Set(['REDIS_PASSWORD']) });
    const { incident } = await first.service.start(DEP, 'Leaked .env');
    await finishStep(first.service, incident.id, 'isolate');
    await finishStep(first.service, incident.id, 'assess');
    await first.service.planRotation(incident.id);
    const stopped = await first.service.rotateAll(incident.id);
    expect(stopped.incident.rotation?.items.map((i) => i.status)).toEqual(['rotated', 'failed', 'pending']);
    // The reason in words (shown and exported); the code only in the journal, for support.
    expect(stopped.incident.rotation?.items[1]?.reason).toBe('docker is not reachable; start it and resume.');
    const failedEntry = (await first.journal.read()).find(
      (e) => e.type === 'incident.step' && (e.details as { action?: string }).action === 'failed',
    );
    expect(failedEntry?.details).toMatchObject({ variable: 'REDIS_PASSWORD', error: 'ROTATION_COMMAND_FAILED' });

    // Restart: everything is read back from the state file.
    tick();
    const second = boot();
    const v = await second.service.view(incident.id);
    expect(v.currentStep).toBe('rotate');
    expect(v.incident.ticks['isolate.firewall']?.outcome).toBe('done');
    expect(v.incident.answers.secrets).toEqual(['REDIS_PASSWORD', 'API_KEY_ENCRYPTION_KEY']);
    const done = await second.service.rotateAll(incident.id);
    expect(done.incident.rotation?.items.map((i) => [i.variable, i.status, i.generation])).toEqual([
      ['POSTGRES_PASSWORD', 'rotated', 2],
      ['REDIS_PASSWORD', 'rotated', 2],
      ['ROUNDTABLE_JWT_SECRET', 'rotated', 2],
    ]);
    expect(done.incident.ticks['rotate.secrets']?.outcome).toBe('done');
  });

  it('keeps several incidents and lists the newest first', async () => {
    const { service } = boot();
    const a = await service.start(DEP, 'First');
    tick();
    await service.close(a.incident.id, 'False alarm.');
    tick();
    const b = await service.start(DEP, 'Second');
    const list = await service.list();
    expect(list.map((i) => [i.title, i.status])).toEqual([
      ['Second', 'active'],
      ['First', 'closed'],
    ]);
    expect((await service.active()).map((i) => i.id)).toEqual([b.incident.id]);
  });

  it('refuses admin text that contains a secret value', async () => {
    const { service } = boot();
    const { incident } = await service.start(DEP, 'Leak');
    await expect(
      service.addTimeline(incident.id, { at: now.toISOString(), text: `saw ${CANARY} in a paste` }),
    ).rejects.toMatchObject({ code: 'INCIDENT_TEXT_HAS_SECRET' });
    await expect(
      service.tick(incident.id, 'isolate.firewall', 'skipped', `redis://:hunter2hunter2@redis:6379/0`),
    ).rejects.toMatchObject({ code: 'INCIDENT_TEXT_HAS_SECRET' });
    await expect(service.start(DEP, `x ${CANARY}`)).rejects.toMatchObject({ code: 'INCIDENT_TEXT_HAS_SECRET' });
  });

  it('goes through all six steps, closes, and reports without any secret value', async () => {
    const { service, journal } = boot();
    const { incident } = await service.start(DEP, 'Leaked .env');
    await service.addTimeline(incident.id, {
      at: '2026-11-28T08:00:00Z',
      text: 'The .env was made world-readable by a deploy script',
    });
    for (const step of INCIDENT_STEPS) await finishStep(service, incident.id, step);
    // A journal line written by a process that did not know the current value (it is in the keychain only).
    const current = await keychain.get(serviceFor(DEP), 'REDIS_PASSWORD');
    await createJournal({ file: journal.file, clock: () => now }).append({
      type: 'file.written',
      deploymentId: DEP,
      subject: `note ${current ?? ''}`,
    });
    tick();
    const closed = await service.close(incident.id, 'Contained within 2 hours; all secrets rotated.');
    expect(closed.incident.status).toBe('closed');
    expect(closed.currentStep).toBeNull();

    tick();
    const report = await boot().service.report(incident.id);
    for (const text of [report.markdown, report.html]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain('CANARYnew_');
      expect(text).toContain('REDIS_PASSWORD');
      expect(text).toContain('The .env was made world-readable by a deploy script');
      expect(text).toContain('Contained within 2 hours');
    }
    expect(report.markdown).toMatch(/\| REDIS_PASSWORD \| rotated \| 2 \|/);
    expect(report.markdown).toContain('[x] Stop the frontend and the api — done 2026-11-29');
    expect(report.markdown).toContain("The journal's hash chain is intact");
    expect(report.html).not.toMatch(/<script/i);
    expect(report.baseName).toMatch(/^incident-2026-11-29-/);
  });

  it('without a rotator, says so and lets the admin tick the rotation done by hand', async () => {
    const { service } = boot({ rotator: false });
    const { incident } = await service.start(DEP, 'Leak');
    await finishStep(service, incident.id, 'isolate');
    await finishStep(service, incident.id, 'assess');
    const v = await service.view(incident.id);
    expect(v.rotation.available).toBe(false);
    expect(v.rotation.candidates).toContain('API_KEY_ENCRYPTION_KEY');
    expect(v.rotation.candidates).not.toContain('POSTGRES_USER');
    await expect(service.planRotation(incident.id)).rejects.toMatchObject({ code: 'INCIDENT_ROTATION_UNAVAILABLE' });
    const ticked = await service.tick(incident.id, 'rotate.secrets', 'done', 'rotated on the Rotation page');
    expect(ticked.incident.ticks['rotate.secrets']?.outcome).toBe('done');
  });

  it('refuses to complete Rotate after "Rotate all" failed on the first secret, unless overridden with a reason', async () => {
    const { service, journal } = boot({ failOnce: new Set(['POSTGRES_PASSWORD']) });
    const { incident } = await service.start(DEP, 'Leaked .env');
    await finishStep(service, incident.id, 'isolate');
    await finishStep(service, incident.id, 'assess');
    await service.planRotation(incident.id);
    const stopped = await service.rotateAll(incident.id);
    expect(stopped.incident.rotation?.items.map((i) => i.status)).toEqual(['failed', 'pending', 'pending']);
    for (const item of itemsOfStep('rotate').filter(
      (i) => i.required && i.kind !== 'rotation' && i.id !== 'rotate.sessions',
    ))
      await service.tick(incident.id, item.id, 'done');
    await service.tick(incident.id, 'rotate.sessions', 'skipped', 'after the move');
    const before = await service.view(incident.id);
    expect(before.steps.find((s) => s.id === 'rotate')?.unmet).toEqual([
      { itemId: 'rotate.secrets', problem: 'every chosen secret rotated: 0 of 3 rotated; POSTGRES_PASSWORD failed' },
      { itemId: 'rotate.sessions', problem: 'the login sessions revoked: skipped (after the move)' },
    ]);

    await expect(service.completeStep(incident.id, 'rotate')).rejects.toMatchObject({
      code: 'INCIDENT_ESSENTIAL_NOT_DONE',
      message: expect.stringContaining('0 of 3 rotated') as string,
    });
    await expect(
      service.completeStep(incident.id, 'rotate', { reason: `the password is ${CANARY}` }),
    ).rejects.toMatchObject({ code: 'INCIDENT_TEXT_HAS_SECRET' });
    expect((await service.view(incident.id)).currentStep).toBe('rotate');

    tick();
    const done = await service.completeStep(incident.id, 'rotate', {
      reason: 'Moving to a new host; secrets are regenerated there',
    });
    expect(done.currentStep).toBe('review-logs');
    expect(done.steps.find((s) => s.id === 'rotate')?.override?.reason).toBe(
      'Moving to a new host; secrets are regenerated there',
    );
    const entry = (await journal.read({ deploymentId: DEP })).find(
      (e) => e.subject === 'rotate' && e.type === 'incident.step',
    );
    expect(entry?.details).toMatchObject({
      action: 'completed with an override',
      reason: 'Moving to a new host; secrets are regenerated there',
      unmet: expect.stringContaining('0 of 3 rotated') as string,
    });

    const report = await service.report(incident.id);
    expect(report.markdown).toContain(
      'completed with an override: Moving to a new host; secrets are regenerated there (not done: every chosen secret rotated: 0 of 3 rotated; POSTGRES_PASSWORD failed; the login sessions revoked: skipped (after the move))',
    );
    expect(report.html).toContain('completed with an override: Moving to a new host');
    // The notice claims nothing that did not happen.
    expect(done.notice).not.toContain('Replaced');
    expect(done.notice).toContain(
      'Not done yet: replacing the database password, the password of the session store and an unused token-signing secret.',
    );
    expect(done.notice).not.toContain('Log in again');
    expect(done.notice).not.toContain('Ended every login session');
  });

  it('closing writes the final report (0600) to the app home: status closed, never "still open"', async () => {
    const { service } = boot();
    const { incident } = await service.start(DEP, 'Leaked .env');
    for (const step of INCIDENT_STEPS.filter((s) => s !== 'document')) await finishStep(service, incident.id, step);
    await service.tick(incident.id, 'document.evidence', 'done');
    tick();
    const closed = await service.close(incident.id, 'Contained; every secret rotated.');
    const paths = closed.incident.finalReport;
    if (!paths) throw new Error('no final report');
    expect(paths.markdown).toBe(join(home, 'incidents', `${(await service.report(incident.id)).baseName}.md`));
    expect(closed.currentStep).toBeNull();
    for (const file of [paths.markdown, paths.html]) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain('still open');
      expect(text).not.toContain(CANARY);
      expect(text).not.toMatch(/Export a copy of the incident report.{0,40}not done/);
      expect(text).toContain('Contained; every secret rotated.');
    }
    const md = readFileSync(paths.markdown, 'utf8');
    expect(md).toContain('| Status | closed |');
    expect(md).toContain(
      `| Closed | ${now
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')} |`,
    );
    expect(md).toContain('Started 2026-11-29');
    expect(md).toMatch(/### Document\n\nStarted [^;]+; completed 2026-/);
    expect(statSync(join(home, 'incidents')).mode & 0o777).toBe(0o700);
  });

  it('closing early (a false alarm) needs no export first and still writes the report', async () => {
    const { service } = boot();
    const { incident } = await service.start(DEP, 'Alert');
    const closed = await service.close(incident.id, 'False alarm: a test key.');
    expect(closed.incident.status).toBe('closed');
    const md = readFileSync(closed.incident.finalReport?.markdown ?? '', 'utf8');
    expect(md).toContain('| Status | closed |');
    expect(md).toContain('False alarm: a test key.');
    expect(md).toContain('### Isolate\n\nStarted');
    expect(md).toContain('not completed');
  });

  it('the notice says what the rotation actually did: all rotated, sessions ended', async () => {
    const { service } = boot();
    const { incident } = await service.start(DEP, 'Leaked .env');
    for (const step of ['isolate', 'assess', 'rotate'] as const) await finishStep(service, incident.id, step);
    const v = await service.view(incident.id);
    expect(v.notice).toContain(
      'Replaced the database password, the password of the session store and an unused token-signing secret with new random values.',
    );
    expect(v.notice).toContain('Log in again');
    expect(v.notice).not.toContain('Not done yet');
    expect(v.notice).not.toContain('signed with it');
  });

  it('journals ticks and steps with ids only', async () => {
    const { service, journal } = boot();
    const { incident } = await service.start(DEP, 'Leak');
    await service.tick(incident.id, 'isolate.stop-public', 'done');
    const entries = await journal.read({ deploymentId: DEP });
    expect(entries.map((e) => [e.type, e.subject, e.details.action])).toEqual([
      ['incident.opened', incident.id, undefined],
      ['incident.step', 'isolate.stop-public', 'done'],
    ]);
  });
});
