import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultComposeSet, type ComposeChoice } from '../../../../electron/common/model/compose-choice';
import { isAppError } from '../../../../electron/common/errors';
import { completeDraft, trackedSetup } from './helpers';

const { rig, folder } = trackedSetup();

const both: ComposeChoice[] = [
  { set: 'default', files: ['docker-compose.yml'], available: true },
  { set: 'production', files: ['docker-compose.prod.yml'], available: true },
];

/** The AppError code a call throws, or null when it does not throw. */
function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
}

describe('the compose files a deployment runs with (setup)', () => {
  it('preselects the production file for production only, and COMPOSE_FILE whenever .env sets a usable one', () => {
    expect(defaultComposeSet(both, 'production')).toBe('production');
    expect(defaultComposeSet(both, 'staging')).toBe('default');
    expect(defaultComposeSet(both, null)).toBe('default');
    expect(defaultComposeSet([both[0] as ComposeChoice], 'production')).toBe('default');
    const env: ComposeChoice = { set: 'env', files: ['docker-compose.yml'], available: true };
    expect(defaultComposeSet([...both, env], 'production')).toBe('env');
    expect(defaultComposeSet([...both, { ...env, available: false }], 'production')).toBe('production');
  });

  it('offers the default set and the production file of the stock checkout, and records the choice', async () => {
    const r = rig();
    const d = folder();
    const { draftId } = r.setup.begin();
    const chosen = await r.setup.chooseFolder(draftId, d);
    expect(chosen.folder?.composeChoices).toEqual([
      { set: 'default', files: ['docker-compose.yml'], available: true },
      { set: 'production', files: ['docker-compose.prod.yml'], available: true },
    ]);
    r.setup.setEnvironment(draftId, 'development');
    expect(r.setup.summary(draftId).composeFiles).toEqual(['docker-compose.yml']);
    r.setup.setEnvironment(draftId, 'production');
    expect(r.setup.summary(draftId)).toMatchObject({ composeSet: null, composeFiles: ['docker-compose.prod.yml'] });
    expect(r.setup.setComposeFiles(draftId, { set: 'default' }).composeFiles).toEqual(['docker-compose.yml']);
    expect(r.setup.summary(draftId)).toMatchObject({ composeSet: 'default', composeFiles: ['docker-compose.yml'] });
    // Named files (the CLI's --compose-file): each must be a compose file detected in the folder.
    expect(
      r.setup.setComposeFiles(draftId, { files: ['docker-compose.yml', 'docker-compose.prod.yml'] }).composeFiles,
    ).toEqual(['docker-compose.yml', 'docker-compose.prod.yml']);
    for (const files of [
      ['compose.custom.yml'],
      ['../docker-compose.yml'],
      [],
      ['docker-compose.yml', './docker-compose.yml'],
    ])
      expect(
        codeOf(() => r.setup.setComposeFiles(draftId, { files })),
        JSON.stringify(files),
      ).toBe('SETUP_COMPOSE_CHOICE');
    // A refused choice leaves the previous one in place.
    expect(r.setup.summary(draftId).composeFiles).toEqual(['docker-compose.yml', 'docker-compose.prod.yml']);
    expect(codeOf(() => r.setup.setComposeFiles(draftId, { set: 'env' }))).toBe('SETUP_COMPOSE_CHOICE');
  });

  it('the message for a file not in the folder names the files that are there', async () => {
    const r = rig();
    const { draftId } = r.setup.begin();
    await r.setup.chooseFolder(draftId, folder());
    expect(() => r.setup.setComposeFiles(draftId, { files: ['docker-compose.production.yml'] })).toThrow(
      /docker-compose\.production\.yml is not a compose file in the deployment folder\. The folder holds docker-compose\.yml, docker-compose\.prod\.yml/,
    );
  });

  it('commits the chosen files: recorded in the deployment, and the finish commands carry exactly their -f flags', async () => {
    const r = rig();
    const prod = await completeDraft(r, folder());
    const a = await r.setup.commit(prod.draftId);
    const cmds = a.commands.map((c) => c.command);
    expect(cmds).toContain('docker compose -f docker-compose.prod.yml up -d');
    expect(cmds).toContain('docker compose -f docker-compose.prod.yml config --quiet');
    expect(
      cmds.filter((c) => c.startsWith('docker compose')).every((c) => c.includes('-f docker-compose.prod.yml')),
    ).toBe(true);
    expect(a.commands.some((c) => /only if you run/i.test(c.why))).toBe(false);

    const d2 = folder();
    const { draftId } = await completeDraft(r, d2);
    r.setup.setComposeFiles(draftId, { set: 'default' });
    await r.setup.review(draftId);
    const b = await r.setup.commit(draftId);
    expect(b.commands.map((c) => c.command)).toContain('docker compose up -d');
    expect(b.commands.some((c) => c.command.includes('prod'))).toBe(false);
    const state = await r.core.store.read();
    expect(Object.fromEntries(state.deployments.map((x) => [x.id, x.composeFiles]))).toEqual({
      [a.deploymentId]: ['docker-compose.prod.yml'],
      [b.deploymentId]: ['docker-compose.yml'],
    });
  });

  it('offers the files COMPOSE_FILE in the existing .env names, preselected; unusable when it names a file not there', async () => {
    const r = rig();
    const d = folder();
    writeFileSync(join(d, '.env'), 'COMPOSE_FILE=docker-compose.yml:docker-compose.prod.yml\n');
    const { draftId } = r.setup.begin();
    const chosen = await r.setup.chooseFolder(draftId, d);
    expect(chosen.folder?.composeChoices.at(-1)).toEqual({
      set: 'env',
      files: ['docker-compose.yml', 'docker-compose.prod.yml'],
      available: true,
    });
    r.setup.setEnvironment(draftId, 'production');
    expect(r.setup.summary(draftId).composeFiles).toEqual(['docker-compose.yml', 'docker-compose.prod.yml']);

    const d2 = folder();
    writeFileSync(join(d2, '.env'), 'COMPOSE_FILE=compose.custom.yml\n');
    const two = r.setup.begin().draftId;
    const c2 = await r.setup.chooseFolder(two, d2);
    const env = c2.folder?.composeChoices.find((c) => c.set === 'env');
    expect(env?.available).toBe(false);
    expect(env?.note).toContain('compose.custom.yml');
    r.setup.setEnvironment(two, 'production');
    // Not preselected: the production file is.
    expect(r.setup.summary(two).composeFiles).toEqual(['docker-compose.prod.yml']);
    expect(() => r.setup.setComposeFiles(two, { set: 'env' })).toThrow(
      /COMPOSE_FILE in \.env names compose\.custom\.yml/,
    );
  });
});
