import { SetupWizard } from '../components/setup/SetupWizard';
import '../components/setup/setup.css';

/** `#/setup`: guided first-time setup of a Crucible deployment (issue 5). */
export function SetupPage() {
  return (
    <section aria-labelledby="setup-title">
      <h1 id="setup-title">Set up a deployment</h1>
      <p className="muted">
        From a fresh Crucible checkout to a production-ready configuration: strong secrets in the OS keychain, a safe{' '}
        <code>.env</code>, and the steps that are left.
      </p>
      <SetupWizard />
    </section>
  );
}
