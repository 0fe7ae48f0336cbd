import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STEP, UNDO } from '../../../electron/common/model/rotation-steps';
import { buildPlan, type PlanContext } from '../../../electron/core/rotation/playbooks';
import { buildRollbackCommands } from '../../../electron/core/rotation/rollback-commands';
import { crucibleCeProfile } from '../../../electron/core/stack/crucible-ce';
import { DEP, makeWorld, type World } from './rotation-fixture';

/**
 * Which containers a rotation recreates, read from Crucible's own compose files (the genuine checkout), and
 * the verifications its playbooks state. docker-compose.yml passes the seven secrets as `environment:` entries
 * and also bind-mounts `.env` into the api, which reads every key of it (service/app/core/config.py); a key
 * that reaches the api only through that file leaves its compose configuration unchanged, so plain
 * `docker compose up -d api` would keep the old container.
 */

const UPSTREAM = join(process.cwd(), '..', 'shared', 'upstream', 'crucible-community-2d1840e.tar.gz');
let checkout = '';
const worlds: World[] = [];

beforeAll(() => {
  if (!existsSync(UPSTREAM)) return;
  checkout = mkdtempSync(join(tmpdir(), 'cs-rot-upstream-'));
  execFileSync('tar', ['xzf', UPSTREAM, '-C', checkout]);
});
afterAll(() => {
  if (checkout !== '') rmSync(checkout, { recursive: true, force: true });
});
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.dispose();
});

/** A world whose deployment folder holds Crucible's own compose file `file`. */
async function worldWith(file: string): Promise<World> {
  const w = await makeWorld();
  worlds.push(w);
  copyFileSync(join(checkout, 'crucible-community', file), join(w.folder, file));
  await w.store().update((s) => {
    const d = s.deployments.find((x) => x.id === DEP);
    if (d) d.composeFiles = [file];
  });
  return w;
}

async function recreateCommands(w: World, variable: string): Promise<string[]> {
  const plan = await w.service().plan(DEP, variable);
  return plan.steps.find((s) => s.id === STEP.recreate)?.commands.map((c) => c.display) ?? [];
}

describe.skipIf(!existsSync(UPSTREAM))(
  "recreating exactly the services that receive the variable (Crucible's compose files)",
  () => {
    it('docker-compose.yml: a secret passed as an environment entry recreates its receivers without force', async () => {
      const w = await worldWith('docker-compose.yml');
      expect(await recreateCommands(w, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toEqual(['docker compose up -d api']);
      expect(await recreateCommands(w, 'REDIS_PASSWORD')).toEqual(['docker compose up -d redis api worker beat']);
    });

    it('docker-compose.yml: a key the api reads only from the mounted .env is applied with --force-recreate', async () => {
      const w = await worldWith('docker-compose.yml');
      const plan = await w.service().plan(DEP, 'OPENROUTER_API_KEY');
      const recreate = plan.steps.find((s) => s.id === STEP.recreate);
      expect(recreate?.commands.map((c) => c.display)).toEqual(['docker compose up -d --force-recreate api']);
      expect(recreate?.detail).toContain('--force-recreate');
      expect(plan.blastRadius.servicesRecreated).toEqual(['api']);
    });

    it('docker-compose.prod.yml: the same secrets recreate the services listed with -f, none forced (no .env mount)', async () => {
      const w = await worldWith('docker-compose.prod.yml');
      expect(await recreateCommands(w, 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD')).toEqual([
        'docker compose -f docker-compose.prod.yml up -d api',
      ]);
      expect(await recreateCommands(w, 'REDIS_PASSWORD')).toEqual([
        'docker compose -f docker-compose.prod.yml up -d redis api worker beat',
      ]);
    });
  },
);

describe('playbook verifications say only what Crucible can show', () => {
  const ctx: PlanContext = {
    deployment: { folder: '/srv/crucible', composeFiles: [] },
    postgresUser: 'pguser',
    dumpFile: '/home/a/dumps/x.sql',
    alterRoleFile: '/home/a/rotation/r/alter-role.sql',
  };

  it('config-check is never offered as proof of a new provider key (it shows the same 7 characters for every OpenRouter key)', () => {
    for (const v of crucibleCeProfile.variables) {
      const plan = buildPlan(crucibleCeProfile, v.name, ctx);
      for (const line of plan?.verify ?? [])
        if (line.includes('config-check')) expect(line, v.name).toMatch(/cannot confirm/);
    }
    const openrouter = buildPlan(crucibleCeProfile, 'ROUNDTABLE_OPENROUTER_API_KEY', ctx);
    expect(openrouter?.verify.join(' ')).toMatch(/revoked at the provider/);
    // Nothing in Crucible uses an Eden AI key from the environment: no intake can prove it.
    const eden = buildPlan(crucibleCeProfile, 'ROUNDTABLE_EDEN_AI_API_KEY', ctx);
    expect(eden?.verify.join(' ')).not.toMatch(/intake/i);
  });

  it('no verification cites the notes the app was written from', () => {
    for (const v of crucibleCeProfile.variables) {
      const plan = buildPlan(crucibleCeProfile, v.name, ctx);
      for (const line of [...(plan?.verify ?? []), ...(plan?.steps.map((s) => s.detail) ?? [])])
        expect(line).not.toMatch(/crucible-facts|shared\//);
    }
  });
});

describe('rollback commands come from the command builders', () => {
  const base: PlanContext = {
    deployment: { folder: '/srv/crucible', composeFiles: [] },
    postgresUser: 'pguser',
    dumpFile: '/d.sql',
    alterRoleFile: '/w/alter-role.sql',
  };

  it('the role password is set back from the rollback file, on stdin, never in argv', () => {
    const cmds = buildRollbackCommands(
      crucibleCeProfile,
      'POSTGRES_PASSWORD',
      base,
      [UNDO.alterRole, UNDO.recreate],
      '/w-rollback/alter-role-previous.sql',
    );
    expect(cmds.map((c) => c.display)).toEqual([
      'docker compose exec -T postgres psql -U pguser -d roundtable -v ON_ERROR_STOP=1 < /w-rollback/alter-role-previous.sql',
      expect.stringMatching(/^docker compose up -d /),
    ]);
    expect(cmds[0]?.stdin).toEqual({ kind: 'alter-role', which: 'previous' });
  });

  it('the reverse SQL applied is the file the rollback wrote, not the forward one', () => {
    const cmds = buildRollbackCommands(
      crucibleCeProfile,
      'API_KEY_ENCRYPTION_KEY',
      { ...base, sqlFile: '/admin/reverse.sql' },
      [UNDO.applyReverseSql, UNDO.recreate],
      '/unused',
    );
    expect(cmds[0]?.stdin).toEqual({ kind: 'file', path: '/admin/reverse.sql' });
    expect(cmds[1]?.display).toBe('docker compose up -d api worker beat frontend');
  });

  it('an undo the playbook has no step for adds nothing', () => {
    expect(
      buildRollbackCommands(
        crucibleCeProfile,
        'ROUNDTABLE_JWT_SECRET',
        base,
        [UNDO.alterRole, UNDO.applyReverseSql],
        '/x',
      ),
    ).toEqual([]);
  });
});
