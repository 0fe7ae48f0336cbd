import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, materialise, target } from './helpers';

/** A stock dev deployment with a second compose file and `.env` lines appended. */
function folderWith(envLines: string): string {
  const dir = materialise('stock-dev');
  copyFileSync(join(dir, 'docker-compose.yml'), join(dir, 'docker-compose.other.yml'));
  writeFileSync(join(dir, '.env'), `${readFileSync(join(dir, '.env'), 'utf8')}${envLines}`, { mode: 0o600 });
  return dir;
}

const found = async (dir: string, recorded: string[]) =>
  (await audit(target(dir, 'development', recorded))).findings.filter((f) => f.code === 'COMPOSE_FILE_NOT_RECORDED');

describe('COMPOSE_FILE against the recorded compose files', () => {
  it('warns when .env points compose at other files than the record, whose commands carry no -f', async () => {
    const dir = folderWith('COMPOSE_FILE=docker-compose.other.yml\n');
    const [f, ...rest] = await found(dir, ['docker-compose.yml']);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'warning', variable: 'COMPOSE_FILE', file: '.env' });
    expect(f?.message).toContain('docker-compose.other.yml');
    expect(f?.howToFix).toContain('crucible-secrets compose-files DIR docker-compose.other.yml');
  });

  it('says nothing when they agree, when -f is passed (compose ignores COMPOSE_FILE), or with nothing recorded', async () => {
    expect(await found(folderWith('COMPOSE_FILE=./docker-compose.yml\n'), ['docker-compose.yml'])).toEqual([]);
    expect(await found(folderWith('COMPOSE_FILE=docker-compose.yml\n'), ['docker-compose.other.yml'])).toEqual([]);
    expect(await found(folderWith('COMPOSE_FILE=docker-compose.other.yml\n'), [])).toEqual([]);
    expect(await found(folderWith(''), ['docker-compose.yml'])).toEqual([]);
  });
});
