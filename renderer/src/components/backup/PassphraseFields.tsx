import { useEffect, useState } from 'react';

/** The export rules, shown as the admin types; main enforces them again (backup/passphrase.ts). */
export const MIN_LENGTH = 15;
export const MIN_SCORE = 3;

type Checker = (pw: string) => { score: number; warning: string | null };

/** zxcvbn-ts, loaded on first use so its dictionaries stay out of the start-up bundle. */
let loading: Promise<Checker> | null = null;
function loadChecker(): Promise<Checker> {
  loading ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]).then(([core, common, en]) => {
    const z = new core.ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations });
    return (pw: string) => {
      const r = z.check(pw.normalize('NFKC').slice(0, 200));
      return { score: r.score, warning: r.feedback.warning };
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

/** Passphrase typed twice, with a strength meter and the rules in words. */
export function PassphraseFields({ idPrefix, onChange }: { idPrefix: string; onChange: (s: PassphraseState) => void }) {
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
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
  const acceptable = length >= MIN_LENGTH && est !== null && score >= MIN_SCORE && matches;
  useEffect(() => {
    onChange({ passphrase, confirmation, acceptable });
  }, [passphrase, confirmation, acceptable, onChange]);
  return (
    <div className="form-stack">
      <label className="label-like" htmlFor={`${idPrefix}-pass`}>
        Backup passphrase
      </label>
      <input id={`${idPrefix}-pass`} type="password" autoComplete="new-password" spellCheck={false} value={passphrase} aria-describedby={`${idPrefix}-rules`} onChange={(e) => setPassphrase(e.target.value)} />
      <label className="label-like" htmlFor={`${idPrefix}-confirm`}>
        Type it again
      </label>
      <input id={`${idPrefix}-confirm`} type="password" autoComplete="new-password" spellCheck={false} value={confirmation} onChange={(e) => setConfirmation(e.target.value)} />
      <div className="strength">
        <label htmlFor={`${idPrefix}-meter`}>Estimated strength:</label>{' '}
        <meter id={`${idPrefix}-meter`} min={0} max={4} low={2} high={3} optimum={4} value={passphrase === '' ? 0 : score} /> <span aria-live="polite">{passphrase === '' ? '—' : (LABELS[score] ?? '')}</span>
      </div>
      <ul id={`${idPrefix}-rules`} className="muted small rule-list">
        <li className={length >= MIN_LENGTH ? 'badge-ok' : undefined}>At least {MIN_LENGTH} characters ({length} now). Several unrelated words work best; no special characters are required.</li>
        <li className={passphrase !== '' && score >= MIN_SCORE ? 'badge-ok' : undefined}>Not easy to guess{est?.warning ? `: ${est.warning}` : '.'}</li>
        <li className={matches ? 'badge-ok' : undefined}>Both entries match.</li>
      </ul>
    </div>
  );
}
