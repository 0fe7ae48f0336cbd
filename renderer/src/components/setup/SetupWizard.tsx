import { useCallback, useEffect, useRef, useState, type SyntheticEvent } from 'react';
import type { CommitResult, DraftSummary, ExistingView, FolderView, ImportDecision, ReviewView, SecretPlan, SetupProgress, StepIssue } from '../../../../electron/common/ipc/setup.ipc';
import type { Environment } from '../../../../electron/common/model/deployment';
import { errorMessage, getApi } from '../../api';
import { Issues, StepActions } from './common';
import { FolderStep } from './FolderStep';
import { ExistingStep } from './ExistingStep';
import { EnvironmentStep } from './EnvironmentStep';
import { AddressStep, type AddressForm } from './AddressStep';
import { PasswordStep, type PasswordForm, type Revealed } from './PasswordStep';
import { SecretsStep } from './SecretsStep';
import { ReviewStep } from './ReviewStep';
import { FinishStep } from './FinishStep';

export const WIZARD_STEPS = [
  { id: 'folder', title: 'Folder' },
  { id: 'existing', title: 'Existing .env' },
  { id: 'environment', title: 'Environment' },
  { id: 'address', title: 'Public address' },
  { id: 'password', title: 'Login password' },
  { id: 'secrets', title: 'Secrets' },
  { id: 'review', title: 'Review' },
  { id: 'commit', title: 'Commit' },
  { id: 'finish', title: 'Finish' },
] as const;
type StepId = (typeof WIZARD_STEPS)[number]['id'];

/**
 * The setup wizard. The draft lives in main (`setup.begin` … `setup.commit`); this component keeps only
 * form fields, so going back shows what was entered. Typed secrets are sent once and the fields emptied;
 * the generated password is dropped from memory when the step is left. Leaving the page discards the draft.
 */
export function SetupWizard() {
  const [draftId, setDraftId] = useState<string | null>(null);
  const [step, setStep] = useState<StepId>('folder');
  const [summary, setSummary] = useState<DraftSummary | null>(null);
  const [folder, setFolder] = useState<FolderView | null>(null);
  const [existing, setExisting] = useState<ExistingView | null>(null);
  const [decisions, setDecisions] = useState<Record<string, ImportDecision>>({});
  const [environment, setEnvironment] = useState<Environment | null>(null);
  const [address, setAddress] = useState<AddressForm>({ frontendUrl: '', corsText: '', applyCorsFix: true });
  const [password, setPassword] = useState<PasswordForm>({ mode: 'generated', typed: '', confirmation: '', stored: false });
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [clearsAt, setClearsAt] = useState<string | null>(null);
  const [providerValues, setProviderValues] = useState<Record<string, string>>({});
  const [review, setReview] = useState<ReviewView | null>(null);
  const [plan, setPlan] = useState<SecretPlan[]>([]);
  const [result, setResult] = useState<CommitResult | null>(null);
  const [progress, setProgress] = useState<SetupProgress | null>(null);
  const [issues, setIssues] = useState<StepIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const committed = useRef(false);

  useEffect(() => {
    let id: string | null = null;
    let live = true;
    getApi()
      .setup.begin({})
      .then(
        (r) => {
          id = r.draftId;
          if (live) setDraftId(r.draftId);
          else void getApi().setup.discard({ draftId: r.draftId });
        },
        (e: unknown) => {
          setError(errorMessage(e));
        },
      );
    const onHide = () => {
      if (id && !committed.current) void getApi().setup.discard({ draftId: id });
    };
    window.addEventListener('pagehide', onHide);
    return () => {
      live = false;
      window.removeEventListener('pagehide', onHide);
      // Closing the wizard half-way forgets the draft in main; nothing was written.
      onHide();
    };
  }, []);

  useEffect(() => {
    if (!draftId) return;
    return getApi().on.setupProgress((p) => {
      if (p.draftId === draftId) setProgress(p);
    });
  }, [draftId]);

  // Each new step moves focus to its heading, so screen readers announce it and Tab starts from the top.
  useEffect(() => {
    heading.current?.focus();
  }, [step, draftId]);

  const refresh = useCallback(async (id: string) => {
    setSummary(await getApi().setup.summary({ draftId: id }));
  }, []);

  const go = (to: StepId) => {
    setIssues([]);
    setError(null);
    if (step === 'password' && to !== 'password') {
      setRevealed(null); // shown once: gone when the step is left
      setClearsAt(null);
    }
    setStep(to);
  };

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const chooseFolder = (location?: string) =>
    run(async () => {
      if (!draftId) return;
      const r = location === undefined ? await getApi().setup.chooseFolder({ draftId }) : await getApi().setup.chooseServer({ draftId, location });
      if (r.cancelled || !r.folder) return;
      setFolder(r.folder);
      setExisting(r.existing ?? null);
      setDecisions({});
      setRevealed(null);
      setAddress((a) => ({ ...a, applyCorsFix: (r.folder?.corsFix.length ?? 0) > 0 ? true : a.applyCorsFix }));
      await refresh(draftId);
    });

  const next = (e: SyntheticEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!draftId) return;
    const api = getApi().setup;
    void run(async () => {
      switch (step) {
        case 'folder':
          if (!folder) {
            setIssues([{ field: 'folder', severity: 'error', message: 'Choose the deployment folder first.' }]);
            return;
          }
          go('existing');
          return;
        case 'existing': {
          if (existing?.present) {
            const r = await api.setImport({ draftId, decisions });
            setExisting(r.existing);
            if (!r.ok) return setIssues(r.issues);
          }
          go('environment');
          return;
        }
        case 'environment': {
          if (!environment) return setIssues([{ field: 'environment', severity: 'error', message: 'Choose an environment.' }]);
          const r = await api.setEnvironment({ draftId, environment });
          if (r.existing) setExisting(r.existing);
          go('address');
          return;
        }
        case 'address': {
          const corsOrigins = address.corsText.split(/[\n,]/).map((s) => s.trim()).filter((s) => s !== '');
          const r = await api.setAddress({ draftId, frontendUrl: address.frontendUrl, corsOrigins, applyCorsFix: address.applyCorsFix });
          if (!r.ok) return setIssues(r.issues);
          setAddress({ ...address, frontendUrl: r.frontendUrl, corsText: r.corsOrigins.join('\n') });
          go('password');
          return;
        }
        case 'password': {
          if (password.mode === 'typed' && password.typed === '' && password.confirmation === '' && summary?.password.mode === 'typed') {
            go('secrets');
            return;
          }
          const r = await api.setPassword(
            password.mode === 'typed'
              ? { draftId, mode: 'typed', password: password.typed, confirmation: password.confirmation }
              : password.mode === 'generated'
                ? { draftId, mode: 'generated', stored: password.stored }
                : { draftId, mode: 'keep' },
          );
          setProgress(null);
          if (!r.ok) return setIssues(r.issues);
          setPassword({ ...password, typed: '', confirmation: '' });
          await refresh(draftId);
          go('secrets');
          return;
        }
        case 'secrets': {
          const providerKeys = Object.fromEntries(Object.entries(providerValues).filter(([, v]) => v.trim() !== ''));
          const r = await api.setSecrets({ draftId, providerKeys, clearProviderKeys: [] });
          if (!r.ok) return setIssues(r.issues);
          setProviderValues({});
          await refresh(draftId);
          setReview(await api.review({ draftId }));
          go('review');
          return;
        }
        case 'review': {
          go('commit');
          setProgress(null);
          const r = await api.commit({ draftId });
          committed.current = true;
          setResult(r);
          go('finish');
          return;
        }
        default:
          return;
      }
    });
  };

  // Entering the secrets step needs the current plan.
  useEffect(() => {
    if (step !== 'secrets' || !draftId) return;
    void getApi()
      .setup.setSecrets({ draftId, providerKeys: {}, clearProviderKeys: [] })
      .then((r) => {
        setPlan(r.secrets);
      }, () => undefined);
  }, [step, draftId]);

  const index = WIZARD_STEPS.findIndex((s) => s.id === step);
  const reachable = (i: number) => !busy && !result && step !== 'commit' && i < index;
  const back = index > 0 && step !== 'commit' && step !== 'finish' ? () => { go(WIZARD_STEPS[index - 1]?.id ?? 'folder'); } : undefined;
  const current = WIZARD_STEPS[index];

  if (!draftId && error) return <p role="alert">{error}</p>;
  if (!draftId) return <p role="status">Starting…</p>;

  return (
    <div className="wizard">
      <nav aria-label="Setup steps">
        <ol className="wizard-steps">
          {WIZARD_STEPS.map((s, i) => (
            <li key={s.id} className={i === index ? 'current' : i < index ? 'past' : ''}>
              {reachable(i) ? (
                <button type="button" className="link-button" onClick={() => { go(s.id); }}>
                  <span className="step-number">{i + 1}</span> {s.title}
                </button>
              ) : (
                <span aria-current={i === index ? 'step' : undefined}>
                  <span className="step-number">{i + 1}</span> {s.title}
                  {i < index && <span className="sr-only"> (completed)</span>}
                </span>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <form className="panel wizard-body" onSubmit={next} aria-labelledby="step-title" noValidate data-testid={`step-${step}`}>
        <h2 id="step-title" ref={heading} tabIndex={-1}>
          Step {index + 1} of {WIZARD_STEPS.length}: {current?.title}
        </h2>
        {step === 'folder' && <FolderStep folder={folder} onChoose={() => void chooseFolder()} onChooseServer={(l) => void chooseFolder(l)} busy={busy} />}
        {step === 'existing' && <ExistingStep existing={existing} decisions={decisions} onChange={(n, d) => { setDecisions({ ...decisions, [n]: d }); }} />}
        {step === 'environment' && <EnvironmentStep value={environment} onChange={setEnvironment} />}
        {step === 'address' && <AddressStep form={address} onChange={(f) => { setAddress(f); setIssues([]); }} environment={environment} corsFix={folder?.corsFix ?? []} issues={issues} />}
        {step === 'password' && (
          <PasswordStep
            form={password}
            onChange={setPassword}
            revealed={revealed}
            alreadySet={summary?.password.mode ?? null}
            canKeep={summary?.password.canKeep ?? false}
            keepNote={summary?.password.keepNote}
            clearsAt={clearsAt}
            busy={busy}
            onReveal={(regenerate) =>
              void run(async () => {
                setRevealed(await getApi().setup.revealGeneratedPassword({ draftId, regenerate }));
                setPassword((p) => ({ ...p, stored: false }));
                setClearsAt(null);
              })
            }
            onCopy={() =>
              void run(async () => {
                setClearsAt((await getApi().setup.copyGeneratedPassword({ draftId })).clearsAt);
              })
            }
          />
        )}
        {step === 'secrets' && (
          <SecretsStep
            plan={plan}
            providers={summary?.providerKeys ?? []}
            values={providerValues}
            onChange={(n, v) => { setProviderValues({ ...providerValues, [n]: v }); }}
            onClear={(n) =>
              void run(async () => {
                const r = await getApi().setup.setSecrets({ draftId, providerKeys: {}, clearProviderKeys: [n] });
                setPlan(r.secrets);
                await refresh(draftId);
              })
            }
          />
        )}
        {step === 'review' && review && <ReviewStep review={review} />}
        {step === 'commit' && (
          <div>
            {!error && (
              <>
                <label htmlFor="commit-progress">{progress?.message ?? 'Writing…'}</label>
                <progress id="commit-progress" max={1} value={progress?.fraction ?? 0} />
              </>
            )}
          </div>
        )}
        {step === 'finish' && result && <FinishStep result={result} />}
        {busy && step === 'password' && progress?.phase === 'hashing' && (
          <p role="status" className="muted">
            <progress aria-label="Hashing progress" max={1} value={progress.fraction} /> {progress.message}
          </p>
        )}
        <Issues id="step-issues" issues={issues} />
        {error && (
          <p role="alert" className="panel panel-error" data-testid="step-error">
            {error}
            {step === 'commit' && ' Nothing was changed: go back to the review and try again.'}
          </p>
        )}
        {step === 'commit' && error && (
          <div className="step-actions">
            <button type="button" onClick={() => { go('review'); }}>
              Back to the review
            </button>
          </div>
        )}
        {step !== 'commit' && step !== 'finish' && (
          <StepActions onBack={back} busy={busy} nextLabel={step === 'review' ? 'Write everything' : 'Next'} />
        )}
      </form>
    </div>
  );
}
