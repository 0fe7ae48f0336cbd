import { getApi } from '../api';
import { useLoad } from '../hooks';

/** One deployment's host and whether docker compose v2 works there (checked when the Dashboard opens). */
export function DeploymentWhereLine({ id }: { id: string }) {
  const [where] = useLoad(() => getApi().deployments.where({ id }), id);
  if (where.state === 'loading') return <span className="muted">Checking where it runs…</span>;
  if (where.state === 'error') return <span className="muted">Could not check where it runs: {where.message}</span>;
  const w = where.value;
  return (
    <div data-testid={`where-${id}`}>
      <span className={`badge ${w.composeReady ? 'badge-ok' : 'badge-warn'}`}>
        {w.composeReady ? 'compose ready' : 'needs attention'}
      </span>{' '}
      <span className="muted">
        on {w.host}
        {w.compose ? `, Docker Compose ${w.compose}` : ''}
      </span>
      {w.problems.length > 0 && (
        <ul className="notice-list">
          {w.problems.map((p, i) => (
            <li key={i}>
              {p.summary} <span className="muted">{p.hint}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
