import type { ReactElement } from 'react';
import { Loading, onDemand } from '../components/OnDemand';
import { DashboardPage } from './DashboardPage';
import { route, type Route } from '../router';

/**
 * Every page but the dashboard (the first one shown) is its own chunk, fetched when first visited or when
 * its link is pointed at or focused (Sidebar calls `preload`), so the window's first render runs only the
 * shell and the dashboard. Meanwhile the page's place shows a status line (components/OnDemand.tsx).
 */
function page<K extends string>(load: () => Promise<Record<K, () => ReactElement>>, name: K, title: string) {
  const p = onDemand(load, name, () => <Loading what={title} />);
  return { title, render: () => <p.Component />, preload: p.preload };
}

const setup = page(() => import('./SetupPage'), 'SetupPage', 'Set up a deployment');
const secrets = page(() => import('./SecretsPage'), 'SecretsPage', 'Secrets');
const network = page(() => import('./NetworkPage'), 'NetworkPage', 'HTTPS & network');
const backup = page(() => import('./BackupPage'), 'BackupPage', 'Backup');
const audit = page(() => import('./AuditPage'), 'AuditPage', 'Security audit');
const checklist = page(() => import('./ChecklistPage'), 'ChecklistPage', 'Security checklist');
const rotation = page(() => import('./RotationPage'), 'RotationPage', 'Rotation');
const incident = page(() => import('./IncidentPage'), 'IncidentPage', 'Incident response');
const crucible = page(() => import('./CruciblePage'), 'CruciblePage', 'Crucible reference');
const about = page(() => import('./AboutPage'), 'AboutPage', 'About');

/**
 * The pages of the app shell. Later features add an entry here; the navigation is built from this list.
 */
export interface PageDef {
  route: Route;
  title: string;
  /** Shown in the side navigation when true. */
  nav: boolean;
  render: () => ReactElement;
  /** Starts fetching the page's code (no-op for pages in the entry chunk). */
  preload?: () => void;
}

export const pages: PageDef[] = [
  { route: route.dashboard(), title: 'Dashboard', nav: true, render: () => <DashboardPage /> },
  { route: route.setup(), nav: true, ...setup },
  { route: route.secrets(), nav: true, ...secrets },
  { route: route.network(), nav: true, ...network },
  { route: route.backup(), nav: true, ...backup },
  { route: route.audit(), nav: true, ...audit },
  { route: route.checklist(), nav: true, ...checklist },
  { route: route.rotation(), nav: true, ...rotation },
  { route: route.incident(), nav: true, ...incident },
  { route: route.crucible(), nav: true, ...crucible },
  { route: route.about(), nav: true, ...about },
];
