import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_COMPOSE_FILES,
  isComposeFileName,
  isReadWithoutFlag,
  OVERRIDE_COMPOSE_FILES,
  PROD_COMPOSE_FILE,
} from '../../../../electron/core/compose/file-names';
import { discoverComposeFiles, listComposeFiles } from '../../../../electron/core/compose/load';
import { composePrefix } from '../../../../electron/core/incident/commands';

describe('compose file names', () => {
  it('knows the files compose reads by itself, and no others', () => {
    expect([...DEFAULT_COMPOSE_FILES, ...OVERRIDE_COMPOSE_FILES].every(isReadWithoutFlag)).toBe(true);
    expect(
      [PROD_COMPOSE_FILE, 'docker-compose.prod.yaml', 'Docker-Compose.yml', 'compose.dev.yml'].some(isReadWithoutFlag),
    ).toBe(false);
  });

  it('recognises any compose file by name', () => {
    expect(
      [
        'compose.yaml',
        'docker-compose.yml',
        'docker-compose.prod.yml',
        'compose.override.yml',
        'Docker-Compose.YML',
      ].every(isComposeFileName),
    ).toBe(true);
    expect(['.env', 'compose.json', 'docker-compose.yml.bak', 'my-compose.yml'].some(isComposeFileName)).toBe(false);
  });

  it('one list serves discovery, listing and the runbook commands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-compose-names-'));
    for (const f of ['docker-compose.yml', 'docker-compose.override.yml', PROD_COMPOSE_FILE, 'notes.txt'])
      writeFileSync(join(dir, f), 'services: {}\n');
    expect(await discoverComposeFiles(dir)).toEqual(['docker-compose.yml', 'docker-compose.override.yml']);
    expect(await listComposeFiles(dir)).toEqual([
      'docker-compose.override.yml',
      'docker-compose.prod.yml',
      'docker-compose.yml',
    ]);
    expect(composePrefix(['docker-compose.yml', 'docker-compose.override.yml'])).toBe('docker compose');
    expect(composePrefix([join(dir, PROD_COMPOSE_FILE)])).toBe('docker compose -f docker-compose.prod.yml');
    expect(await listComposeFiles(join(dir, 'missing'))).toEqual([]);
  });
});
