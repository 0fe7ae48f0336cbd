// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { DeploymentComposeFiles } from '../../renderer/src/components/DeploymentComposeFiles';
import { ApiError } from '../../electron/common/ipc/api';
import { demoDeployment, installFakeApi } from './fake-api';

afterEach(cleanup);

describe('DeploymentComposeFiles (Dashboard)', () => {
  it('shows the recorded files; Change… lists the folder’s compose files and records the chosen ones', async () => {
    const sent: Array<{ id: string; files: string[] }> = [];
    installFakeApi({
      deployments: {
        composeFiles: () =>
          Promise.resolve({
            recorded: ['docker-compose.yml'],
            inFolder: ['docker-compose.prod.yml', 'docker-compose.yml'],
          }),
        setComposeFiles: (r) => {
          sent.push(r);
          return Promise.resolve({ ...demoDeployment, composeFiles: r.files });
        },
      },
    });
    render(<DeploymentComposeFiles deployment={{ ...demoDeployment, composeFiles: ['docker-compose.yml'] }} />);
    const box = screen.getByTestId('compose-files-demo-one');
    expect(box.textContent).toContain('Compose files: docker-compose.yml');
    fireEvent.click(screen.getByRole('button', { name: 'Change…' }));
    const group = await screen.findByRole('group', { name: /Compose files Demo runs with/ });
    expect(group.textContent).toContain('the front door read these files');
    const g = within(group);
    expect(g.getByRole<HTMLInputElement>('checkbox', { name: 'docker-compose.yml' }).checked).toBe(true);
    fireEvent.click(g.getByRole('checkbox', { name: 'docker-compose.yml' }));
    const save = g.getByRole<HTMLButtonElement>('button', { name: 'Save compose files' });
    // Nothing chosen: nothing to save.
    expect(save.disabled).toBe(true);
    fireEvent.click(g.getByRole('checkbox', { name: 'docker-compose.prod.yml' }));
    fireEvent.click(save);
    expect(await screen.findByRole('status')).toBeTruthy();
    expect(sent).toEqual([{ id: 'demo-one', files: ['docker-compose.prod.yml'] }]);
    expect(box.textContent).toContain('Compose files: docker-compose.prod.yml');
    expect(screen.queryByRole('group')).toBeNull();
  });

  it('says in words why a change was refused, and keeps the recorded list', async () => {
    installFakeApi({
      deployments: {
        composeFiles: () =>
          Promise.resolve({ recorded: [], inFolder: ['docker-compose.prod.yml', 'docker-compose.yml'] }),
        setComposeFiles: () =>
          Promise.reject(
            new ApiError(
              'COMPOSE_NOT_FOUND',
              'The compose file docker-compose.prod.yml does not exist in the deployment folder.',
            ),
          ),
      },
    });
    render(<DeploymentComposeFiles deployment={demoDeployment} />);
    expect(screen.getByTestId('compose-files-demo-one').textContent).toContain('as docker compose finds them');
    fireEvent.click(screen.getByRole('button', { name: 'Change…' }));
    fireEvent.click(await screen.findByRole('checkbox', { name: 'docker-compose.prod.yml' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save compose files' }));
    expect((await screen.findByRole('alert')).textContent).toContain('does not exist in the deployment folder');
    expect(screen.getByTestId('compose-files-demo-one').textContent).toContain('as docker compose finds them');
  });
});
