import { useEffect, useState } from 'react';

interface Estimate {
  score: number;
  warning: string | null;
}

type Checker = (pw: string) => Estimate;

/** zxcvbn-ts, loaded on first use so the dictionaries are not part of the app's start-up bundle. */
let loading: Promise<Checker> | null = null;
function loadChecker(): Promise<Checker> {
  loading ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(([core, common, en]) => {
    const z = new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
    return (pw: string) => {
      const r = z.check(pw.slice(0, 100), ['crucible', 'roundtable']);
      return { score: r.score, warning: r.feedback.warning };
    };
  });
  return loading;
}

const LABELS = ['very weak', 'weak', 'fair', 'strong', 'very strong'];

/** A strength estimate for a typed password. Advisory: main enforces the rules. */
export function StrengthMeter({ password, id }: { password: string; id: string }) {
  const [result, setResult] = useState<{ password: string; estimate: Estimate } | null>(null);
  useEffect(() => {
    let live = true;
    if (password === '') return;
    void loadChecker().then((check) => {
      if (live) setResult({ password, estimate: check(password) });
    });
    return () => {
      live = false;
    };
  }, [password]);
  // Only an estimate of the current text counts; a stale one is not shown.
  const est = result?.password === password ? result.estimate : null;
  const score = est?.score ?? 0;
  return (
    <div className="strength" id={id}>
      <label htmlFor={`${id}-meter`} className="inline-label">
        Estimated strength:
      </label>{' '}
      <meter id={`${id}-meter`} min={0} max={4} low={2} high={3} optimum={4} value={password === '' ? 0 : score} />{' '}
      <span aria-live="polite">{password === '' ? '—' : (LABELS[score] ?? '')}</span>
      {est?.warning && <div className="small muted">{est.warning}</div>}
    </div>
  );
}
