// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { AuditPage } from '../../renderer/src/pages/AuditPage';
import { DashboardPage } from '../../renderer/src/pages/DashboardPage';
import { IncidentPage } from '../../renderer/src/pages/IncidentPage';
import { RotationPage } from '../../renderer/src/pages/RotationPage';
import { ExportSection } from '../../renderer/src/components/backup/ExportSection';
import type { AuditResultView } from '../../electron/common/ipc/audit.ipc';
import { demoDeployment, installFakeApi } from './fake-api';

/** Issue 17, item 6: every empty state names the next action (or why none is needed); successes look alike. */
afterEach(() => {
  cleanup();
  window.location.hash = '';
});

const noFindings: AuditResultView = {
  deploymentId: 'demo-one',
  checkedAt: '2026-11-30T00:00:00.000Z',
  files: ['.env', 'docker-compose.yml'],
  findings: [],
  counts: { critical: 0, error: 0, warning: 0, info: 0 },
  durationMs: 3,
};

describe('empty states offer the next action', () => {
  it('Dashboard without deployments: a "Set up a deployment" button to the setup', async () => {
    installFakeApi({
      deployments: { list: () => Promise.resolve({ deployments: [], notice: null }) },
      incident: { active: () => Promise.resolve({ incidents: [] }) },
      audit: { dashboard: () => Promise.resolve({ deployments: [] }) },
    });
    render(<DashboardPage />);
    const empty = within(await screen.findByTestId('no-deployments'));
    expect(empty.getByRole('link', { name: 'Set up a deployment' }).getAttribute('href')).toBe('#/setup');
  });

  it('Backup without deployments: the same way to set one up', () => {
    installFakeApi({});
    render(<ExportSection status={{ deployments: [] }} onExported={() => undefined} />);
    expect(screen.getByRole('link', { name: 'Set up a deployment' }).getAttribute('href')).toBe('#/setup');
  });

  it('Incidents: none recorded says why nothing is needed, and no deployment offers the setup', async () => {
    window.location.hash = '#/incident';
    installFakeApi({
      deployments: { list: () => Promise.resolve({ deployments: [], notice: null }) },
      incident: { list: () => Promise.resolve({ incidents: [] }) },
    });
    render(<IncidentPage />);
    expect((await screen.findByTestId('no-incidents')).textContent).toMatch(/Nothing is needed until/);
    expect(screen.getByRole('link', { name: 'Set up a deployment' })).toBeTruthy();
  });

  it('Rotation history: no rotation yet says how to start one and when none is needed', async () => {
    window.location.hash = '#/rotation/demo-one';
    installFakeApi({
      rotation: {
        overview: () => Promise.resolve({ deploymentId: 'demo-one', order: [], items: [], pending: [] }),
        history: () => Promise.resolve([]),
      },
      deployments: { get: () => Promise.resolve(demoDeployment) },
    });
    render(<RotationPage />);
    expect((await screen.findByTestId('no-rotations')).textContent).toMatch(/Choose Plan on a secret above/);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(`Rotation: ${demoDeployment.name}`);
  });

  it('Audit without findings: says nothing needs fixing and links the checklist', async () => {
    window.location.hash = '#/audit/demo-one';
    installFakeApi({
      deployments: { get: () => Promise.resolve(demoDeployment) },
      audit: { run: () => Promise.resolve(noFindings) },
    });
    render(<AuditPage />);
    const empty = within(await screen.findByTestId('no-findings'));
    expect(empty.getByRole('link', { name: 'security checklist' }).getAttribute('href')).toBe('#/checklist/demo-one');
  });
});

describe('success messages are styled like the rest', () => {
  it('an audit re-run and a report export end in the shared success panel; a failure in the error panel', async () => {
    window.location.hash = '#/audit/demo-one';
    let exports = 0;
    installFakeApi({
      deployments: { get: () => Promise.resolve(demoDeployment) },
      audit: {
        run: () => Promise.resolve(noFindings),
        exportReport: () =>
          ++exports === 1
            ? Promise.resolve({ saved: true, fileName: 'crucible-audit.md' })
            : Promise.reject(new Error('disk full')),
      },
    });
    render(<AuditPage />);
    fireEvent.click(await screen.findByTestId('rerun-audit'));
    const ran = await screen.findByTestId('audit-status');
    expect(ran.textContent).toBe('The audit ran again.');
    expect(ran.getAttribute('role')).toBe('status');
    expect(ran.className).toContain('panel-ok');

    fireEvent.click(screen.getByRole('button', { name: 'Export report (Markdown)' }));
    expect((await screen.findByText('Report saved as crucible-audit.md.')).className).toContain('panel-ok');

    fireEvent.click(screen.getByRole('button', { name: 'Export report (Markdown)' }));
    const failed = await screen.findByTestId('audit-status-error');
    expect(failed.getAttribute('role')).toBe('alert');
    expect(failed.className).toContain('panel-error');
    expect(screen.queryByTestId('audit-status')).toBeNull();
  });
});
