import type { ReactNode } from 'react';
import type { ComposeChoice, ComposeSet } from '../../../../electron/common/model/compose-choice';

const TITLES: Record<ComposeSet, string> = {
  default: 'The default compose files',
  production: 'The production compose file',
  env: 'The files COMPOSE_FILE in .env names',
};

const HOW: Record<ComposeSet, ReactNode> = {
  default: (
    <>
      What <code>docker compose up -d</code> reads by itself.
    </>
  ),
  production: (
    <>
      Crucible’s pre-built images, run with <code>docker compose -f docker-compose.prod.yml up -d</code>.
    </>
  ),
  env: 'Set in the existing .env; compose reads these instead of the defaults. Change COMPOSE_FILE in .env to change them.',
};

/**
 * Step 3, with the environment: which compose files this deployment runs with. Shown only when the folder
 * offers a choice; `value` null means the preselected set (defaultComposeSet), which the wizard passes in.
 */
export function ComposeFilesChoice({
  choices,
  value,
  onChange,
}: {
  choices: readonly ComposeChoice[];
  value: ComposeSet;
  onChange: (set: ComposeSet) => void;
}) {
  if (choices.length < 2) return null;
  return (
    <fieldset className="choice-list">
      <legend>Which compose files does this deployment run with?</legend>
      <p className="muted">
        The audit, rotation and the front door read these files, and the commands the app runs and prints name them with{' '}
        <code>-f</code>.
      </p>
      {choices.map((c) => (
        <label key={c.set} className="choice">
          <input
            type="radio"
            name="compose-set"
            value={c.set}
            checked={value === c.set}
            disabled={!c.available}
            onChange={() => {
              onChange(c.set);
            }}
          />
          <span>
            <strong>{TITLES[c.set]}</strong>: {c.files.join(', ')}
            <span className="muted block">{c.available ? HOW[c.set] : c.note}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
