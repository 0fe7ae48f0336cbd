import { composeCommandLine } from '../../../../electron/common/compose-file-names';
import { useEffect, useRef } from 'react';
import type { FixPreview } from '../../../../electron/common/ipc/audit.ipc';
import { DiffView } from './DiffView';
import { CommandBlock } from '../CommandBlock';

/** The diff of a fix, shown before anything is written; Apply writes exactly this change. */
export function FixPreviewPanel({
  preview,
  onApply,
  onCancel,
  busy,
  error,
  composeFiles = [],
}: {
  preview: FixPreview;
  /** The deployment's recorded compose files: the command carries their `-f` flags. */
  composeFiles?: readonly string[];
  onApply: () => void;
  onCancel: () => void;
  busy: boolean;
  error: string | null;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [preview.token]);
  return (
    <section className="panel fix-preview" aria-labelledby="fix-preview-title" data-testid="fix-preview">
      <h2 id="fix-preview-title" tabIndex={-1} ref={heading}>
        Preview: {preview.title}
      </h2>
      <p className="muted">
        {preview.kind === 'edit'
          ? `Changes to ${preview.file} (the previous version is kept in the app's own folder, where git cannot pick it up):`
          : `Permission change on ${preview.file}:`}
      </p>
      <DiffView diff={preview.diff} label={`Changes to ${preview.file}`} />
      {error && (
        <p role="alert" className="panel panel-error">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="button" className="primary" onClick={onApply} disabled={busy} data-testid="apply-fix">
          {busy ? 'Applying…' : 'Apply this change'}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
      {/* A mode change or a .gitignore line changes nothing the containers read. */}
      {preview.kind === 'edit' && !preview.file.endsWith('.gitignore') && (
        <>
          <p className="muted">
            After applying, recreate the affected containers from the deployment folder (a restart does not pick up
            compose or <code>.env</code> changes):
          </p>
          <CommandBlock
            commands={[composeCommandLine(composeFiles, ['up', '-d'])]}
            label="Command that recreates the containers"
          />
        </>
      )}
    </section>
  );
}
