import { AppError } from '../../common/errors';
import type { DeploymentRef } from '../../common/model/deployment';
import { shQuote } from '../../core/incident/commands';
import { ExitCode, UsageError, writeJson, type CliIO } from '../command';

/**
 * `audit DIR --fix ID --preview|--apply`: the Audit page's safe fixes from the command line. A fix is only
 * applied if a fresh audit of the registered deployment offers it again (core/audit/audit.service.ts);
 * --apply without --expect applies the change planned now and prints it; with --expect TOKEN (printed by
 * --preview) it refuses anything but the change that was previewed.
 */

/** The command that previews a fix, as audit output prints it next to a finding. */
export function fixCommand(folder: string, fixId: string): string {
  return `crucible-secrets audit ${shQuote(folder)} --fix ${shQuote(fixId)} --preview`;
}

export interface FixArgs {
  fixId: string;
  mode: 'preview' | 'apply';
  expect: string | undefined;
  json: boolean;
}

/** Validates the --fix options. @throws UsageError */
export function fixArgs(values: Record<string, unknown>): FixArgs | null {
  const fixId = values.fix;
  const preview = values.preview === true;
  const apply = values.apply === true;
  const expect = typeof values.expect === 'string' ? values.expect : undefined;
  if (fixId === undefined) {
    if (preview || apply || expect !== undefined)
      throw new UsageError('--preview, --apply and --expect go with --fix ID.');
    return null;
  }
  if (typeof fixId !== 'string' || fixId === '')
    throw new UsageError('--fix needs the fix id the audit prints next to the finding.');
  if (preview === apply) throw new UsageError('say --preview (show the change) or --apply (make it), one of them.');
  if (expect !== undefined && !apply) throw new UsageError('--expect goes with --apply.');
  return { fixId, mode: apply ? 'apply' : 'preview', expect, json: values.json === true };
}

/**
 * Previews or applies one fix for a registered deployment.
 * @throws AppError AUDIT_NOT_REGISTERED, FIX_NOT_OFFERED, FIX_STALE, FS_*
 */
export async function runFix(
  io: CliIO,
  folder: string,
  registered: DeploymentRef | undefined,
  args: FixArgs,
): Promise<number> {
  if (!registered) {
    throw new AppError(
      'AUDIT_NOT_REGISTERED',
      `${folder} is not a deployment set up with this app, so no fix is applied to it. Register it first with \`crucible-secrets init ${shQuote(folder)} …\` (an existing .env is imported, not regenerated).`,
    );
  }
  const audit = io.core().audit;
  const preview = await audit.previewFix(registered.id, args.fixId);
  if (args.mode === 'preview') {
    if (args.json) writeJson(io, preview);
    else {
      io.stdout.write(`${preview.title} (${preview.file}):\n\n${preview.diff}\n`);
      io.stdout.write(
        `\nApply exactly this change:\n  crucible-secrets audit ${shQuote(folder)} --fix ${shQuote(args.fixId)} --apply --expect ${preview.token}\n`,
      );
    }
    return ExitCode.Ok;
  }
  const { applied, audit: after } = await audit.applyFix(registered.id, args.fixId, args.expect ?? preview.token);
  if (args.json) writeJson(io, { applied, counts: after.counts, findings: after.findings });
  else {
    if (args.expect === undefined) io.stdout.write(`${preview.title} (${preview.file}):\n\n${preview.diff}\n\n`);
    io.stdout.write(
      `Applied to ${applied.file}${applied.backupPath ? `; the previous version is kept as ${applied.backupPath}` : ''}.\n`,
    );
    const c = after.counts;
    io.stdout.write(
      `Audited again: ${String(c.critical)} critical, ${String(c.error)} errors, ${String(c.warning)} warnings, ${String(c.info)} notes.\n`,
    );
  }
  return ExitCode.Ok;
}
