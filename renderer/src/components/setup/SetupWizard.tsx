import { useCallback, useEffect, useReducer, useRef, type SyntheticEvent } from 'react';
import type { StepIssue } from '../../../../electron/common/ipc/setup.ipc';
import { errorMessage, getApi } from '../../api';
import { useAction } from '../../hooks';
import { Issues, StepActions } from './common';
import { FolderStep } from './FolderStep';
import { ExistingStep } from './ExistingStep';
import { EnvironmentStep } from './EnvironmentStep';
import { ComposeFilesChoice } from './ComposeFilesChoice';
import { defaultComposeSet } from '../../../../electron/common/model/compose-choice';
import { AddressStep } from './AddressStep';
import { PasswordStep } from './PasswordStep';
import { SecretsStep } from './SecretsStep';
import { ReviewStep } from './ReviewStep';
import { FinishStep } from './FinishStep';
import { initialWizardState, WIZARD_STEPS, wizardReducer, type StepId } from './wizard-state';

/**
 * The setup wizard. The draft lives in main (`setup.begin` … `setup.commit`); this component keeps only
 * form fields, so going back shows what was entered. Typed secrets are sent once and the fields emptied;
 * the generated password is dropped from memory when the step is left. Leaving the page discards the draft.
 */
export function SetupWizard() {
  const [state, dispatch] = useReducer(wizardReducer, initialWizardState);
  const { draftId, step, summary, folder, existing, decisions, environment, address, password, progress, issues } =
    state;
  const { busy, error, run, fail, clearError } = useAction();
  const composeChoices = folder?.composeChoices ?? [];
  const composeSet = state.composeSet ?? defaultComposeSet(composeChoices, environment);
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
          if (live) dispatch({ type: 'started', draftId: r.draftId });
          else void getApi().setup.discard({ draftId: r.draftId });
        },
        (e: unknown) => {
          fail(errorMessage(e));
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
  }, [fail]);

  useEffect(() => {
    if (!draftId) return;
    return getApi().on.setupProgress((p) => {
      if (p.draftId === draftId) dispatch({ type: 'progress', progress: p });
    });
  }, [draftId]);

  // Each new step moves focus to its heading, so screen readers announce it and Tab starts from the top.
  useEffect(() => {
    heading.current?.focus();
  }, [step, draftId]);

  const refresh = useCallback(async (id: string) => {
    dispatch({ type: 'summary', summary: await getApi().setup.summary({ draftId: id }) });
  }, []);

  const go = (to: StepId) => {
    clearError();
    dispatch({ type: 'go', to });
  };
  const blocked = (found: readonly StepIssue[]) => {
    dispatch({ type: 'issues', issues: [...found] });
  };

  const chooseFolder = (location?: string) =>
    run(async () => {
      if (!draftId) return;
      const r =
        location === undefined
          ? await getApi().setup.chooseFolder({ draftId })
          : await getApi().setup.chooseServer({ draftId, location });
      if (r.cancelled || !r.folder) return;
      dispatch({ type: 'folderChosen', folder: r.folder, existing: r.existing ?? null });
      await refresh(draftId);
    });

  const next = (e: SyntheticEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!draftId) return;
    const api = getApi().setup;
    void run(async () => {
      switch (step) {
        case 'folder':
          if (!folder)
            return blocked([{ field: 'folder', severity: 'error', message: 'Choose the deployment folder first.' }]);
          go('existing');
          return;
        case 'existing': {
          if (existing?.present) {
            const r = await api.setImport({ draftId, decisions });
            dispatch({ type: 'existing', existing: r.existing });
            if (!r.ok) return blocked(r.issues);
          }
          go('environment');
          return;
        }
        case 'environment': {
          if (!environment)
            return blocked([{ field: 'environment', severity: 'error', message: 'Choose an environment.' }]);
          const r = await api.setEnvironment({ draftId, environment });
          if (r.existing) dispatch({ type: 'existing', existing: r.existing });
          // Recorded in the deployment: the audit, rotation and the front door read exactly these files.
          if (composeChoices.length > 0) await api.setComposeFiles({ draftId, set: composeSet });
          go('address');
          return;
        }
        case 'address': {
          const corsOrigins = address.corsText
            .split(/[\n,]/)
            .map((s) => s.trim())
            .filter((s) => s !== '');
          const r = await api.setAddress({
            draftId,
            frontendUrl: address.frontendUrl,
            corsOrigins,
            applyCorsFix: address.applyCorsFix,
          });
          if (!r.ok) return blocked(r.issues);
          dispatch({ type: 'addressSaved', frontendUrl: r.frontendUrl, corsOrigins: r.corsOrigins });
          go('password');
          return;
        }
        case 'password': {
          if (
            password.mode === 'typed' &&
            password.typed === '' &&
            password.confirmation === '' &&
            summary?.password.mode === 'typed'
          ) {
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
          dispatch({ type: 'progress', progress: null });
          if (!r.ok) return blocked(r.issues);
          dispatch({ type: 'passwordSaved' });
          await refresh(draftId);
          go('secrets');
          return;
        }
        case 'secrets': {
          const providerKeys = Object.fromEntries(
            Object.entries(state.providerValues).filter(([, v]) => v.trim() !== ''),
          );
          const r = await api.setSecrets({ draftId, providerKeys, clearProviderKeys: [] });
          if (!r.ok) return blocked(r.issues);
          dispatch({ type: 'providerValuesSent' });
          await refresh(draftId);
          dispatch({ type: 'review', review: await api.review({ draftId }) });
          go('review');
          return;
        }
        case 'review': {
          go('commit');
          dispatch({ type: 'progress', progress: null });
          const r = await api.commit({ draftId });
          committed.current = true;
          dispatch({ type: 'committed', result: r });
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
      .then(
        (r) => {
          dispatch({ type: 'plan', plan: r.secrets });
        },
        () => undefined,
      );
  }, [step, draftId]);

  const index = WIZARD_STEPS.findIndex((s) => s.id === step);
  const reachable = (i: number) => !busy && !state.result && step !== 'commit' && i < index;
  const back =
    index > 0 && step !== 'commit' && step !== 'finish'
      ? () => {
          go(WIZARD_STEPS[index - 1]?.id ?? 'folder');
        }
      : undefined;
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
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    go(s.id);
                  }}
                >
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
      <form
        className="panel wizard-body"
        onSubmit={next}
        aria-labelledby="step-title"
        noValidate
        data-testid={`step-${step}`}
      >
        <h2 id="step-title" ref={heading} tabIndex={-1}>
          Step {index + 1} of {WIZARD_STEPS.length}: {current?.title}
        </h2>
        {step === 'folder' && (
          <FolderStep
            folder={folder}
            onChoose={() => void chooseFolder()}
            onChooseServer={(l) => void chooseFolder(l)}
            busy={busy}
          />
        )}
        {step === 'existing' && (
          <ExistingStep
            existing={existing}
            decisions={decisions}
            onChange={(name, decision) => {
              dispatch({ type: 'decision', name, decision });
            }}
          />
        )}
        {step === 'environment' && (
          <EnvironmentStep
            value={environment}
            onChange={(env) => {
              dispatch({ type: 'environment', environment: env });
            }}
          />
        )}
        {step === 'environment' && (
          <ComposeFilesChoice
            choices={composeChoices}
            value={composeSet}
            onChange={(set) => {
              dispatch({ type: 'composeSet', set });
            }}
          />
        )}
        {step === 'address' && (
          <AddressStep
            form={address}
            onChange={(form) => {
              dispatch({ type: 'address', form });
            }}
            environment={environment}
            corsFix={folder?.corsFix ?? []}
            issues={issues}
          />
        )}
        {step === 'password' && (
          <PasswordStep
            form={password}
            onChange={(form) => {
              dispatch({ type: 'password', form });
            }}
            revealed={state.revealed}
            alreadySet={summary?.password.mode ?? null}
            canKeep={summary?.password.canKeep ?? false}
            keepNote={summary?.password.keepNote}
            clearsAt={state.clearsAt}
            busy={busy}
            onReveal={(regenerate) =>
              void run(async () => {
                dispatch({
                  type: 'revealed',
                  revealed: await getApi().setup.revealGeneratedPassword({ draftId, regenerate }),
                });
              })
            }
            onCopy={() =>
              void run(async () => {
                dispatch({
                  type: 'copied',
                  clearsAt: (await getApi().setup.copyGeneratedPassword({ draftId })).clearsAt,
                });
              })
            }
          />
        )}
        {step === 'secrets' && (
          <SecretsStep
            plan={state.plan}
            providers={summary?.providerKeys ?? []}
            values={state.providerValues}
            onChange={(name, value) => {
              dispatch({ type: 'providerValue', name, value });
            }}
            onClear={(n) =>
              void run(async () => {
                const r = await getApi().setup.setSecrets({ draftId, providerKeys: {}, clearProviderKeys: [n] });
                dispatch({ type: 'plan', plan: r.secrets });
                await refresh(draftId);
              })
            }
          />
        )}
        {step === 'review' && state.review && <ReviewStep review={state.review} />}
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
        {step === 'finish' && state.result && <FinishStep result={state.result} />}
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
            <button
              type="button"
              onClick={() => {
                go('review');
              }}
            >
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
