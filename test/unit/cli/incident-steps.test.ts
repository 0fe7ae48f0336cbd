import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../electron/cli/main';
import { createCoreServices, type CoreServices } from '../../../electron/core/services';
import { createLogger, nullSink } from '../../../electron/core/log/logger';
import { MemoryKeychain } from '../../../electron/core/keychain/memory-keychain';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import { RUNBOOK_SKELETON } from '../../../electron/core/incident/runbook';
import { cliIo } from '../../helpers/cli-io';
import { AppError } from '../../../electron/common/errors';
import type { IncidentRotator } from '../../../electron/core/incident/rotate-port';

const CANARY = 'CANARYpgPw_x7Kq2LmN9pQ4rS8tV1wY5zA';
let root: string;
let folder: string;
let core: CoreServices;
/** A rotator whose second secret fails once (the real playbooks need docker; they have their own tests). */
let failNext = true;
const rotated: string[] = [];
const rotator: IncidentRotator = {
  plan: (_id, only) => Promise.resolve(only ? [...only] : ['ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', 'REDIS_PASSWORD']),
  rotateOne: (_id, variable) => {
    if (variable === 'REDIS_PASSWORD' && failNext) {
      failNext = false;
      return Promise.reject(new AppError('ROTATION_COMMAND_FAILED', 'docker compose up -d redis failed (exit 1).'));
    }
    rotated.push(variable);
    return Promise.resolve({ generation: 2 });
  },
};

function run(...argv: string[]) {
  const { io, out, err } = cliIo();
  return runCli(argv, io, { coreFactory: () => core }).then((code) => ({ code, out: out(), err: err() }));
}

/** Every item id of the runbook: none may appear in text meant for a person. */
const ITEM_IDS = RUNBOOK_SKELETON.map((i) => i.id);
const noIds = (text: string) => {
  for (const id of ITEM_IDS) expect(text, `internal id ${id} shown`).not.toContain(id);
};

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'cs-cli-incsteps-'));
  folder = join(root, 'crucible');
  mkdirSync(folder);
  const keychain = new MemoryKeychain();
  await keychain.set(serviceFor('prod-crucible'), 'POSTGRES_PASSWORD', CANARY);
  failNext = true;
  rotated.length = 0;
  core = createCoreServices({
    home: join(root, 'home'),
    logger: createLogger({ sink: nullSink }),
    keychain,
    platform: 'linux',
    env: {},
    incidentRotator: rotator,
  });
  await core.store.update((d) => {
    d.deployments.push({
      id: 'prod-crucible',
      name: 'Crucible prod',
      folder,
      composeFiles: [],
      environment: 'production',
      createdAt: new Date().toISOString(),
    });
  });
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('crucible-secrets incident steps', () => {
  it('start and status name CLI commands and titles, never the app’s pages or item ids', async () => {
    const started = await run('incident', 'start', folder, '--title', 'Leaked .env');
    expect(started.code).toBe(0);
    expect(started.out).not.toMatch(/Incident page|in the app/);
    expect(started.out).toContain('crucible-secrets incident tick');
    expect(started.out).toContain('crucible-secrets incident complete');
    noIds(started.out);
    const status = await run('incident', 'status');
    expect(status.code).toBe(1);
    expect(status.out).toContain('"Leaked .env"');
    expect(status.out).toContain('at Isolate');
    noIds(status.out);
  });

  it('walks Isolate by titles: tick, skip needs a reason, complete lists what is open by title', async () => {
    await run('incident', 'start', folder, '--title', 'Leaked .env');
    const view = async () => core.incident.view((await core.incident.list())[0]?.id ?? '');
    const isolate = (await view()).items.filter((i) => i.step === 'isolate' && i.required);
    expect(isolate.length).toBeGreaterThan(1);
    const [first, ...others] = isolate;
    if (!first) throw new Error('no item');

    const early = await run('incident', 'complete');
    expect(early.code).toBe(1);
    expect(early.err).toContain(`"${first.title}"`);
    noIds(early.err);

    const ticked = await run('incident', 'tick', first.title.toUpperCase(), '--note', 'stopped at 22:10');
    expect(ticked.code, ticked.err).toBe(0);
    expect((await view()).incident.ticks[first.id]).toMatchObject({ outcome: 'done', note: 'stopped at 22:10' });

    const noReason = await run('incident', 'skip', others[0]?.title ?? '');
    expect(noReason.code).toBe(64);
    expect(noReason.err).toContain('--reason');

    for (const item of others) {
      const r = await run('incident', 'skip', item.id, '--reason', 'not applicable here');
      expect(r.code, r.err).toBe(0);
    }
    const done = await run('incident', 'complete');
    expect(done.code, done.err).toBe(0);
    expect(done.out).toContain('Isolate completed.');
    expect(done.out).toContain('Current step: Assess');
    expect((await view()).currentStep).toBe('assess');
  });

  it('an ambiguous or unknown item is refused with the candidates’ titles', async () => {
    await run('incident', 'start', folder);
    const r = await run('incident', 'tick', 'no such thing at all');
    expect(r.code).toBe(64);
    expect(r.err).toContain('no runbook item is called');
    noIds(r.err);
  });

  it('answers the Assess questions, keeps the timeline, refuses a secret, and closes', async () => {
    await run('incident', 'start', folder, '--title', 'Leaked .env');
    const id = (await core.incident.list())[0]?.id ?? '';
    for (const item of (await core.incident.view(id)).items.filter((i) => i.step === 'isolate' && i.required))
      await core.incident.tick(id, item.id, 'done');
    await core.incident.completeStep(id, 'isolate');

    const a = await run(
      'incident',
      'answer',
      '--what-exposed',
      'the .env file',
      '--since',
      '2026-11-29T22:00:00Z',
      '--secrets',
      'POSTGRES_PASSWORD',
      '--users',
      'all',
    );
    expect(a.code, a.err).toBe(0);
    expect((await core.incident.view(id)).incident.answers).toMatchObject({
      whatExposed: 'the .env file',
      since: '2026-11-29T22:00:00.000Z',
      secrets: ['POSTGRES_PASSWORD'],
      users: 'all',
    });
    const keep = await run('incident', 'answer', '--users', 'two admins');
    expect(keep.code).toBe(0);
    expect((await core.incident.view(id)).incident.answers.whatExposed).toBe('the .env file');
    const bad = await run('incident', 'answer', '--secrets', 'NOT_A_SECRET');
    expect(bad.code).toBe(64);

    const t1 = await run('incident', 'timeline', 'backup copied to a laptop', '--at', '2026-11-29T21:00:00Z');
    expect(t1.code, t1.err).toBe(0);
    expect(t1.out).toContain('1. 2026-11-29T21:00:00.000Z  backup copied to a laptop');
    const leak = await run('incident', 'timeline', `found ${CANARY} in a paste`);
    expect(leak.code).toBe(65);
    expect(leak.err).toContain('INCIDENT_TEXT_HAS_SECRET');
    expect(leak.err + leak.out).not.toContain(CANARY);
    const removed = await run('incident', 'timeline', '--remove', '1');
    expect(removed.code).toBe(0);
    expect((await core.incident.view(id)).incident.timeline).toHaveLength(0);

    const notice = await run('incident', 'notice', '--extra', 'Change your provider keys.');
    expect(notice.code).toBe(0);
    expect(notice.out).toContain('Change your provider keys.');

    const noSummary = await run('incident', 'close');
    expect(noSummary.code).toBe(64);
    const closed = await run(
      'incident',
      'close',
      '--incident',
      'leaked .ENV',
      '--summary',
      'False alarm: the file was encrypted.',
    );
    expect(closed.code, closed.err).toBe(0);
    expect(closed.out).toContain('Not completed: Assess');
    expect(closed.out).toContain(`Final report written to:\n  ${join(root, 'home', 'incidents')}`);
    expect(closed.out).not.toContain('incident report --out');
    expect((await core.incident.view(id)).incident.status).toBe('closed');
    const status = await run('incident', 'status');
    expect(status.code).toBe(0);
  });

  it('rotate runs the Rotate step in order, stops at a failure (exit 1) and resumes without rotating twice', async () => {
    await run('incident', 'start', folder);
    const id = (await core.incident.list())[0]?.id ?? '';
    for (const step of ['isolate', 'assess'] as const) {
      for (const item of (await core.incident.view(id)).items.filter((i) => i.step === step && i.required))
        await core.incident.tick(id, item.id, 'done');
      if (step === 'assess')
        await core.incident.answer(id, { whatExposed: '.env', since: null, secrets: [], users: '' });
      await core.incident.completeStep(id, step);
    }
    const first = await run('incident', 'rotate');
    expect(first.code).toBe(1);
    expect(first.out).toContain('✓ ROUNDTABLE_COMMUNITY_AUTH_PASSWORD');
    // The reason in words, as the window and the report show it (the code is in the journal).
    expect(first.out).toContain('✗ REDIS_PASSWORD: docker compose up -d redis failed (exit 1).');
    expect(first.out).not.toContain('ROTATION_COMMAND_FAILED');
    expect(first.out).toContain('crucible-secrets incident rotate');
    const again = await run('incident', 'rotate');
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('Every planned secret is rotated.');
    expect(rotated).toEqual(['ROUNDTABLE_COMMUNITY_AUTH_PASSWORD', 'REDIS_PASSWORD']);
    expect((await core.incident.view(id)).incident.ticks['rotate.secrets']?.outcome).toBe('done');
  });

  it('complete refuses Rotate after a failed run (exit 1, in words) and accepts --override with a reason', async () => {
    await run('incident', 'start', folder);
    const id = (await core.incident.list())[0]?.id ?? '';
    for (const step of ['isolate', 'assess'] as const) {
      for (const item of (await core.incident.view(id)).items.filter((i) => i.step === step && i.required))
        await core.incident.tick(id, item.id, 'done');
      if (step === 'assess')
        await core.incident.answer(id, { whatExposed: '.env', since: null, secrets: [], users: '' });
      await core.incident.completeStep(id, step);
    }
    expect((await run('incident', 'rotate')).code).toBe(1);
    for (const item of (await core.incident.view(id)).items.filter(
      (i) => i.step === 'rotate' && i.required && i.kind !== 'rotation',
    ))
      await core.incident.tick(id, item.id, 'done');
    await run('incident', 'skip', 'rotate the secrets', '--reason', 'docker is down');

    const refused = await run('incident', 'complete');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      'Rotate cannot be completed: every chosen secret rotated: 1 of 2 rotated; REDIS_PASSWORD failed',
    );
    expect(refused.err).toContain('--override "REASON"');
    noIds(refused.err);
    expect((await run('incident', 'complete', '--override', ' ')).code).toBe(64);
    expect((await core.incident.view(id)).currentStep).toBe('rotate');

    const ok = await run('incident', 'complete', '--override', 'Redis is rebuilt on the new host tomorrow');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(
      'Rotate completed with an override: Redis is rebuilt on the new host tomorrow (the report says so).',
    );
    const report = await run('incident', 'report');
    expect(report.out).toContain(
      'completed with an override: Redis is rebuilt on the new host tomorrow (not done: every chosen secret rotated: 1 of 2 rotated; REDIS_PASSWORD failed)',
    );
  });

  it('the old --id option still selects the incident', async () => {
    await run('incident', 'start', folder);
    const id = (await core.incident.list())[0]?.id ?? '';
    const r = await run('incident', 'status', '--id', id, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).incidents).toHaveLength(1);
  });
});
