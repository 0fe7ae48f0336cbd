// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactElement } from 'react';
import { AuditPage } from '../../renderer/src/pages/AuditPage';
import { ChecklistPage } from '../../renderer/src/pages/ChecklistPage';
import { IncidentPage } from '../../renderer/src/pages/IncidentPage';
import { RotationPage } from '../../renderer/src/pages/RotationPage';
import { SecretsPage } from '../../renderer/src/pages/SecretsPage';
import type { DeploymentRef } from '../../electron/common/model/deployment';
import { demoDeployment, installFakeApi } from './fake-api';

/**
 * Issue 17, item 6: an index page with a single deployment opens it (in place of the list, so Back does not
 * bounce), a form with a deployment picker preselects the only one, and no deployment offers the setup.
 */
const second: DeploymentRef = { ...demoDeployment, id: 'demo-two', name: 'Second' };

function listOf(deployments: DeploymentRef[]) {
  installFakeApi({
    deployments: { list: () => Promise.resolve({ deployments, notice: null }) },
    rotation: { pending: () => Promise.resolve([]) },
    incident: { list: () => Promise.resolve({ incidents: [] }) },
  });
}

afterEach(() => {
  cleanup();
  window.location.hash = '';
});

const INDEX: Array<[string, string, () => ReactElement]> = [
  ['#/secrets', '#/secrets/demo-one', () => <SecretsPage />],
  ['#/audit', '#/audit/demo-one', () => <AuditPage />],
  ['#/checklist', '#/checklist/demo-one', () => <ChecklistPage />],
  ['#/rotation', '#/rotation/demo-one', () => <RotationPage />],
];

describe('one deployment: index pages open it directly', () => {
  for (const [index, target, page] of INDEX) {
    it(`${index} with one deployment replaces itself with ${target}`, async () => {
      window.location.hash = index;
      const before = window.history.length;
      listOf([demoDeployment]);
      render(page());
      await waitFor(() => {
        expect(window.location.hash).toBe(target);
      });
      // Replaced, not pushed: Back goes to where the admin came from, not to a list that forwards again.
      expect(window.history.length).toBe(before);
    });

    it(`${index} with two deployments lists both and stays`, async () => {
      window.location.hash = index;
      listOf([demoDeployment, second]);
      render(page());
      expect(await screen.findByRole('link', { name: 'Second' })).toBeTruthy();
      expect(screen.getByRole('link', { name: 'Demo' }).getAttribute('href')).toBe(target);
      expect(window.location.hash).toBe(index);
    });

    it(`${index} with none offers to set one up`, async () => {
      window.location.hash = index;
      listOf([]);
      render(page());
      const setUp = await screen.findByRole('link', { name: 'Set up a deployment' });
      expect(setUp.getAttribute('href')).toBe('#/setup');
      expect(window.location.hash).toBe(index);
    });
  }
});

describe('the incident form preselects what the app knows', () => {
  it('preselects the only deployment, so a title is all it takes', async () => {
    window.location.hash = '#/incident';
    const started: Array<{ deploymentId: string; title: string }> = [];
    installFakeApi({
      deployments: { list: () => Promise.resolve({ deployments: [demoDeployment], notice: null }) },
      incident: {
        list: () => Promise.resolve({ incidents: [] }),
        start: (r) => {
          started.push(r);
          return Promise.reject(new Error('stop here'));
        },
      },
    });
    render(<IncidentPage />);
    const select = await screen.findByRole<HTMLSelectElement>('combobox');
    expect(select.value).toBe('demo-one');
    fireEvent.change(screen.getByLabelText('What happened (a few words)'), { target: { value: 'Leaked .env' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start the runbook' }));
    await waitFor(() => {
      expect(started).toEqual([{ deploymentId: 'demo-one', title: 'Leaked .env' }]);
    });
  });

  it('with two deployments asks which one', async () => {
    window.location.hash = '#/incident';
    listOf([demoDeployment, second]);
    render(<IncidentPage />);
    await screen.findByRole('option', { name: 'Second' });
    expect(screen.getByRole<HTMLSelectElement>('combobox').value).toBe('');
  });
});
