import { ErrorBoundary } from './components/ErrorBoundary';
import { KeychainBanner } from './components/KeychainBanner';
import { IncidentBanner } from './components/incident/IncidentBanner';
import { Sidebar } from './components/Sidebar';
import { pages } from './pages/registry';
import { useRoute } from './router';

/** The app shell: navigation on the left, the keychain banner on top, the routed page in the middle. */
export function App() {
  const route = useRoute();
  const page = pages.find((p) => route === p.route || route.startsWith(p.route + '/')) ?? pages[0];
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar current={page?.route ?? ''} />
      <div className="content">
        <IncidentBanner />
        <KeychainBanner />
        <main id="main" tabIndex={-1} aria-label={page?.title}>
          {/* Pages load on demand (pages/registry.tsx) and show their own loading state meanwhile. */}
          <ErrorBoundary key={route}>{page?.render()}</ErrorBoundary>
        </main>
      </div>
    </div>
  );
}
