import { useEffect } from 'react';
import { getApi } from '../../api';
import { useLoad } from '../../hooks';
import { href, replaceRoute, type Route } from '../../router';
import { LoadState } from '../LoadState';
import { NoDeployments } from '../NoDeployments';

/**
 * Lists the registered deployments, each linking to `to(id)`. With exactly one there is nothing to choose:
 * it opens that deployment in place of the list (so Back does not land on a list that bounces forward).
 */
export function DeploymentChooser({ title, to }: { title: string; to: (deploymentId: string) => Route }) {
  const [list] = useLoad(() => getApi().deployments.list({}));
  const only = list.state === 'ready' && list.value.deployments.length === 1 ? list.value.deployments[0] : undefined;
  const target = only ? to(only.id) : null;
  useEffect(() => {
    if (target !== null) replaceRoute(target);
  }, [target]);
  return (
    <section aria-labelledby="chooser-title">
      <h1 id="chooser-title">{title}</h1>
      <LoadState of={list} />
      {list.state === 'ready' && list.value.deployments.length === 0 && <NoDeployments />}
      {list.state === 'ready' && list.value.deployments.length > 0 && (
        <ul className="deployment-list">
          {list.value.deployments.map((d) => (
            <li key={d.id}>
              <a href={href(to(d.id))}>{d.name}</a> <span className="badge badge-info">{d.environment}</span>{' '}
              <span className="muted">{d.folder}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
