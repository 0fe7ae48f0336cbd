// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { ChecklistPage } from '../../renderer/src/pages/ChecklistPage';
import { DashboardPage } from '../../renderer/src/pages/DashboardPage';
import { evaluateChecklist, checklistAttention } from '../../electron/core/checklist/evaluate';
import { ChecklistView, DashboardEntryView } from '../../electron/common/ipc/audit.ipc';
import type { Finding } from '../../electron/common/model/finding';
import { demoDeployment, installFakeApi } from './fake-api';

/**
 * Issue 22 item 3 as the admin sees it: items the app verified and items the admin ticked look different on
 * the Checklist page and on the Dashboard. The views come from the real evaluator through the real IPC
 * schemas, so the page shows what core decides.
 */
const NOW = new Date('2026-12-01T00:00:00Z');
const deployment = demoDeployment;
const finding = (code: string): Finding => ({
  code,
  severity: 'error',
  title: `${code} title`,
  message: 'm',
  howToFix: 'f',
});

function view(): ChecklistView {
  const items = evaluateChecklist({
    findings: [finding('PROXY_HSTS_MISSING')],
    facts: {
      proxies: [
        { path: '/etc/nginx/conf.d/crucible.conf', kind: 'nginx', hsts: null, denies: { debug: false, schema: false } },
      ],
      newestBackupAt: '2026-11-25T10:00:00.000Z',
      firewall: null,
    },
    ticks: {
      'pre-firewall': { checkedAt: '2026-11-30T09:00:00.000Z', note: 'cloud firewall allows 443 only' },
      'pre-monitoring': { checkedAt: '2026-11-30T09:00:00.000Z' },
    },
    now: NOW,
  });
  return ChecklistView.parse({ auditedAt: NOW.toISOString(), items });
}

afterEach(() => {
  cleanup();
  window.location.hash = '';
});

describe('Checklist page: verified apart from ticked by you', () => {
  it('shows the evidence of a verified item, the note of a ticked one, and the finding of a failing one', async () => {
    window.location.hash = '#/checklist/demo-one';
    installFakeApi({
      deployments: { get: () => Promise.resolve(deployment) },
      audit: { checklist: () => Promise.resolve(view()) },
    });
    render(<ChecklistPage />);

    const backups = within(await screen.findByTestId('check-pre-backups'));
    expect(screen.getByTestId('check-pre-backups').getAttribute('data-state')).toBe('verified');
    expect(backups.getByText('Verified')).toBeTruthy();
    expect(backups.getByTestId('basis-pre-backups').textContent).toBe(
      'Backup exported on 2026-11-25 (journal), within the 30-day policy.',
    );
    expect(backups.queryByRole('button', { name: 'Tick as done by me' })).toBeNull();

    const firewall = within(screen.getByTestId('check-pre-firewall'));
    expect(screen.getByTestId('check-pre-firewall').getAttribute('data-state')).toBe('manual');
    expect(firewall.getByText('Ticked by you')).toBeTruthy();
    expect(firewall.getByTestId('basis-pre-firewall').textContent).toBe(
      'Ticked by you on 2026-11-30: cloud firewall allows 443 only',
    );
    expect(firewall.queryByText('Verified')).toBeNull();

    const https = within(screen.getByTestId('check-pre-https'));
    expect(screen.getByTestId('check-pre-https').getAttribute('data-state')).toBe('failing');
    expect(https.getByText('Fails')).toBeTruthy();
    expect(https.getByText(/PROXY_HSTS_MISSING/)).toBeTruthy();

    // A tick stored without a note (older versions, a restored backup) does not count.
    const monitoring = within(screen.getByTestId('check-pre-monitoring'));
    expect(monitoring.getByText('To do')).toBeTruthy();
    expect(monitoring.getByTestId('basis-pre-monitoring').textContent).toMatch(/without a note/);
  });
});

describe('Dashboard: the checklist cell', () => {
  it('counts verified items apart from items ticked by you', async () => {
    const counts = checklistAttention(view().items);
    const entry: DashboardEntryView = DashboardEntryView.parse({
      deployment: { id: 'demo-one', name: 'Demo', environment: 'production' },
      counts: { critical: 0, error: 1, warning: 0, info: 0 },
      worst: 'error',
      checkedAt: NOW.toISOString(),
      error: null,
      checklist: counts,
      rotations: { overdue: [], due: [] },
      newestBackupAt: '2026-11-25T10:00:00.000Z',
      newestBackupAgeDays: 5,
      activeIncident: false,
    });
    installFakeApi({
      deployments: { list: () => Promise.resolve({ deployments: [deployment], notice: null }) },
      audit: { dashboard: () => Promise.resolve({ deployments: [entry] }) },
    });
    render(<DashboardPage />);
    const cell = within(within(await screen.findByTestId('dash-demo-one')).getByTestId('dash-checklist'));
    expect(counts.manual).toBe(1);
    expect(counts.verified).toBeGreaterThan(0);
    expect(cell.getByTestId('dash-checklist-verified').textContent).toBe(`${String(counts.verified)} verified`);
    expect(cell.getByTestId('dash-checklist-ticked-by-you').textContent).toBe('1 ticked by you');
    expect(cell.getByTestId('dash-checklist-failing').textContent).toBe(`${String(counts.failing)} failing`);
    expect(cell.getByRole('link').getAttribute('href')).toBe('#/checklist/demo-one');
  });
});
