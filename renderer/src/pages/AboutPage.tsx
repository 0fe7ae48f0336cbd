import { getApi } from '../api';
import { useLoad } from '../hooks';
import { LoadState } from '../components/LoadState';

export function AboutPage() {
  const [info] = useLoad(() => getApi().app.info({}));
  return (
    <section aria-labelledby="about-title">
      <h1 id="about-title">About</h1>
      <LoadState of={info} />
      {info.state === 'ready' && (
        <dl className="facts" data-testid="app-info">
          <dt>Version</dt>
          <dd data-testid="app-version">{info.value.version}</dd>
          <dt>Platform</dt>
          <dd>
            {info.value.platform} ({info.value.arch})
          </dd>
          <dt>Running in</dt>
          <dd>
            {info.value.host === 'electron'
              ? `Electron ${info.value.versions.electron ?? ''}`
              : 'Test harness (Chromium)'}
          </dd>
        </dl>
      )}
      <p className="muted">
        Crucible Secrets keeps the secrets of a self-hosted Crucible Community Edition deployment in your OS keychain
        and writes its <code>.env</code> safely. Nothing leaves this machine.
      </p>
    </section>
  );
}
