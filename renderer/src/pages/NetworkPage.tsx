import { useReducer } from 'react';
import type { Environment } from '../../../electron/common/model/deployment';
import { getApi } from '../api';
import { useAction, useLoad } from '../hooks';
import { FirewallPanel } from '../components/network/FirewallPanel';
import { useKnownDomain } from '../components/network/useKnownDomain';
import { BundleView } from '../components/network/BundleView';
import {
  buildRequest,
  chosenDeploymentId,
  initialNetworkState,
  missingInput,
  networkReducer,
  ONE_YEAR_DAYS,
  targetOf,
} from '../components/network/network-state';

/**
 * HTTPS & network: the reverse-proxy configuration for a deployment, the `.env` values that follow, the
 * firewall commands and what is left to do by hand. Files are generated, copied and saved by main.
 */
export function NetworkPage() {
  const [deployments] = useLoad(() => getApi().deployments.list({}));
  const [state, dispatch] = useReducer(networkReducer, initialNetworkState);
  const { folder, environment, server, domain, tlsMode, email, cert, key, maxAgeDays, includeSubDomains, preload } =
    state;
  const list = deployments.state === 'ready' ? deployments.value.deployments : [];
  const deploymentId = chosenDeploymentId(state, list);
  const target = targetOf(state, deploymentId);
  useKnownDomain(target, dispatch);
  // An error is about the form as it was: it goes once the admin changes what it was about.
  const { busy, error, run, fail } = useAction(JSON.stringify({ ...state, generated: null, deploymentId }));

  const pickFolder = () =>
    void run(async () => {
      const picked = await getApi().proxy.pickFolder({});
      if (picked) dispatch({ type: 'folderPicked', folder: picked });
    });
  const pickCert = (which: 'certificate' | 'key') =>
    void run(async () => {
      const file = await getApi().proxy.pickCertificate({ which });
      if (file) dispatch({ type: 'filePicked', which, file });
    });

  const generate = () => {
    const missing = missingInput(state);
    if (missing !== null) {
      fail(missing);
      return;
    }
    const request = buildRequest(state, deploymentId);
    void run(async () => {
      try {
        dispatch({ type: 'generated', bundle: await getApi().proxy.generate(request), request });
      } catch (e) {
        // A bundle for other input must not stay on screen under the error.
        dispatch({ type: 'generateFailed' });
        throw e;
      }
    });
  };

  return (
    <section aria-labelledby="network-title">
      <h1 id="network-title">HTTPS &amp; network</h1>
      <p className="muted">
        Crucible's api and frontend speak plain HTTP, publish on every interface and do not throttle logins. Put a
        reverse proxy with TLS in front, keep the containers on 127.0.0.1, and close every other port.
      </p>

      <form
        className="panel"
        aria-labelledby="frontdoor-title"
        onSubmit={(e) => {
          e.preventDefault();
          generate();
        }}
      >
        <h2 id="frontdoor-title">Front door</h2>
        <div className="form-row">
          <div>
            <label htmlFor="net-deployment">Deployment</label>
            <select
              id="net-deployment"
              value={deploymentId}
              onChange={(e) => {
                dispatch({ type: 'deployment', deploymentId: e.target.value });
              }}
            >
              <option value="">{folder ? `Folder: ${folder.name}` : 'None (no compose checks)'}</option>
              {list.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.environment})
                </option>
              ))}
            </select>
          </div>
          <div>
            <span className="label-like">Or</span>
            <button type="button" onClick={pickFolder}>
              Choose a folder…
            </button>
          </div>
          {deploymentId === '' && (
            <div>
              <label htmlFor="net-env">Environment</label>
              <select
                id="net-env"
                value={environment}
                onChange={(e) => {
                  dispatch({ type: 'environment', environment: e.target.value as Environment });
                }}
              >
                <option value="production">production</option>
                <option value="staging">staging</option>
                <option value="development">development</option>
              </select>
            </div>
          )}
        </div>

        <fieldset>
          <legend>Proxy</legend>
          <label className="inline">
            <input
              type="radio"
              name="net-server"
              checked={server === 'nginx'}
              onChange={() => {
                dispatch({ type: 'server', server: 'nginx' });
              }}
            />{' '}
            nginx
          </label>
          <label className="inline">
            <input
              type="radio"
              name="net-server"
              checked={server === 'caddy'}
              onChange={() => {
                dispatch({ type: 'server', server: 'caddy' });
              }}
            />{' '}
            Caddy
          </label>
        </fieldset>

        <label htmlFor="net-domain">Domain name</label>
        <input
          id="net-domain"
          value={domain}
          placeholder="crucible.example.com"
          aria-describedby="net-domain-help"
          onChange={(e) => {
            dispatch({ type: 'domain', domain: e.target.value });
          }}
        />
        <p id="net-domain-help" className="muted">
          The name alone, without https:// or a path.
          {state.domainFrom !== null && state.domain !== '' && (
            <span data-testid="domain-prefilled">
              {' '}
              Filled in from <code>{state.domainFrom}</code> in the deployment&apos;s <code>.env</code>.
            </span>
          )}
        </p>

        <fieldset>
          <legend>Certificate</legend>
          <label className="inline">
            <input
              type="radio"
              name="net-tls"
              checked={tlsMode === 'acme'}
              onChange={() => {
                dispatch({ type: 'tlsMode', tlsMode: 'acme' });
              }}
            />{' '}
            Let's Encrypt (ACME)
          </label>
          <label className="inline">
            <input
              type="radio"
              name="net-tls"
              checked={tlsMode === 'files'}
              onChange={() => {
                dispatch({ type: 'tlsMode', tlsMode: 'files' });
              }}
            />{' '}
            Certificate files I have
          </label>
          {tlsMode === 'acme' ? (
            <>
              <label htmlFor="net-email">E-mail for expiry notices (optional)</label>
              <input
                id="net-email"
                type="email"
                value={email}
                onChange={(e) => {
                  dispatch({ type: 'email', email: e.target.value });
                }}
              />
            </>
          ) : (
            <div className="button-row">
              <button
                type="button"
                onClick={() => {
                  pickCert('certificate');
                }}
              >
                Choose certificate…
              </button>{' '}
              <span data-testid="cert-name">{cert?.name ?? 'none'}</span>
              <button
                type="button"
                onClick={() => {
                  pickCert('key');
                }}
              >
                Choose private key…
              </button>{' '}
              <span data-testid="key-name">{key?.name ?? 'none'}</span>
            </div>
          )}
        </fieldset>

        <fieldset>
          <legend>HSTS</legend>
          <label htmlFor="net-maxage">max-age in days (at least {ONE_YEAR_DAYS})</label>
          <input
            id="net-maxage"
            inputMode="numeric"
            value={maxAgeDays}
            onChange={(e) => {
              dispatch({ type: 'maxAgeDays', maxAgeDays: e.target.value });
            }}
          />
          <label className="inline">
            <input
              type="checkbox"
              checked={includeSubDomains}
              onChange={(e) => {
                dispatch({ type: 'includeSubDomains', on: e.target.checked });
              }}
            />{' '}
            includeSubDomains (every subdomain must serve HTTPS)
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={preload}
              disabled={!includeSubDomains}
              aria-describedby="net-preload-help"
              onChange={(e) => {
                dispatch({ type: 'preload', on: e.target.checked });
              }}
            />{' '}
            preload
          </label>
          <p id="net-preload-help" className="muted">
            Preload asks browsers to ship your domain as HTTPS-only before anyone visits (hstspreload.org). It covers
            every subdomain and takes months to undo, so it is off unless you are sure.
          </p>
        </fieldset>

        <p>
          <button type="submit" className="primary" disabled={busy}>
            Generate configuration
          </button>
        </p>
        {error !== null && (
          <div className="banner banner-error" role="alert" data-testid="network-error">
            {error}
          </div>
        )}
      </form>

      {state.generated !== null && (
        <BundleView
          bundle={state.generated.bundle}
          request={state.generated.request}
          composeFiles={list.find((d) => d.id === state.generated?.request.deploymentId)?.composeFiles ?? []}
        />
      )}
      <FirewallPanel target={target} />
    </section>
  );
}
