import { describe, expect, it } from 'vitest';
import { restoreApplyCommand } from '../../../electron/core/backup/apply-command';

describe('the command that applies a restored .env', () => {
  it('runs compose with --force-recreate in the deployment folder (default file: no -f)', () => {
    expect(restoreApplyCommand({ folder: '/srv/crucible', composeFiles: ['docker-compose.yml'] })).toBe(
      'cd /srv/crucible && docker compose up -d --force-recreate',
    );
    expect(restoreApplyCommand({ folder: '/srv/crucible', composeFiles: [] })).toBe(
      'cd /srv/crucible && docker compose up -d --force-recreate',
    );
  });

  it('names every compose file the deployment runs with, and quotes a folder with a space', () => {
    expect(
      restoreApplyCommand({
        folder: '/home/ada/my crucible',
        composeFiles: ['docker-compose.yml', 'docker-compose.prod.yml'],
      }),
    ).toBe(
      "cd '/home/ada/my crucible' && docker compose -f docker-compose.yml -f docker-compose.prod.yml up -d --force-recreate",
    );
  });

  it('goes through ssh for a deployment on a server, the remote line quoted as one word', () => {
    expect(
      restoreApplyCommand({
        folder: 'ssh://admin@crucible.example.org:2222/srv/crucible',
        composeFiles: ['docker-compose.yml', 'docker-compose.prod.yml'],
      }),
    ).toBe(
      "ssh -p 2222 admin@crucible.example.org 'cd /srv/crucible && docker compose -f docker-compose.yml -f docker-compose.prod.yml up -d --force-recreate'",
    );
    expect(restoreApplyCommand({ folder: 'ssh://prod-box/srv/crucible', composeFiles: [] })).toBe(
      "ssh prod-box 'cd /srv/crucible && docker compose up -d --force-recreate'",
    );
    // A folder with a space: quoted for the remote shell, inside the quoted line.
    expect(restoreApplyCommand({ folder: 'ssh://prod-box/srv/my crucible', composeFiles: [] })).toBe(
      "ssh prod-box 'cd '\\''/srv/my crucible'\\'' && docker compose up -d --force-recreate'",
    );
  });
});
