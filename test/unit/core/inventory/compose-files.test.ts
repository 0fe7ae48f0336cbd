import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../../../electron/common/errors';
import {
  checkComposeFileNames,
  deploymentComposeFiles,
  recordedComposeFilesFor,
  setDeploymentComposeFiles,
} from '../../../../electron/core/inventory/compose-files';
import { coreWithDeployment } from '../../../helpers/core';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

async function rig() {
  const r = await coreWithDeployment();
  homes.push(r.home);
  writeFileSync(join(r.folder, 'docker-compose.yml'), 'services: {}\n');
  writeFileSync(join(r.folder, 'docker-compose.prod.yml'), 'services: {}\n');
  return { ...r, deps: { store: r.core.store, journal: r.core.journal } };
}

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
}

describe('changing the compose files of a registered deployment', () => {
  it('accepts plain compose file names only, each once', () => {
    expect(checkComposeFileNames(['./docker-compose.prod.yml', 'compose.override.yaml'])).toEqual([
      'docker-compose.prod.yml',
      'compose.override.yaml',
    ]);
    for (const bad of [[], ['../docker-compose.yml'], ['/etc/docker-compose.yml'], ['.env'], ['a.yml', 'a.yml']])
      expect(() => checkComposeFileNames(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'DEPLOYMENT_COMPOSE_FILES' }),
      );
    expect(() => checkComposeFileNames(['docker-compose.yml', 'docker-compose.yml'])).toThrow(/named twice/);
  });

  it('records the files after checking they are in the folder, journals before and after, and lists the folder', async () => {
    const { deps, id, core, folder } = await rig();
    expect(await deploymentComposeFiles(deps, id)).toEqual({
      recorded: ['docker-compose.yml'],
      inFolder: ['docker-compose.prod.yml', 'docker-compose.yml'],
    });
    const d = await setDeploymentComposeFiles(deps, id, ['docker-compose.prod.yml']);
    expect(d.composeFiles).toEqual(['docker-compose.prod.yml']);
    expect((await core.store.read()).deployments.find((x) => x.id === id)?.composeFiles).toEqual([
      'docker-compose.prod.yml',
    ]);
    const entries = (await core.journal.read()).filter((e) => e.type === 'deployment.compose-files-changed');
    expect(entries.map((e) => e.details)).toEqual([
      { before: ['docker-compose.yml'], after: ['docker-compose.prod.yml'] },
    ]);
    expect(await recordedComposeFilesFor(() => core.store, folder)).toEqual(['docker-compose.prod.yml']);
    expect(await recordedComposeFilesFor(() => core.store, join(folder, 'elsewhere'))).toEqual([]);
  });

  it('refuses a file that is not in the folder, an unknown deployment, and changes nothing', async () => {
    const { deps, id, core } = await rig();
    expect(await codeOf(setDeploymentComposeFiles(deps, id, ['compose.yaml']))).toBe('COMPOSE_NOT_FOUND');
    expect(await codeOf(setDeploymentComposeFiles(deps, 'no-such-one', ['docker-compose.yml']))).toBe(
      'DEPLOYMENT_UNKNOWN',
    );
    expect(await codeOf(setDeploymentComposeFiles(deps, id, ['../docker-compose.yml']))).toBe(
      'DEPLOYMENT_COMPOSE_FILES',
    );
    expect((await core.store.read()).deployments.find((x) => x.id === id)?.composeFiles).toEqual([
      'docker-compose.yml',
    ]);
    expect((await core.journal.read()).some((e) => e.type === 'deployment.compose-files-changed')).toBe(false);
  });

  it('a dangling link in the file’s place is not a file', async () => {
    const { deps, id, folder } = await rig();
    symlinkSync(join(folder, 'missing.yml'), join(folder, 'compose.yaml'));
    expect(await codeOf(setDeploymentComposeFiles(deps, id, ['compose.yaml']))).toBe('COMPOSE_NOT_FOUND');
  });

  it('refuses a link to a file outside the folder (which the app never reads), and changes nothing', async () => {
    const { deps, id, core, folder, home } = await rig();
    const outside = join(home, 'outside-compose.yml');
    writeFileSync(outside, 'services: {}\n');
    symlinkSync(outside, join(folder, 'compose.override.yaml'));
    expect(await codeOf(setDeploymentComposeFiles(deps, id, ['docker-compose.yml', 'compose.override.yaml']))).toBe(
      'COMPOSE_READ_FAILED',
    );
    expect((await core.store.read()).deployments.find((x) => x.id === id)?.composeFiles).toEqual([
      'docker-compose.yml',
    ]);
    expect((await core.journal.read()).some((e) => e.type === 'deployment.compose-files-changed')).toBe(false);
  });
});
