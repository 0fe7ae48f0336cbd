import type { PolicyItem } from '../../../electron/common/ipc/rotation.ipc';
import type { DriftReport } from '../../../electron/common/ipc/secrets.ipc';
import { errorMessage, getApi } from '../api';
import { useLoad } from '../hooks';
import { useRoute } from '../router';
import { SecretRow } from '../components/secrets/SecretRow';
import { BackupFreshness } from '../components/backup/BackupFreshness';
import { LoadState } from '../components/LoadState';

/** `#/secrets/<deployment id>`: the secrets of one deployment. `#/secrets` alone lists the deployments. */
export function SecretsPage() {
  const route = useRoute();
  const id = decodeURIComponent(route.split('/')[2] ?? '');
  return id === '' ? <DeploymentChooser /> : <DeploymentSecrets deploymentId={id} />;
}

function DeploymentChooser() {
  const [list] = useLoad(() => getApi().deployments.list({}));
  return (
    <section aria-labelledby="secrets-title">
      <h1 id="secrets-title">Secrets</h1>
      <LoadState of={list} />
      {list.state === 'ready' && list.value.deployments.length === 0 && <p className="muted">No deployment is set up yet.</p>}
      {list.state === 'ready' && list.value.deployments.length > 0 && (
        <ul>
          {list.value.deployments.map((d) => (
            <li key={d.id}>
              <a href={`#/secrets/${encodeURIComponent(d.id)}`}>{d.name}</a> <span className="muted">{d.folder}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface Loaded {
  name: string;
  folder: string;
  secrets: Awaited<ReturnType<ReturnType<typeof getApi>['secrets']['list']>>;
  drift: DriftReport | null;
  driftError: string | null;
  /** The rotation policy's rows (age, maximum, overdue); empty when the policy could not be read. */
  policy: PolicyItem[];
  loadedAt: number;
}

function DeploymentSecrets({ deploymentId }: { deploymentId: string }) {
  const [data, reload] = useLoad<Loaded>(async () => {
    const api = getApi();
    const [deployment, secrets, policy] = await Promise.all([
      api.deployments.get({ id: deploymentId }),
      api.secrets.list({ deploymentId }),
      api.rotation.overview({ deploymentId }).then((o) => o.items, () => []),
    ]);
    let drift: DriftReport | null = null;
    let driftError: string | null = null;
    if (!secrets.keychainProblem) {
      try {
        drift = await api.secrets.drift({ deploymentId });
      } catch (e) {
        driftError = errorMessage(e);
      }
    }
    return { name: deployment.name, folder: deployment.folder, secrets, drift, driftError, policy, loadedAt: Date.now() };
  }, deploymentId);

  return (
    <section aria-labelledby="secrets-title">
      <h1 id="secrets-title">Secrets{data.state === 'ready' ? ` — ${data.value.name}` : ''}</h1>
      <LoadState of={data} />
      {data.state === 'ready' && (
        <>
          <p className="muted">
            {data.value.folder}. Fingerprints are keyed hashes: equal fingerprints mean equal values, and they reveal nothing about a value.
          </p>
          <BackupFreshness deploymentId={deploymentId} />
          {data.value.secrets.keychainProblem && (
            <div role="alert" className="panel panel-error" data-testid="keychain-problem">
              {data.value.secrets.keychainProblem.message}
            </div>
          )}
          {data.value.drift && !data.value.drift.envFound && <p role="status">No .env file was found in the deployment folder.</p>}
          {data.value.drift && data.value.drift.envFound && (
            <p role="status" data-testid="drift-summary" className={data.value.drift.inSync ? 'badge-ok' : 'badge-warn'}>
              {data.value.drift.inSync ? 'The .env on disk matches the keychain.' : 'The .env on disk and the keychain disagree; see the badges below.'}
            </p>
          )}
          {data.value.driftError && <p role="alert">{data.value.driftError}</p>}
          <div className="button-row">
            <button type="button" onClick={reload}>
              Check again
            </button>
          </div>
          <table aria-label="Secrets of this deployment">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Fingerprint</th>
                <th scope="col">Age</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.value.secrets.refs.map((s) => (
                <SecretRow key={s.name} deploymentId={deploymentId} secret={s} drift={data.value.drift?.items.find((i) => i.name === s.name)} rotation={data.value.policy.find((p) => p.variable === s.name)} now={data.value.loadedAt} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
