/** The journal keeps at most 200 names per entry: the first 200 (sorted) and the full count. */
export const JOURNAL_MAX_NAMES = 200;

export function journalNames(names: readonly string[]): { secrets: string[]; secretCount: number } {
  return { secrets: [...names].sort().slice(0, JOURNAL_MAX_NAMES), secretCount: names.length };
}
