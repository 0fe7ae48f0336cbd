import { stat } from 'node:fs/promises';
import type { StepFailureView } from '../../common/ipc/rotation.ipc';
import type { Redactor } from '../log/redact';
import type { PlannedCommand } from './commands';
import { readProbeReport } from '../verify/probe';

/**
 * Runs a step's commands in order and checks each outcome (issue 15, "every step the app runs has a
 * checked outcome"): a non-zero exit stops the step with a diagnosis in words and the last lines of the
 * command's output, redacted; a file is reported as written only if it exists and is not empty.
 */

/** What running one command gives back (a DeploymentHost's RunResult has this shape). */
export interface RanCommand {
  code: number;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

export interface CommandRun {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
  diagnosis: StepFailureView | null;
}

export interface RunStepDeps {
  /** Runs argv with the given stdin; streams stdout whole into `stdoutFile` when given (0600). */
  run(cmd: PlannedCommand, stdin: string | undefined): Promise<RanCommand>;
  /** The stdin a command reads (secrets, SQL), resolved only when it runs. */
  stdinFor(cmd: PlannedCommand): Promise<string | undefined>;
  /** Turns a failed command into words (host/diagnose.ts). */
  diagnose(argv: readonly string[], result: RanCommand): Omit<StepFailureView, 'exitCode'>;
  redactor: Redactor;
}

/** Lines of output kept for the admin: enough to see the error, not a log. */
const TAIL_LINES = 12;

/** The last lines of a command's output, with every known secret redacted. */
export function lastLines(text: string, redactor: Redactor, n = TAIL_LINES): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return redactor.redact(lines.slice(-n).join('\n'));
}

async function nonEmptyFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile() && s.size > 0,
    () => false,
  );
}

/**
 * Runs the commands; stops at the first that fails.
 * @returns every command run, and the failure of the last one (null when all succeeded)
 */
export async function runStepCommands(
  cmds: readonly PlannedCommand[],
  deps: RunStepDeps,
): Promise<{ runs: CommandRun[]; failure: StepFailureView | null }> {
  const runs: CommandRun[] = [];
  for (const cmd of cmds) {
    const stdin = await deps.stdinFor(cmd);
    const r = await deps.run(cmd, stdin);
    let diagnosis: StepFailureView | null = null;
    const probe = cmd.stdin?.kind === 'probe' ? judgeProbe(r) : null;
    if (probe) {
      // The service check: its own words (which checks failed), not docker's.
      runs.push({
        command: cmd.display,
        code: r.code,
        stdout: probe.lines.join('\n'),
        stderr: probe.failure ? lastLines(r.stderr, deps.redactor) : '',
        diagnosis: probe.failure,
      });
      if (probe.failure) return { runs, failure: probe.failure };
      continue;
    }
    if (r.code !== 0) {
      // Only the words and the status: the diagnosis is kept in the state, the output never is.
      const dg = deps.diagnose(cmd.argv, r);
      diagnosis = { kind: dg.kind, summary: dg.summary, hint: dg.hint, exitCode: r.code };
    } else if (cmd.stdoutFile && !(await nonEmptyFile(cmd.stdoutFile))) {
      // Exit 0 but nothing to keep: a dump or export that is empty is a failure, not a file.
      diagnosis = {
        kind: 'empty-output',
        summary: 'The command succeeded but printed nothing, so no file was written.',
        hint: 'Check that the service is running and the database holds data, then retry.',
        exitCode: 0,
      };
    }
    const stdout = cmd.stdoutFile
      ? diagnosis === null
        ? `(written to ${cmd.stdoutFile})`
        : '(no file was written)'
      : lastLines(r.stdout, deps.redactor);
    runs.push({ command: cmd.display, code: r.code, stdout, stderr: lastLines(r.stderr, deps.redactor), diagnosis });
    if (diagnosis) return { runs, failure: diagnosis };
  }
  return { runs, failure: null };
}

/**
 * The verification probe's outcome (verify/probe.ts): each check in a line; failed when any check failed
 * or the probe did not report (the api container is not running, docker failed).
 */
function judgeProbe(r: RanCommand): { lines: string[]; failure: StepFailureView | null } {
  const report = readProbeReport(r.stdout);
  if (report === null) {
    return {
      lines: [],
      failure: {
        kind: 'verification-not-run',
        summary: 'The check of the running service did not run: the api container did not answer.',
        hint: 'Check that the containers are up (docker compose ps) and look at docker compose logs api, then retry.',
        exitCode: r.code,
      },
    };
  }
  const lines = report.map((c) => `${c.ok ? '✓' : '✗'} ${c.check}: ${c.detail}`);
  const failed = report.filter((c) => !c.ok);
  if (failed.length === 0) return { lines, failure: null };
  return {
    lines,
    failure: {
      kind: 'verification-failed',
      summary: `The running service failed these checks: ${failed.map((c) => `${c.check} (${c.detail})`).join('; ')}.`,
      hint: 'Look at docker compose logs api; then retry the check, or roll back.',
      exitCode: r.code,
    },
  };
}
