import { useEffect, useState } from 'react';
import type { PolicyItem } from '../../../../electron/common/ipc/rotation.ipc';
import type { DriftItem, SecretRef } from '../../../../electron/common/ipc/secrets.ipc';
import { errorMessage, getApi } from '../../api';
import { ageOf, groupFingerprint, rowBadges } from './secret-format';
import { DriftRepair, isRepairable } from './DriftRepair';
import { reachesText } from './reaches-format';
import { ActionOutcome } from '../ActionOutcome';
import { href, route } from '../../router';

const REVEAL_SECONDS = 30;

interface Timed<T> {
  value: T;
  deadline: number;
  now: number;
}

/**
 * A value that expires: `start(v, seconds)` keeps it for that long, ticking once a second so the remaining
 * seconds can be shown, then drops it (a revealed value does not linger in memory).
 */
function useTimed<T>(): { value: T | null; left: number; start: (v: T, seconds: number) => void; stop: () => void } {
  const [state, setState] = useState<Timed<T> | null>(null);
  const deadline = state?.deadline;
  useEffect(() => {
    if (deadline === undefined) return;
    const t = setInterval(() => {
      const now = Date.now();
      setState((s) => (s === null || now >= s.deadline ? null : { ...s, now }));
    }, 1000);
    return () => {
      clearInterval(t);
    };
  }, [deadline]);
  return {
    value: state?.value ?? null,
    left: state ? Math.max(0, Math.ceil((state.deadline - state.now) / 1000)) : 0,
    start: (value, seconds) => {
      const now = Date.now();
      setState({ value, deadline: now + seconds * 1000, now });
    },
    stop: () => {
      setState(null);
    },
  };
}

/**
 * One secret: references always; the value only after an explicit Reveal (hidden again after 30 s) and never
 * for Copy, which main performs and clears after the countdown shown here.
 */
export function SecretRow({
  deploymentId,
  secret,
  drift,
  rotation,
  now,
  onRepaired,
  composeFiles = [],
}: {
  deploymentId: string;
  /** The deployment's recorded compose files, for the command a repair asks for. */
  composeFiles?: readonly string[];
  secret: SecretRef;
  drift: DriftItem | undefined;
  rotation?: PolicyItem;
  now: number;
  onRepaired?: () => void;
}) {
  const revealed = useTimed<string>();
  const copied = useTimed<true>();
  const [error, setError] = useState<string | null>(null);
  // Said by a finished repair; kept here because the repair button goes away once the row is in sync.
  const [repaired, setRepaired] = useState<string | null>(null);
  const usable = secret.status !== 'missing' && secret.status !== 'interrupted' && secret.status !== 'unavailable';

  const reveal = () => {
    setError(null);
    getApi()
      .secrets.reveal({ deploymentId, name: secret.name })
      .then(
        (r) => {
          revealed.start(r.value, REVEAL_SECONDS);
        },
        (e: unknown) => {
          setError(errorMessage(e));
        },
      );
  };
  const copy = () => {
    setError(null);
    getApi()
      .secrets.copy({ deploymentId, name: secret.name })
      .then(
        (r) => {
          copied.start(true, r.seconds);
        },
        (e: unknown) => {
          setError(errorMessage(e));
        },
      );
  };
  // One verdict per row: a keychain that matches its record is not shown as a green OK beside a red ".env differs".
  const { status, drift: driftBadge } = rowBadges(secret.status, drift?.status);

  return (
    <tr data-testid={`secret-${secret.name}`}>
      <th scope="row">
        <code>{secret.name}</code>
        <div className="muted">{secret.kind}</div>
        <div className="muted" data-testid={`reaches-${secret.name}`}>
          {reachesText(secret.reaches)}
        </div>
      </th>
      <td>
        <code aria-label={`Fingerprint of ${secret.name}`}>{groupFingerprint(secret.fingerprint)}</code>
      </td>
      <td>{ageOf(secret, now)}</td>
      <td>
        <span className={`badge badge-${status.tone}`} data-testid="status-badge">
          {status.label}
        </span>{' '}
        {driftBadge && (
          <span className={`badge badge-${driftBadge.tone}`} data-testid="drift-badge">
            {driftBadge.label}
          </span>
        )}
        {rotation?.overdue === true && (
          <>
            {' '}
            <a
              href={href(route.rotation(deploymentId, secret.name))}
              className="badge badge-error"
              data-testid="overdue-badge"
              aria-label={`Rotation of ${secret.name} overdue: ${String(rotation.ageDays)} days old, maximum ${String(rotation.maxAgeDays)}. Plan the rotation`}
            >
              rotation overdue
            </a>
          </>
        )}
      </td>
      <td>
        <div className="button-row">
          {revealed.value !== null ? (
            <button type="button" onClick={revealed.stop} aria-label={`Hide ${secret.name}`}>
              Hide
            </button>
          ) : (
            <button type="button" onClick={reveal} disabled={!usable} aria-label={`Reveal ${secret.name}`}>
              Reveal
            </button>
          )}
          <button type="button" onClick={copy} disabled={!usable} aria-label={`Copy ${secret.name}`}>
            Copy
          </button>
        </div>
        {onRepaired && isRepairable(drift) && secret.status !== 'interrupted' && secret.status !== 'unavailable' && (
          <DriftRepair
            deploymentId={deploymentId}
            composeFiles={composeFiles}
            drift={drift}
            onRepaired={(said) => {
              setRepaired(said);
              onRepaired();
            }}
          />
        )}
        <ActionOutcome done={repaired} error={null} testId="repair-done" />
        {revealed.value !== null && (
          <div>
            <code className="secret-value" data-testid="revealed-value">
              {revealed.value}
            </code>
            <div className="muted" role="status">
              Hidden again in {revealed.left} s
            </div>
          </div>
        )}
        {copied.value !== null && (
          <div className="muted" role="status" data-testid="copy-countdown">
            Copied. The clipboard is cleared in {copied.left} s.
          </div>
        )}
        {error && (
          <div role="alert" className="badge-error">
            {error}
          </div>
        )}
      </td>
    </tr>
  );
}
