import type { ReviewView } from '../../../../electron/common/ipc/setup.ipc';
import { capFindings } from '../../../../electron/common/model/cap-findings';
import { DiffView } from './common';

/** Step 7: the exact change, values masked; what goes into the keychain; what remains; what is not touched. */
export function ReviewStep({ review }: { review: ReviewView }) {
  if (review.blockers.length > 0) {
    return (
      <div role="alert" className="panel panel-error">
        <h3>Not ready yet</h3>
        <ul>
          {review.blockers.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      </div>
    );
  }
  // At most 25 per kind, the rest as one "N more" line (a hostile .env can hold 200,000 unknown keys).
  const remaining = capFindings(review.findings.filter((f) => f.severity !== 'info')).findings;
  return (
    <>
      <section aria-labelledby="review-env">
        <h3 id="review-env">
          {review.envExists ? 'Changes to' : 'New file'} <code>{review.envFile}</code> (mode 0600
          {review.envExists ? ", the previous version is kept in the app's own folder, not beside it" : ''})
        </h3>
        <DiffView diff={review.envDiff} label=".env change, values hidden" />
      </section>
      <section aria-labelledby="review-keychain">
        <h3 id="review-keychain">Into the keychain ({String(review.keychain.length)} entries)</h3>
        <ul className="columns">
          {review.keychain.map((k) => (
            <li key={k.variable}>
              <code>{k.variable}</code> <span className="muted">({k.origin})</span>
            </li>
          ))}
        </ul>
      </section>
      {review.compose.length > 0 && (
        <section aria-labelledby="review-compose">
          <h3 id="review-compose">Compose files</h3>
          {review.compose.map((c) => (
            <DiffView key={c.file} diff={c.diff} label={`Change to ${c.file}`} />
          ))}
        </section>
      )}
      <section aria-labelledby="review-other">
        <h3 id="review-other">Also</h3>
        <ul>
          <li>
            <code>.gitignore</code>:{' '}
            {review.gitignore === 'already-covered'
              ? 'already ignores .env (unchanged)'
              : review.gitignore === 'create'
                ? 'created with a .env entry'
                : 'a .env entry is added'}
          </li>
          <li>The deployment is recorded in the app state (names and fingerprints only) and in the journal.</li>
          {review.untouched.length > 0 && (
            <li>
              Not touched:{' '}
              {review.untouched.map((u) => (
                <code key={u}>{u}</code>
              ))}
            </li>
          )}
        </ul>
      </section>
      <section aria-labelledby="review-findings">
        <h3 id="review-findings">What check-env will still report</h3>
        {remaining.length === 0 ? (
          <p data-testid="review-clean">
            <span className="badge badge-ok">clean</span> No warning or error for this environment.
          </p>
        ) : (
          <ul>
            {remaining.map((f, i) => (
              <li key={i}>
                <span className={`badge badge-${f.severity === 'warning' ? 'warn' : 'error'}`}>{f.severity}</span>{' '}
                {f.title}.
                {f.blocksStart === true
                  ? ' Crucible will not start with this value.'
                  : f.blocksStart === false
                    ? ' Crucible would start; this is advice.'
                    : ''}{' '}
                <span className="muted">{f.howToFix}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
