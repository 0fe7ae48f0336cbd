import type { DraftSummary, SecretPlan } from '../../../../electron/common/ipc/setup.ipc';

/**
 * Step 6: what is generated or kept, and the optional provider API keys: typed once, sent to main, never
 * shown again (the fields are emptied after each step).
 */
export function SecretsStep({
  plan,
  providers,
  values,
  onChange,
  onClear,
}: {
  plan: SecretPlan[];
  providers: DraftSummary['providerKeys'];
  values: Record<string, string>;
  onChange: (name: string, v: string) => void;
  onClear: (name: string) => void;
}) {
  return (
    <>
      <table data-testid="secret-plan">
        <caption className="sr-only">The secrets this setup writes</caption>
        <thead>
          <tr>
            <th scope="col">Variable</th>
            <th scope="col">What happens</th>
          </tr>
        </thead>
        <tbody>
          {plan
            .filter((p) => !providers.some((k) => k.name === p.name))
            .map((p) => (
              <tr key={p.name}>
                <th scope="row">
                  <code>{p.name}</code>
                </th>
                <td>
                  {p.action === 'generate' &&
                    `Generated: ${String(p.length)} random characters (${String(p.entropyBits ?? 0)} bits)`}
                  {p.action === 'import' && `Kept from the existing .env (${String(p.length)} characters)`}
                  {p.action === 'hash' && 'The login password, as a bcrypt hash'}
                  {p.action === 'typed' && 'Typed by you'}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      <h3>Optional: provider API keys</h3>
      <p className="muted">
        Users can also enter their own keys in Crucible's settings. A key typed here is stored in the keychain and{' '}
        <code>.env</code> and is never shown again.
      </p>
      {providers.map((k) => (
        <div key={k.name} className="provider-key">
          <label htmlFor={`pk-${k.name}`}>
            <code>{k.name}</code>
            {k.set && <span className="badge badge-ok"> set</span>}
            {!k.set && k.fromEnv && <span className="badge badge-info"> kept from .env</span>}
          </label>
          <span className="muted small block" id={`pk-${k.name}-help`}>
            {k.description}
          </span>
          <input
            id={`pk-${k.name}`}
            type="password"
            autoComplete="off"
            className="wide"
            placeholder={k.set ? 'Stored — type to replace' : 'Not set'}
            aria-describedby={`pk-${k.name}-help`}
            value={values[k.name] ?? ''}
            onChange={(e) => {
              onChange(k.name, e.target.value);
            }}
          />
          {k.set && (
            <button
              type="button"
              onClick={() => {
                onClear(k.name);
              }}
            >
              Remove {k.name}
            </button>
          )}
        </div>
      ))}
    </>
  );
}
