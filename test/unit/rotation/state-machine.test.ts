import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceFor } from '../../../electron/core/keychain/keychain';
import type { RotationService, RotationView } from '../../../electron/core/rotation/rotation.service';
import { Crash, DEP, OLD, OLD_STORED, isFakeHash, makeWorld, type World } from './rotation-fixture';

/**
 * Each playbook's state machine with a crash injected before every effect in turn (keychain write or
 * delete, state write, `.env` write, command). After each crash the app "restarts" (a new service over
 * the same keychain and files) and both ways out are taken on copies of that moment: roll back, and
 * resume to the end. Keychain and `.env` must be consistent afterwards, and the previous value must never
 * be lost at any point.
 */

type Var = keyof typeof OLD;
const VARIABLES: Var[] = [
  'ROUNDTABLE_JWT_SECRET',
  'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
  'POSTGRES_PASSWORD',
  'REDIS_PASSWORD',
  'API_KEY_ENCRYPTION_KEY',
  'ROUNDTABLE_OPENROUTER_API_KEY',
];
const NEW_PROVIDER_KEY = 'sk-or-v1-new-provider-key-1111111111';

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.dispose();
});

async function world(): Promise<World> {
  const w = await makeWorld();
  worlds.push(w);
  return w;
}

function startOptions(v: Var) {
  return { reason: 'test', ...(v === 'ROUNDTABLE_OPENROUTER_API_KEY' ? { newValue: NEW_PROVIDER_KEY } : {}) };
}

/** Starts (or resumes) and performs every step to the end, then confirms. */
async function driveToEnd(svc: RotationService, v: Var): Promise<RotationView> {
  let view = await svc.start(DEP, v, startOptions(v));
  // The interrupted run was being confirmed: resuming finishes the confirmation.
  if (view.status === 'confirmed') return view;
  for (const s of view.steps) {
    const fresh = (await svc.view(view.id)).steps.find((x) => x.id === s.id);
    if (!fresh || fresh.state === 'done') continue;
    if (s.kind === 'manual') {
      if (!s.optional) view = await svc.tick(view.id, s.id);
      continue;
    }
    const r = await svc.perform(view.id, s.id);
    expect(r.ok).toBe(true);
    view = r.view;
  }
  return svc.confirm(view.id);
}

/** Files left in the app home's rotation work folders (export, SQL): none once a run is finished. */
async function workFilesLeft(w: World): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(join(w.home, 'rotation'), { recursive: true }).catch(() => [] as string[]);
  // A rollback whose commands are left to the admin keeps the ALTER ROLE back to the previous password
  // (a SCRAM verifier, never the password) where the printed command reads it: private, and nothing else.
  for (const e of entries.filter((x) => x.endsWith('-rollback/alter-role-previous.sql'))) {
    const { stat, readFile } = await import('node:fs/promises');
    expect((await stat(join(w.home, 'rotation', e))).mode & 0o777).toBe(0o600);
    for (const [name, pw] of Object.entries(OLD_STORED))
      if (name.endsWith('PASSWORD')) expect(await readFile(join(w.home, 'rotation', e), 'utf8')).not.toContain(pw);
  }
  return entries.filter((e) => e.includes('.') && !e.endsWith('-rollback/alter-role-previous.sql'));
}

/** Where the previous keychain value can be found right now (live or staged). */
function previousAvailable(w: World, v: Var): boolean {
  if (w.kc.data.get(serviceFor(DEP))?.get(v) === OLD_STORED[v]) return true;
  return [...w.kc.data].some(([s, m]) => s.includes('/rotation/') && m.get(`${v}#previous`) === OLD_STORED[v]);
}

async function envIsOld(w: World, v: Var): Promise<boolean> {
  return (await w.env()).get(v) === OLD_STORED[v];
}

async function assertRolledBack(w: World, v: Var): Promise<void> {
  expect(await envIsOld(w, v)).toBe(true);
  expect(w.kc.data.get(serviceFor(DEP))?.get(v)).toBe(OLD_STORED[v]);
  expect(w.kc.staged()).toEqual([]);
  expect(await workFilesLeft(w)).toEqual([]);
  const s = await w.store().read();
  expect(s.secrets[DEP]?.[v]?.generation).toBe(1);
  expect(s.rotations.every((r) => r.status === 'rolled-back')).toBe(true);
  expect((await w.journal().verify()).ok).toBe(true);
}

async function assertRotated(w: World, v: Var): Promise<void> {
  const live = w.kc.data.get(serviceFor(DEP))?.get(v);
  expect(live).toBeDefined();
  expect(live).not.toBe(OLD_STORED[v]);
  // One rule for every secret: the keychain holds exactly what .env holds (the login password: its hash).
  expect((await w.env()).get(v)).toBe(live);
  if (v === 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD') expect(isFakeHash(live ?? '')).toBe(true);
  if (v === 'ROUNDTABLE_OPENROUTER_API_KEY') expect(live).toBe(NEW_PROVIDER_KEY);
  expect(w.kc.staged()).toEqual([]);
  expect(await workFilesLeft(w)).toEqual([]);
  const s = await w.store().read();
  expect(s.secrets[DEP]?.[v]?.generation).toBe(2);
  expect(s.rotations.filter((r) => r.status === 'confirmed')).toHaveLength(1);
  expect(s.rotations.every((r) => r.status === 'confirmed' || r.status === 'rolled-back')).toBe(true);
  expect((await w.journal().verify()).ok).toBe(true);
  // Nothing else in .env moved.
  const env = await w.env();
  for (const other of Object.keys(OLD) as Var[]) if (other !== v) expect(env.get(other)).toBe(OLD_STORED[other]);
}

describe.each(VARIABLES)('%s playbook under crashes', (v) => {
  it('completes without a crash', async () => {
    const w = await world();
    await driveToEnd(w.service(), v);
    await assertRotated(w, v);
  });

  it(
    'after a crash at every effect: never loses the previous value; rollback and resume both end consistent',
    { timeout: 300_000 },
    async () => {
      let crashes = 0;
      for (let n = 0; n < 80; n++) {
        const w = await world();
        w.budget.left = n;
        try {
          await driveToEnd(w.service(), v);
          // No crash: the budget exceeded the number of effects; every crash point was tried.
          w.budget.left = Infinity;
          await assertRotated(w, v);
          break;
        } catch (e) {
          if (!(e instanceof Crash)) throw e;
        }
        crashes++;
        w.budget.left = Infinity;
        const confirmedByAdmin = (await w.store().read()).rotations.some(
          (r) => r.status === 'confirming' || r.status === 'confirmed',
        );
        if (!confirmedByAdmin) expect(previousAvailable(w, v), `previous value lost after crash ${n}`).toBe(true);

        // Way out 1: the next start offers the pending run; roll it back.
        const back = await w.fork();
        worlds.push(back);
        const pending = await back.service().pending(DEP);
        for (const p of pending)
          await back
            .service()
            .rollback(p.id, {
              reverse: { exportFile: `${back.folder}/export-again.json`, sqlFile: `${back.folder}/reverse.sql` },
            })
            .catch(async (err: unknown) => {
              // The reverse re-encryption needs a fresh export: write it (the DB now holds new-key tokens) and retry.
              if ((err as { code?: string }).code !== 'ROTATION_EXPORT_INVALID') throw err;
              await import('node:fs/promises').then((fs) =>
                fs.copyFile(p.exportFile ?? '', `${back.folder}/export-again.json`),
              );
              await back
                .service()
                .rollback(p.id, {
                  reverse: { exportFile: `${back.folder}/export-again.json`, sqlFile: `${back.folder}/reverse.sql` },
                })
                .catch((e2: unknown) => {
                  // Tokens in that export are under the OLD key, so reversing them fails: acceptable only for that playbook.
                  expect((e2 as { code?: string }).code).toBe('ROTATION_TOKEN_UNDECRYPTABLE');
                });
            });
        const statuses = (await back.store().read()).rotations.map((r) => r.status);
        if (statuses.includes('confirmed'))
          await assertRotated(back, v); // the crash hit after the admin confirmed: confirmation is finished
        else if (v !== 'API_KEY_ENCRYPTION_KEY' || statuses.every((st) => st === 'rolled-back'))
          await assertRolledBack(back, v);

        // Way out 2: resume to the end.
        const fwd = await w.fork();
        worlds.push(fwd);
        await driveToEnd(fwd.service(), v);
        await assertRotated(fwd, v);
      }
      expect(crashes).toBeGreaterThan(5);
    },
  );
});

describe('step refusals name steps by their titles, never their ids', () => {
  it('confirming early and running a step out of order say which steps, in words', async () => {
    const w = await world();
    const svc = w.service();
    const view = await svc.start(DEP, 'ROUNDTABLE_JWT_SECRET', startOptions('ROUNDTABLE_JWT_SECRET'));
    const titles = new Map(view.steps.map((s) => [s.id, s.title]));
    const early = await svc.confirm(view.id).then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(early?.code).toBe('ROTATION_NOT_FINISHED');
    for (const id of view.blocking) {
      expect(early?.message).toContain(`"${titles.get(id) ?? ''}"`);
      expect(early?.message).not.toMatch(new RegExp(`(^|[ :,])${id}[,.]`));
    }
    // Staging runs by itself before any step: take one that waits for a step after it.
    const later = view.steps.find((s) => s.requires.some((r) => r !== 'stage') && s.kind !== 'manual');
    if (!later) throw new Error('the playbook has no step that waits for another');
    const blocked = await svc.perform(view.id, later.id).then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(blocked?.code).toBe('ROTATION_STEP_BLOCKED');
    const waitsFor = later.requires.find((r) => r !== 'stage') ?? '';
    expect(blocked?.message).toContain(`"${titles.get(waitsFor) ?? ''}"`);
  });
});
