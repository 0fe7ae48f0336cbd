import { href, route } from '../router';

/** The empty state of every list of deployments: what a deployment is, and the way to make one. */
export function NoDeployments({ testId }: { testId?: string }) {
  return (
    <div className="empty-state" data-testid={testId}>
      <p className="muted">
        No deployment is set up yet. A deployment is a Crucible Community Edition folder (with its compose files and{' '}
        <code>.env</code>) whose secrets this app manages.
      </p>
      <a className="button primary" href={href(route.setup())}>
        Set up a deployment
      </a>
    </div>
  );
}
