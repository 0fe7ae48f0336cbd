import type { ReactElement } from 'react';
import { DashboardPage } from './DashboardPage';
import { AboutPage } from './AboutPage';
import { SecretsPage } from './SecretsPage';
import { SetupPage } from './SetupPage';
import { NetworkPage } from './NetworkPage';
import { BackupPage } from './BackupPage';
import { IncidentPage } from './IncidentPage';
import { AuditPage } from './AuditPage';
import { ChecklistPage } from './ChecklistPage';
import { RotationPage } from './RotationPage';
import { CruciblePage } from './CruciblePage';

/**
 * The pages of the app shell. Later features add an entry here; the navigation is built from this list.
 */
export interface PageDef {
  route: string;
  title: string;
  /** Shown in the side navigation when true. */
  nav: boolean;
  render: () => ReactElement;
}

export const pages: PageDef[] = [
  { route: '/dashboard', title: 'Dashboard', nav: true, render: () => <DashboardPage /> },
  { route: '/setup', title: 'Set up a deployment', nav: true, render: () => <SetupPage /> },
  { route: '/secrets', title: 'Secrets', nav: true, render: () => <SecretsPage /> },
  { route: '/network', title: 'HTTPS & network', nav: true, render: () => <NetworkPage /> },
  { route: '/backup', title: 'Backup', nav: true, render: () => <BackupPage /> },
  { route: '/audit', title: 'Security audit', nav: true, render: () => <AuditPage /> },
  { route: '/checklist', title: 'Security checklist', nav: true, render: () => <ChecklistPage /> },
  { route: '/rotation', title: 'Rotation', nav: true, render: () => <RotationPage /> },
  { route: '/incident', title: 'Incident response', nav: true, render: () => <IncidentPage /> },
  { route: '/crucible', title: 'Crucible reference', nav: true, render: () => <CruciblePage /> },
  { route: '/about', title: 'About', nav: true, render: () => <AboutPage /> },
];
