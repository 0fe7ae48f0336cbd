import { useEffect, useState, type ReactNode } from 'react';
import {
  compactForm,
  FAMOUS_DICTIONARY,
  FAMOUS_PASSPHRASES,
  FAMOUS_WARNING,
} from '../../../../electron/common/famous-passphrases';

/** The export rules, shown as the admin types; main enforces them again (backup/passphrase.ts). */
export const MIN_LENGTH = 15;
export const MIN_SCORE = 3;

type Checker = (pw: string) => { score: number; warning: string | null };

/**
 * zxcvbn-ts, loaded on first use so its dictionaries stay out of the start-up bundle. The same estimate as
 * main's (core/secrets/zxcvbn-worker.ts): the famous passphrases as a dictionary, and the passphrase checked
 * as typed and in its compact form, the lower estimate winning ("Correct-Horse-Battery-Staple" is weak).
 */
let loading: Promise<Checker> | null = null;
function loadChecker(): Promise<Checker> {
  loading ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(([core, common, en]) => {
    const z = new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary, [FAMOUS_DICTIONARY]: [...FAMOUS_PASSPHRASES] },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
    return (pw: string) => {
      const typed = pw.normalize('NFKC').slice(0, 200);
      const compact = compactForm(typed);
      const checks = [z.check(typed), ...(compact !== typed && compact !== '' ? [z.check(compact)] : [])];
      const lower = checks.reduce((a, b) => (b.guessesLog10 < a.guessesLog10 ? b : a));
      const famous = checks.some((r) =>
        r.sequence.some((m) => 'dictionaryName' in m && m.dictionaryName === FAMOUS_DICTIONARY),
      );
      return { score: lower.score, warning: lower.feedback.warning ?? (famous ? FAMOUS_WARNING : null) };
    };
  });
  return loading;
}

const LABELS = ['very weak', 'weak', 'fair', 'strong', 'very strong'];

export interface PassphraseState {
  passphrase: string;
  confirmation: string;
  /** True when the typed passphrase meets the rules and both entries match. */
  acceptable: boolean;
}

/**
 * Passphrase typed twice, with a strength meter and the rules in words. `fill` puts a generated passphrase in
 * both fields (a new object each time the admin generates one); typing afterwards edits it as usual.
 * `actions` are shown beside the first field (the export's "Generate a passphrase").
 */
export function PassphraseFields({
  idPrefix,
  onChange,
  fill = null,
  actions,
}: {
  idPrefix: string;
  onChange: (s: PassphraseState) => void;
  fill?: { passphrase: string } | null;
  actions?: ReactNode;
}) {
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  // A new `fill` replaces both entries, during render (not in an effect: no extra render with stale fields).
  const [filled, setFilled] = useState(fill);
  if (fill !== filled) {
    setFilled(fill);
    if (fill !== null) {
      setPassphrase(fill.passphrase);
      setConfirmation(fill.passphrase);
    }
  }
  // The estimate is tagged with the passphrase it was made for, so a stale one is never shown.
  const [estimate, setEstimate] = useState<{ for: string; score: number; warning: string | null } | null>(null);
  useEffect(() => {
    let live = true;
    if (passphrase !== '') {
      void loadChecker().then((check) => {
        if (live) setEstimate({ for: passphrase, ...check(passphrase) });
      });
    }
    return () => {
      live = false;
    };
  }, [passphrase]);
  const est = estimate !== null && estimate.for === passphrase && passphrase !== '' ? estimate : null;
  const length = Array.from(passphrase.normalize('NFKC')).length;
  const score = est?.score ?? 0;
  const matches = passphrase !== '' && passphrase.normalize('NFKC') === confirmation.normalize('NFKC');
  const strongEnough = passphrase !== '' && score >= MIN_SCORE;
  const acceptable = length >= MIN_LENGTH && est !== null && score >= MIN_SCORE && matches;
  useEffect(() => {
    onChange({ passphrase, confirmation, acceptable });
  }, [passphrase, confirmation, acceptable, onChange]);
  return (
    <div className="form-stack">
      <label className="label-like" htmlFor={`${idPrefix}-pass`}>
        Backup passphrase
      </label>
      <div className="passphrase-row">
        <input
          id={`${idPrefix}-pass`}
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          value={passphrase}
          aria-describedby={`${idPrefix}-rules`}
          onChange={(e) => setPassphrase(e.target.value)}
        />
        {actions}
      </div>
      <label className="label-like" htmlFor={`${idPrefix}-confirm`}>
        Type it again
      </label>
      <input
        id={`${idPrefix}-confirm`}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        value={confirmation}
        onChange={(e) => setConfirmation(e.target.value)}
      />
      <div className="strength">
        <label htmlFor={`${idPrefix}-meter`}>Estimated strength:</label>{' '}
        <meter
          id={`${idPrefix}-meter`}
          min={0}
          max={4}
          low={2}
          high={3}
          optimum={4}
          value={passphrase === '' ? 0 : score}
        />{' '}
        <span aria-live="polite">{passphrase === '' ? '—' : (LABELS[score] ?? '')}</span>
      </div>
      <ul id={`${idPrefix}-rules`} className="muted small rule-list">
        <li className={length >= MIN_LENGTH ? 'badge-ok' : undefined}>
          At least {MIN_LENGTH} characters ({length} now). Several unrelated words work best; no special characters are
          required.
        </li>
        {/* Each rule says whether it is met: "Both entries match." under two empty fields would be untrue. */}
        <li className={strongEnough ? 'badge-ok' : undefined}>
          {strongEnough ? 'Not easy to guess' : passphrase === '' ? 'Must not be easy to guess' : 'Too easy to guess'}
          {est?.warning ? `: ${est.warning}` : '.'}
        </li>
        <li className={matches ? 'badge-ok' : undefined}>
          {matches ? 'Both entries match.' : 'Both entries must match.'}
        </li>
      </ul>
    </div>
  );
}
