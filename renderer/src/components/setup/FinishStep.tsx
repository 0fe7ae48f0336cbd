import type { CommitResult } from '../../../../electron/common/ipc/setup.ipc';
import { VerifyService } from './VerifyService';
import { href, route } from '../../router';
import { CommandBlock } from '../CommandBlock';
import { CodeText } from '../CodeText';

/** Step 9: how to apply it (`docker compose up -d`, never restart), what is left, and the first backup. */
export function FinishStep({ result }: { result: CommitResult }) {
  return (
    <>
      <p role="status" data-testid="setup-done">
        <span className="badge badge-ok">done</span> <strong>{result.deploymentName}</strong> is set up:{' '}
        {String(result.variables.length)} secrets are in the{' '}
        <span title={`Keychain entry: ${result.keychainService}`}>keychain</span> and in <code>{result.envFile}</code>.
        {result.previousEnvKeptAs && (
          <>
            {' '}
            The previous file is kept as <code>{result.previousEnvKeptAs}</code>.
          </>
        )}
      </p>
      <h3>Apply it</h3>
      <p className="muted" data-testid="recorded-compose-files">
        It runs with {result.composeFiles.join(', ')}: the audit, rotation and the front door read these files.
      </p>
      <ol className="commands">
        {result.commands.map((c) => (
          <li key={c.command}>
            <CommandBlock commands={[c.command]} label={`Command: ${c.why.replaceAll('`', '')}`} />
            <span className="muted small">
              <CodeText text={c.why} />
            </span>
          </li>
        ))}
      </ol>
      <VerifyService deploymentId={result.deploymentId} />
      <h3>Checklist</h3>
      <ul className="checklist">
        {result.checklist.map((c) => (
          <li key={c.id} data-done={c.done}>
            <span className={`badge badge-${c.done ? 'ok' : 'warn'}`}>{c.done ? 'done' : 'to do'}</span> {c.text}
          </li>
        ))}
      </ul>
      <div className="step-actions">
        <a className="button primary" href={href(route.backup())}>
          Make the first encrypted backup
        </a>
        <a className="button" href={href(route.secrets(result.deploymentId))}>
          Open the secrets of {result.deploymentName}
        </a>
      </div>
    </>
  );
}
