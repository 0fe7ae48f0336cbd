/**
 * Exit codes shared by every command (docs/cli.md). Commands that judge something (check-env, audit)
 * also use 1 for warnings and 2 for errors, as their help says. Kept in a module of their own (no imports)
 * so the CLI's fast path (--version, --help) can use them without loading anything else.
 */
export const ExitCode = {
  Ok: 0,
  Findings: 1,
  Errors: 2,
  Usage: 64,
  DataErr: 65,
  Unavailable: 69,
  Internal: 70,
  CantCreate: 73,
  /** A step the app ran failed; the operation is paused and can be retried, done by hand or rolled back. */
  StepFailed: 75,
} as const;
