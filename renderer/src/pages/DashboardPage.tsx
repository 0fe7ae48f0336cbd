/** The first screen: deployments and what needs attention. Filled in as features arrive. */
export function DashboardPage() {
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <div className="panel">
        <h2>Deployments</h2>
        <p className="muted" data-testid="no-deployments">
          No deployment is set up yet. A deployment is a Crucible Community Edition folder (with its compose files and
          <code>.env</code>) whose secrets this app manages.
        </p>
      </div>
    </section>
  );
}
