import { useState } from 'react';
import type { GeneratedFile } from '../../../../electron/common/ipc/proxy.ipc';
import { useAction } from '../../hooks';

interface Props {
  file: GeneratedFile;
  /** Copies through main (the renderer never touches the clipboard itself). */
  onCopy: () => Promise<unknown>;
  /** Saves through a save dialog opened by main; resolves to the saved file's name, or null when cancelled. */
  onSave: () => Promise<string | null>;
}

/** A generated file with its text and Copy / Save buttons. */
export function GeneratedFileView({ file, onCopy, onSave }: Props) {
  const [status, setStatus] = useState<string>('');
  const { busy, error, run: act } = useAction();
  const run = (action: () => Promise<string>) => {
    void act(action).then((done) => {
      if (done !== undefined) setStatus(done);
    });
  };
  const titleId = `file-${file.id}`;
  return (
    <section className="panel generated-file" aria-labelledby={titleId} data-testid={`generated-${file.id}`}>
      <h3 id={titleId}>
        <code>{file.name}</code>
      </h3>
      <p className="muted">{file.description}</p>
      <div className="button-row">
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            run(() => onCopy().then(() => `${file.name} copied to the clipboard.`));
          }}
        >
          Copy {file.name}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            run(() => onSave().then((n) => (n === null ? 'Not saved.' : `Saved as ${n}.`)));
          }}
        >
          Save {file.name}…
        </button>
        <span role="status" aria-live="polite" className="muted">
          {error ?? status}
        </span>
      </div>
      <pre className="code-block" tabIndex={0} aria-label={`Contents of ${file.name}`}>
        {file.content}
      </pre>
    </section>
  );
}
