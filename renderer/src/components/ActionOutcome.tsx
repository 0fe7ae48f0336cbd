/** What an action ended with: a success message (a status) or its failure in words (an alert), styled alike everywhere. */
export function ActionOutcome({ done, error }: { done: string | null; error: string | null }) {
  return (
    <>
      {done && (
        <p role="status" className="panel panel-ok">
          {done}
        </p>
      )}
      {error && (
        <p role="alert" className="panel panel-error">
          {error}
        </p>
      )}
    </>
  );
}
