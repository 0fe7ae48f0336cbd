/** `crucible-<deployment>-<YYYY-MM-DD>.csbackup`, or `crucible-all-<date>` for several (docs/backup-format.md §7). */
export function backupFileName(deploymentIds: readonly string[], at: Date): string {
  const date = at.toISOString().slice(0, 10);
  const who = deploymentIds.length === 1 ? (deploymentIds[0] ?? 'all') : 'all';
  return `crucible-${who}-${date}.csbackup`;
}

/** The recovery sheet beside it: same stem, `-recovery-sheet.html`. */
export function recoverySheetName(backupName: string): string {
  return backupName.replace(/\.csbackup$/, '') + '-recovery-sheet.html';
}
