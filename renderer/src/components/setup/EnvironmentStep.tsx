import type { Environment } from '../../../../electron/common/model/deployment';

const CHOICES: Array<{ value: Environment; title: string; text: string }> = [
  {
    value: 'production',
    title: 'Production',
    text: 'Real users. Strict rules: https only, no localhost, Crucible runs its production checks (ROUNDTABLE_ENVIRONMENT=production).',
  },
  { value: 'staging', title: 'Staging', text: 'A rehearsal of production. Plain http or localhost only warn.' },
  {
    value: 'development',
    title: 'Development',
    text: 'Your own machine. localhost is fine; secrets are still generated strongly.',
  },
];

/** Step 3: the environment; production turns on the strict rules. */
export function EnvironmentStep({
  value,
  onChange,
}: {
  value: Environment | null;
  onChange: (e: Environment) => void;
}) {
  return (
    <fieldset className="choice-list">
      <legend>Which environment is this deployment?</legend>
      {CHOICES.map((c) => (
        <label key={c.value} className="choice">
          <input
            type="radio"
            name="environment"
            value={c.value}
            checked={value === c.value}
            onChange={() => {
              onChange(c.value);
            }}
          />
          <span>
            <strong>{c.title}</strong>
            <span className="muted block">{c.text}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
