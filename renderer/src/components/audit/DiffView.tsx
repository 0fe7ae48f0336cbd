/** A unified diff, one line per row, additions and removals marked by class and by their +/- sign. */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  const lines = diff.split('\n').filter((l, i, all) => !(i === all.length - 1 && l === ''));
  return (
    <pre className="code-block diff" aria-label={label} tabIndex={0} data-testid="fix-diff">
      {lines.map((l, i) => {
        const cls =
          l.startsWith('+++') || l.startsWith('---')
            ? 'diff-head'
            : l.startsWith('+')
              ? 'diff-add'
              : l.startsWith('-')
                ? 'diff-del'
                : l.startsWith('@@')
                  ? 'diff-hunk'
                  : '';
        return (
          <span key={i} className={cls}>
            {l}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}
