import type { ComposeChange, Environment, StepIssue } from './types';
import { DiffView } from './common';

export interface AddressForm {
  frontendUrl: string;
  corsText: string;
  applyCorsFix: boolean;
}

/** Step 4: the public address and the CORS origins, and the fix for a compose file that hard-codes CORS. */
export function AddressStep({
  form,
  onChange,
  environment,
  corsFix,
  issues,
}: {
  form: AddressForm;
  onChange: (f: AddressForm) => void;
  environment: Environment | null;
  corsFix: ComposeChange[];
  issues: readonly StepIssue[];
}) {
  const fieldIssues = (field: string) => issues.filter((i) => i.field === field);
  const urlErr = fieldIssues('frontendUrl').some((i) => i.severity === 'error');
  const corsErr = fieldIssues('corsOrigins').some((i) => i.severity === 'error');
  return (
    <>
      <label htmlFor="frontend-url">Public address (what users type in their browser)</label>
      <input
        id="frontend-url"
        type="url"
        className="wide"
        placeholder={environment === 'development' ? 'http://localhost:3000' : 'https://crucible.example.org'}
        value={form.frontendUrl}
        aria-invalid={urlErr}
        aria-describedby="frontend-url-help step-issues"
        onChange={(e) => {
          const url = e.target.value;
          // The origins follow the address until the admin edits them.
          const follow = form.corsText.trim() === '' || form.corsText.trim() === form.frontendUrl.trim();
          onChange({ ...form, frontendUrl: url, corsText: follow ? url : form.corsText });
        }}
      />
      <p id="frontend-url-help" className="muted small">
        {environment === 'production'
          ? 'Production: https:// only, a public host name, no wildcard.'
          : 'No wildcard. Use https:// wherever you can.'}
      </p>
      <label htmlFor="cors-origins">Allowed origins (CORS), one per line</label>
      <textarea
        id="cors-origins"
        className="wide"
        rows={3}
        value={form.corsText}
        aria-invalid={corsErr}
        aria-describedby="cors-help step-issues"
        onChange={(e) => {
          onChange({ ...form, corsText: e.target.value });
        }}
      />
      <p id="cors-help" className="muted small">
        Browsers may call the api only from these origins. Normally just the public address.
      </p>
      {corsFix.length > 0 && (
        <div className="panel panel-warn" data-testid="cors-fix">
          <h3>The compose file overrides these origins</h3>
          <p>
            {corsFix.map((c) => c.file).join(' and ')} hard-code{' '}
            <code>ROUNDTABLE_CORS_ORIGINS=http://localhost:3000</code> for the api. A value in the compose file beats{' '}
            <code>.env</code>, so{' '}
            {environment === 'production'
              ? 'Crucible refuses to start in production mode'
              : 'the origins above would have no effect'}
            . The fix makes the compose file read the value from <code>.env</code>; comments and formatting stay as they
            are:
          </p>
          {corsFix.map((c) => (
            <DiffView key={c.file} diff={c.diff} label={`Proposed change to ${c.file}`} />
          ))}
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.applyCorsFix}
              onChange={(e) => {
                onChange({ ...form, applyCorsFix: e.target.checked });
              }}
            />{' '}
            Apply this change to the compose file{corsFix.length > 1 ? 's' : ''} when committing
          </label>
        </div>
      )}
    </>
  );
}
