import { CodeText } from './CodeText';

/** What an action ended with: a success message (a status) or its failure in words (an alert), styled alike everywhere. */
export function ActionOutcome({
  done,
  error,
  testId,
}: {
  done: string | null;
  error: string | null;
  /** `data-testid` of the success line (the failure line gets `<testId>-error`). */
  testId?: string;
}) {
  return (
    <>
      {done && (
        <p role="status" className="panel panel-ok" data-testid={testId}>
          <CodeText text={done} />
        </p>
      )}
      {error && (
        <p
          role="alert"
          className="panel panel-error"
          data-testid={testId === undefined ? undefined : `${testId}-error`}
        >
          <CodeText text={error} />
        </p>
      )}
    </>
  );
}
