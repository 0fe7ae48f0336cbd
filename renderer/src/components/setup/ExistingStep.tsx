import type { ExistingView, ImportDecision } from '../../../../electron/common/ipc/setup.ipc';

/** Step 2: keep or regenerate each value of an existing `.env`, with the consequence of each choice. */
export function ExistingStep({
  existing,
  decisions,
  onChange,
}: {
  existing: ExistingView | null;
  decisions: Record<string, ImportDecision>;
  onChange: (name: string, d: ImportDecision) => void;
}) {
  if (!existing?.present) {
    return (
      <p data-testid="no-existing-env">
        This folder has no <code>.env</code> yet, so every secret will be generated. Nothing to import.
      </p>
    );
  }
  return (
    <>
      <p>
        This folder already has a <code>.env</code>. Keeping a value stores it in the keychain as it is; regenerating
        replaces it. Regenerating is not free on a deployment that already ran: read the consequence of each.
      </p>
      {existing.problems.length > 0 && (
        <div className="panel panel-warn">
          <h3>How the file reads</h3>
          <ul>
            {existing.problems.map((p, i) => (
              <li key={i}>{p.fatal ? <strong>{p.message}</strong> : p.message}</li>
            ))}
          </ul>
        </div>
      )}
      <table className="decision-table">
        <caption className="sr-only">Keep or regenerate each secret of the existing .env</caption>
        <thead>
          <tr>
            <th scope="col">Variable</th>
            <th scope="col">Keep or regenerate</th>
            <th scope="col">If regenerated</th>
          </tr>
        </thead>
        <tbody>
          {existing.variables.map((v) => {
            const chosen = decisions[v.name] ?? v.decision;
            return (
              <tr key={v.name} data-testid={`existing-${v.name}`}>
                <th scope="row">
                  <code>{v.name}</code>
                  {v.findings.length > 0 && <div className="muted small">{v.findings.join(', ')}</div>}
                </th>
                <td>
                  <fieldset className="inline-radios">
                    <legend className="sr-only">{v.name}</legend>
                    <label>
                      <input
                        type="radio"
                        name={`decision-${v.name}`}
                        value="import"
                        checked={chosen === 'import'}
                        disabled={!v.canImport}
                        onChange={() => {
                          onChange(v.name, 'import');
                        }}
                      />{' '}
                      Keep
                    </label>
                    <label>
                      <input
                        type="radio"
                        name={`decision-${v.name}`}
                        value="regenerate"
                        checked={chosen === 'regenerate'}
                        onChange={() => {
                          onChange(v.name, 'regenerate');
                        }}
                      />{' '}
                      Regenerate
                    </label>
                  </fieldset>
                  {!v.canImport && <div className="small warn-text">Cannot be kept: {v.whyNotImport}</div>}
                  {v.recommended === 'import' && v.canImport && <div className="small muted">Recommended: keep</div>}
                </td>
                <td className={v.severity === 'high' ? 'consequence-high' : ''}>
                  {v.severity === 'high' && <span className="badge badge-error">high cost</span>} {v.consequence}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {existing.untouched.length > 0 && (
        <p className="muted">
          Left exactly as they are:{' '}
          {existing.untouched.map((u) => (
            <code key={u}>{u}</code>
          ))}
        </p>
      )}
    </>
  );
}
