import { useState } from 'react';
import { getApi } from '../api';
import { useAction } from '../hooks';

/**
 * Shell commands as shown to people: one monospace box (wrapping long lines inside it) with a Copy button.
 * Main copies the text (the window has no clipboard permission) and refuses one that holds a secret.
 */
export function CommandBlock({ commands, label }: { commands: readonly string[]; label: string }) {
  const text = commands.join('\n');
  const { busy, error, run } = useAction(text);
  const [copied, setCopied] = useState(false);
  if (commands.length === 0) return null;
  const copy = () =>
    void run(async () => {
      setCopied(false);
      const r = await getApi().app.copyCommand({ text });
      setCopied(r.copied);
    });
  return (
    <div className="command-box">
      <pre className="code-block command-text" tabIndex={0} aria-label={label}>
        {text}
      </pre>
      <div className="command-actions">
        <button type="button" className="small" disabled={busy} onClick={copy} aria-label={`Copy: ${label}`}>
          Copy
        </button>
        <span role="status" aria-live="polite" className={error ? 'command-copy-error' : 'muted'}>
          {error ?? (copied ? 'Copied.' : '')}
        </span>
      </div>
    </div>
  );
}
