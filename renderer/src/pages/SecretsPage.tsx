import { useEffect, useRef, useState } from 'react';
import type { PolicyItem } from '../../../electron/common/ipc/rotation.ipc';
import type { DriftReport } from '../../../electron/common/ipc/secrets.ipc';
import { errorMessage, getApi } from '../api';
import { useLoad } from '../hooks';
import { route, useRoute } from '../router';
import { DeploymentChooser } from '../components/audit/DeploymentChooser';
import { SecretRow } from '../components/secrets/SecretRow';
import { BackupFreshness } from '../components/backup/BackupFreshness';
import { LoadState } from '../components/LoadState';
import { PreviousVersions } from '../components/secrets/PreviousVersions';

/** `#/secrets/<deployment id>`: the secrets of one deployment. `#/secrets` alone lists the deployments. */
export function SecretsPage() {
  const path = useRoute();
  const id = decodeURIComponent(path.split('/')[2] ?? '');
  return id === '' ? (
    <DeploymentChooser title="Secrets" to={(d) => route.secrets(d)} />
  ) : (
    <DeploymentSecrets deploymentId={id} />
  );
}

interface Loaded {
  name: string;
  folder: string;
  /** The deployment's recorded compose files, for the commands shown (their `-f` flags). */
  composeFiles: readonly string[];
  secrets: Awaited<ReturnType<ReturnType<typeof getApi>['secrets']['list']>>;
  drift: DriftReport | null;
  driftError: string | null;
  /** The rotation policy's rows (age, maximum, overdue); empty when the policy could not be read. */
  policy: PolicyItem[];
  loadedAt: number;
}

/** The list and drift as read now (the part of the page a re-check refreshes). */
async function readSecrets(deploymentId: string): Promise<Pick<Loaded, 'secrets' | 'drift' | 'driftError'>> {
  const api = getApi();
  const secrets = await api.secrets.list({ deploymentId });
  let drift: DriftReport | null = null;
  let driftError: string | null = null;
  if (!secrets.keychainProblem) {
    try {
      drift = await api.secrets.drift({ deploymentId });
    } catch (e) {
      driftError = errorMessage(e);
    }
  }
  return { secrets, drift, driftError };
}

/** How often a `.env` that cannot be watched (a deployment on a server) is re-checked while the page is visible. */
export const DRIFT_POLL_MS = 15_000;

/**
 * Re-checks drift whenever the `.env` changes: main watches a local deployment's file and pushes
 * `secretsEnvChanged`; a server's file cannot be watched from here, so it is re-read on a timer while the
 * page is visible (one small read over the shared SSH connection).
 */
function useEnvChanges(deploymentId: string, recheck: () => void): void {
  const latest = useRef(recheck);
  useEffect(() => {
    latest.current = recheck;
  });
  useEffect(() => {
    const api = getApi();
    let off: (() => void) | null = null;
    let timer: ReturnType<typeof setInterval> | null = null;
    let live = true;
    const poll = () => {
      timer = setInterval(() => {
        if (document.visibilityState === 'visible') latest.current();
      }, DRIFT_POLL_MS);
    };
    api.secrets.watchEnv({ deploymentId }).then(
      (r) => {
        if (!live) return;
        if (r.watching) {
          off = api.on.secretsEnvChanged((e) => {
            if (e.deploymentId === deploymentId) latest.current();
          });
        } else poll();
      },
      () => {
        if (live) poll();
      },
    );
    return () => {
      live = false;
      off?.();
      if (timer) clearInterval(timer);
      api.secrets.unwatchEnv({ deploymentId }).catch(() => undefined);
    };
  }, [deploymentId]);
}

function DeploymentSecrets({ deploymentId }: { deploymentId: string }) {
  // A re-check replaces the list and drift in place, without the loading state: an open repair keeps its place.
  const [fresh, setFresh] = useState<Pick<Loaded, 'secrets' | 'drift' | 'driftError'> | null>(null);
  const [data, reload] = useLoad<Loaded>(async () => {
    const api = getApi();
    const [deployment, current, policy] = await Promise.all([
      api.deployments.get({ id: deploymentId }),
      readSecrets(deploymentId),
      api.rotation.overview({ deploymentId }).then(
        (o) => o.items,
        () => [],
      ),
    ]);
    setFresh(null);
    return {
      name: deployment.name,
      folder: deployment.folder,
      composeFiles: deployment.composeFiles,
      ...current,
      policy,
      loadedAt: Date.now(),
    };
  }, deploymentId);
  const recheck = () => {
    readSecrets(deploymentId).then(setFresh, (e: unknown) => {
      setFresh((f) => (f ? { ...f, driftError: errorMessage(e) } : f));
    });
  };
  useEnvChanges(deploymentId, recheck);
  const view = data.state === 'ready' ? { ...data.value, ...(fresh ?? {}) } : null;

  return (
    <section aria-labelledby="secrets-title">
      <h1 id="secrets-title">Secrets{data.state === 'ready' ? ` — ${data.value.name}` : ''}</h1>
      <LoadState of={data} />
      {view && (
        <>
          <p className="muted">
            {view.folder}. Fingerprints are keyed hashes: equal fingerprints mean equal values, and they reveal nothing
            about a value.
          </p>
          <BackupFreshness deploymentId={deploymentId} />
          {view.secrets.keychainProblem && (
            <div role="alert" className="panel panel-error" data-testid="keychain-problem">
              {view.secrets.keychainProblem.message}
            </div>
          )}
          {view.drift && !view.drift.envFound && <p role="status">No .env file was found in the deployment folder.</p>}
          {view.drift && view.drift.envFound && (
            <p role="status" data-testid="drift-summary" className={view.drift.inSync ? 'badge-ok' : 'badge-warn'}>
              {view.drift.inSync
                ? 'The .env on disk matches the keychain.'
                : 'The .env on disk and the keychain disagree; see the badges below, and use Repair… on a row to make them agree.'}
            </p>
          )}
          {view.driftError && <p role="alert">{view.driftError}</p>}
          <div className="button-row">
            <button type="button" onClick={reload}>
              Check again
            </button>
          </div>
          <table aria-label="Secrets of this deployment" className="secrets-table">
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
              {view.secrets.refs.map((s) => (
                <SecretRow
                  key={s.name}
                  deploymentId={deploymentId}
                  secret={s}
                  drift={view.drift?.envFound ? view.drift.items.find((i) => i.name === s.name) : undefined}
                  rotation={view.policy.find((p) => p.variable === s.name)}
                  now={view.loadedAt}
                  composeFiles={view.composeFiles}
                  onRepaired={recheck}
                />
              ))}
            </tbody>
          </table>
        </>
      )}
      {/* Outside the ready block: reloading the page after a put-back keeps this card and its message. */}
      <PreviousVersions deploymentId={deploymentId} composeFiles={view?.composeFiles ?? []} onRestored={reload} />
    </section>
  );
}
