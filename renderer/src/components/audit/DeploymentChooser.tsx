import { getApi } from '../../api';
import { useLoad } from '../../hooks';
import { LoadState } from '../LoadState';

/** Lists the registered deployments, each linking to `#<base>/<id>`. */
export function DeploymentChooser({ title, base }: { title: string; base: string }) {
  const [list] = useLoad(() => getApi().deployments.list({}));
  return (
    <section aria-labelledby="chooser-title">
      <h1 id="chooser-title">{title}</h1>
      <LoadState of={list} />
      {list.state === 'ready' && list.value.deployments.length === 0 && (
        <p className="muted">No deployment is set up yet. Set one up first.</p>
      )}
      {list.state === 'ready' && list.value.deployments.length > 0 && (
        <ul className="deployment-list">
          {list.value.deployments.map((d) => (
            <li key={d.id}>
              <a href={`#${base}/${encodeURIComponent(d.id)}`}>{d.name}</a>{' '}
              <span className="badge badge-info">{d.environment}</span> <span className="muted">{d.folder}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
