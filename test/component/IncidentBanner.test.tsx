// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../electron/common/ipc/incident.ipc';
import { IncidentBanner } from '../../renderer/src/components/incident/IncidentBanner';
import { announceIncidentChange } from '../../renderer/src/components/incident/incident-events';
import { ActiveIncidentsPanel } from '../../renderer/src/components/incident/ActiveIncidentsPanel';
import { installFakeApi } from './fake-api';

const open: IncidentSummary = {
  id: 'inc-20261129-abcd1234',
  deploymentId: 'prod-1',
  deploymentName: 'Crucible prod',
  title: 'Leaked .env',
  status: 'active',
  openedAt: '2026-11-29T10:00:00.000Z',
  closedAt: null,
  currentStep: 'rotate',
};

afterEach(() => {
  cleanup();
});

describe('IncidentBanner', () => {
  it('shows nothing when no incident is open', async () => {
    installFakeApi({ incident: { active: () => Promise.resolve({ incidents: [] }) } });
    render(<IncidentBanner />);
    await act(() => Promise.resolve());
    expect(screen.queryByTestId('incident-banner')).toBeNull();
  });

  it('makes an open incident prominent, with its step and a link back to it', async () => {
    installFakeApi({ incident: { active: () => Promise.resolve({ incidents: [open] }) } });
    render(<IncidentBanner />);
    const banner = await screen.findByRole('alert');
    expect(banner.textContent).toContain('Incident open: Leaked .env on Crucible prod (step: Rotate)');
    expect(screen.getByRole('link', { name: 'Continue the runbook' }).getAttribute('href')).toBe(
      '#/incident/inc-20261129-abcd1234',
    );
  });

  it('disappears when the incident is closed elsewhere in the app', async () => {
    let incidents = [open];
    installFakeApi({ incident: { active: () => Promise.resolve({ incidents }) } });
    render(<IncidentBanner />);
    await screen.findByTestId('incident-banner');
    incidents = [];
    await act(async () => {
      announceIncidentChange();
      await Promise.resolve();
    });
    expect(screen.queryByTestId('incident-banner')).toBeNull();
  });

  it('the Dashboard panel lists open incidents', async () => {
    installFakeApi({ incident: { active: () => Promise.resolve({ incidents: [open] }) } });
    render(<ActiveIncidentsPanel />);
    const panel = await screen.findByTestId('dashboard-incidents');
    expect(panel.textContent).toContain('current step: Rotate');
  });
});
