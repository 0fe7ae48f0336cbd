import { useEffect, useState } from 'react';
import type { PasswordMode } from '../../../../electron/common/ipc/setup.ipc';
import { StrengthMeter } from './StrengthMeter';

export interface PasswordForm {
  mode: PasswordMode;
  typed: string;
  confirmation: string;
  stored: boolean;
}

export interface Revealed {
  password: string;
  length: number;
  entropyBits: number;
}

function Countdown({ until }: { until: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      clearInterval(t);
    };
  }, []);
  const left = Math.max(0, Math.ceil((Date.parse(until) - now) / 1000));
  return (
    <span role="status">
      {left > 0 ? `Copied. The clipboard is cleared in ${String(left)} s.` : 'The clipboard was cleared.'}
    </span>
  );
}

/**
 * Step 5: the login password. Generating is recommended: main makes it, shows it once, copies it (and clears
 * the clipboard after 30 s), and needs "I have stored it". Typing one is checked in main (length, bcrypt's 72
 * bytes, blocklist); the meter here only estimates.
 */
export function PasswordStep(props: {
  form: PasswordForm;
  onChange: (f: PasswordForm) => void;
  revealed: Revealed | null;
  alreadySet: PasswordMode | null;
  onReveal: (regenerate: boolean) => void;
  onCopy: () => void;
  clearsAt: string | null;
  canKeep: boolean;
  keepNote?: string;
  busy: boolean;
}) {
  const { form, onChange, revealed } = props;
  const set = (patch: Partial<PasswordForm>) => {
    onChange({ ...form, ...patch });
  };
  return (
    <>
      <p>
        Crucible has a single login: any user name, this password. It is stored in <code>.env</code> only as a bcrypt
        hash (cost 12).
      </p>
      <fieldset className="choice-list">
        <legend>How do you want to set the login password?</legend>
        <label className="choice">
          <input
            type="radio"
            name="pw-mode"
            checked={form.mode === 'generated'}
            onChange={() => {
              set({ mode: 'generated' });
            }}
          />
          <span>
            <strong>Generate one (recommended)</strong>
            <span className="muted block">
              22 random characters, about 131 bits. Shown only once: store it in your password manager.
            </span>
          </span>
        </label>
        <label className="choice">
          <input
            type="radio"
            name="pw-mode"
            checked={form.mode === 'typed'}
            onChange={() => {
              set({ mode: 'typed' });
            }}
          />
          <span>
            <strong>Type my own</strong>
            <span className="muted block">
              At least 15 characters, at most 72 bytes; no other rules. Several unrelated words work well.
            </span>
          </span>
        </label>
        {props.canKeep && (
          <label className="choice">
            <input
              type="radio"
              name="pw-mode"
              checked={form.mode === 'keep'}
              onChange={() => {
                set({ mode: 'keep' });
              }}
            />
            <span>
              <strong>Keep the current one</strong>
              <span className="muted block">{props.keepNote}</span>
            </span>
          </label>
        )}
      </fieldset>

      {form.mode === 'generated' && (
        <div className="panel">
          {revealed ? (
            <>
              <label htmlFor="generated-password">Your new login password</label>
              <output id="generated-password" className="secret-output" data-testid="generated-password">
                {revealed.password}
              </output>
              <p className="muted small">
                {String(revealed.length)} characters, {String(revealed.entropyBits)} bits of entropy. It is not shown
                again after you leave this step.
              </p>
              <div className="step-actions">
                <button type="button" onClick={props.onCopy} disabled={props.busy}>
                  Copy (clears after 30 s)
                </button>
                <button
                  type="button"
                  onClick={() => {
                    props.onReveal(true);
                  }}
                  disabled={props.busy}
                >
                  Generate another
                </button>
                {props.clearsAt && <Countdown key={props.clearsAt} until={props.clearsAt} />}
              </div>
            </>
          ) : (
            <>
              {props.alreadySet === 'generated' && (
                <p>
                  A generated password is already set for this setup (it was shown once). Generate a new one to change
                  it.
                </p>
              )}
              <button
                type="button"
                className="primary"
                onClick={() => {
                  props.onReveal(props.alreadySet === 'generated');
                }}
                disabled={props.busy}
                data-testid="generate-password"
              >
                {props.alreadySet === 'generated' ? 'Generate a new password' : 'Generate password'}
              </button>
            </>
          )}
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.stored}
              onChange={(e) => {
                set({ stored: e.target.checked });
              }}
              disabled={!revealed && props.alreadySet !== 'generated'}
            />{' '}
            I have stored this password in my password manager
          </label>
        </div>
      )}

      {form.mode === 'typed' && (
        <div className="panel">
          <label htmlFor="typed-password">Login password</label>
          <input
            id="typed-password"
            type="password"
            className="wide"
            autoComplete="new-password"
            value={form.typed}
            aria-describedby="typed-strength step-issues"
            onChange={(e) => {
              set({ typed: e.target.value });
            }}
          />
          <StrengthMeter id="typed-strength" password={form.typed} />
          <label htmlFor="typed-confirmation">Type it again</label>
          <input
            id="typed-confirmation"
            type="password"
            className="wide"
            autoComplete="new-password"
            value={form.confirmation}
            onChange={(e) => {
              set({ confirmation: e.target.value });
            }}
          />
          {props.alreadySet === 'typed' && form.typed === '' && (
            <p className="muted small">
              A typed password is already set for this setup. Leave both fields empty to keep it.
            </p>
          )}
        </div>
      )}
    </>
  );
}
