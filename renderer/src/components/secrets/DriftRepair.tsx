import { composeCommandLine } from '../../../../electron/common/compose-file-names';
import { useState } from 'react';
import type { DriftDirection, DriftItem, DriftRepairPreview } from '../../../../electron/common/ipc/secrets.ipc';
import { getApi } from '../../api';
import { useAction } from '../../hooks';
import { DiffView } from '../audit/DiffView';

/** Drift a repair can fix: one side has a value the other lacks or holds differently. */
export function isRepairable(drift: DriftItem | undefined): drift is DriftItem {
  return (
    drift !== undefined &&
    (drift.status === 'differs' || drift.status === 'env-missing' || drift.status === 'keychain-missing')
  );
}

const CHOICES: Record<DriftDirection, { label: string; apply: string }> = {
  'keychain-to-env': { label: "Write the keychain's value to .env", apply: 'Write to .env' },
  'env-to-keychain': { label: 'Adopt the .env value into the keychain', apply: 'Adopt into the keychain' },
};

/**
 * "Repair…" on a row whose `.env` and keychain disagree: pick a direction, see the change (values withheld),
 * then apply it. Adopting into the keychain replaces the value the app generated, so it needs an explicit
 * confirmation. The preview's token makes main refuse if the file or the keychain changed meanwhile.
 */
export function DriftRepair({
  deploymentId,
  drift,
  onRepaired,
  composeFiles = [],
}: {
  deploymentId: string;
  drift: DriftItem;
  onRepaired: (said: string) => void;
  /** The deployment's recorded compose files, for the command the message names. */
  composeFiles?: readonly string[];
}) {
  const [open, setOpen] = useState(false);
  const [preview, setPreview] = useState<DriftRepairPreview | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const action = useAction(`${String(open)}:${preview?.direction ?? ''}`);
  const name = drift.name;

  const choose = (direction: DriftDirection) => {
    setPreview(null);
    setConfirmed(false);
    void action.run(async () => {
      setPreview(await getApi().secrets.previewDriftRepair({ deploymentId, name, direction }));
    });
  };
  const apply = (p: DriftRepairPreview) => {
    void action.run(async () => {
      const r = await getApi().secrets.repairDrift({ deploymentId, name, direction: p.direction, token: p.token });
      setPreview(null);
      setOpen(false);
      onRepaired(
        r.direction === 'keychain-to-env'
          ? `Wrote ${name} into .env${r.previousKept ? ' (the previous .env is kept; see Previous versions below)' : ''}. Run ${composeCommandLine(composeFiles, ['up', '-d'])} for the services to pick it up.`
          : `The keychain now holds the .env value of ${name}.`,
      );
    });
  };

  if (!open) {
    return (
      <button
        type="button"
        onClick={() => {
          setOpen(true);
        }}
        aria-label={`Repair ${name}`}
      >
        Repair…
      </button>
    );
  }
  const canTo: Record<DriftDirection, boolean> = {
    'keychain-to-env': drift.keychainFingerprint !== null,
    'env-to-keychain': drift.envFingerprint !== null,
  };
  return (
    <div className="panel" role="group" aria-label={`Repair ${name}`} data-testid="repair-panel">
      <div className="button-row">
        {(Object.keys(CHOICES) as DriftDirection[]).map((d) => (
          <button
            key={d}
            type="button"
            disabled={!canTo[d] || action.busy}
            aria-pressed={preview?.direction === d}
            onClick={() => {
              choose(d);
            }}
          >
            {CHOICES[d].label}
          </button>
        ))}
        <button
          type="button"
          onClick={() => {
            setOpen(false);
            setPreview(null);
          }}
        >
          Cancel
        </button>
      </div>
      {preview && (
        <>
          <p className="muted">
            Change to {preview.direction === 'keychain-to-env' ? preview.file : 'the keychain'} (values withheld):
          </p>
          <DiffView diff={preview.diff} label={`Change to ${name}`} />
          {preview.direction === 'env-to-keychain' && (
            <label>
              <input
                type="checkbox"
                checked={confirmed}
                onChange={(e) => {
                  setConfirmed(e.target.checked);
                }}
              />{' '}
              The value in .env is the right one: replace the keychain&apos;s value of {name} with it.
            </label>
          )}
          <div className="button-row">
            <button
              type="button"
              className="primary"
              disabled={action.busy || (preview.direction === 'env-to-keychain' && !confirmed)}
              onClick={() => {
                apply(preview);
              }}
            >
              {CHOICES[preview.direction].apply}
            </button>
          </div>
        </>
      )}
      {action.error && (
        <div role="alert" className="badge-error">
          {action.error}
        </div>
      )}
    </div>
  );
}
