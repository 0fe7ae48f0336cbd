import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { Environment } from '../../common/model/deployment';
import type { Finding } from '../../common/model/finding';
import { parseEnv } from '../../core/envfile';
import { readBoundedText } from '../../core/fs/read-bounded';
import { environmentOf } from '../../core/validation';
import { ExitCode, UsageError, writeJson, type CliIO, type Command } from '../command';
import { deploymentForFolder } from '../../core/inventory/inventory';
import type { AuditResult } from '../../core/audit/types';
import { fixArgs, fixCommand, runFix } from './audit-fix';
import { cliText } from '../cli-text';

const MARK: Record<Finding['severity'], string> = { critical: '✗', error: '✗', warning: '!', info: '·' };

/**
 * The exit code a pipeline sees: with --fail-on error only errors and criticals fail (2); with
 * --fail-on warning warnings fail too (1); without --fail-on the check-env convention (0 clean, 1 warnings,
 * 2 errors). Informational findings never fail.
 */
export function auditExitCode(findings: readonly Finding[], failOn: 'warning' | 'error' | undefined): number {
  const errors = findings.some((f) => f.severity === 'error' || f.severity === 'critical');
  const warnings = findings.some((f) => f.severity === 'warning');
  if (errors) return ExitCode.Errors;
  if (warnings && failOn !== 'error') return ExitCode.Findings;
  return ExitCode.Ok;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Audit a Crucible deployment folder: .env, compose files, git and file modes (exit reflects findings)',
  usage: `crucible-secrets audit DIR [--environment production|staging|development] [-f FILE]... [--json] [--fail-on warning|error]
       crucible-secrets audit DIR --fix ID --preview | --apply [--expect TOKEN] [--json]

Reads DIR's .env and compose files (docker-compose.yml plus docker-compose.override.yml, or the -f files,
or COMPOSE_FILE from .env), merges them as docker compose does and reports: databases or Redis published
beyond 127.0.0.1, network_mode host, ports on every interface, compose entries that override .env (the
hard-coded CORS origin), secrets on command lines and in healthchecks, a mounted .env, unpinned images,
.env not git-ignored or tracked by git, .env or its backups readable by others, a secret reused by another
registered deployment, Crucible's known issues, and everything check-env reports. Findings never contain a
secret value. If DIR is a registered deployment its environment and compose files are used.

--environment defaults to the registered deployment's, else to what .env's ROUNDTABLE_ENVIRONMENT says.
--fail-on error   exit 2 on errors or criticals, else 0 (warnings do not fail the pipeline)
--fail-on warning exit 1 on warnings, 2 on errors or criticals
Without --fail-on: 0 clean (notes only), 1 warnings, 2 errors.

Safe fixes (a finding that has one prints the command): DIR must be a registered deployment.
--fix ID --preview          show the change (a diff, or the mode change) and the token that names it
--fix ID --apply            make the change planned now (it is printed), keep the previous file, audit again
--fix ID --apply --expect TOKEN   make it only if it is still exactly the previewed change
A fix is applied only when a fresh audit still offers it; with --fix the exit code is 0 when the
preview or the change succeeded.`,
  exitCodes: {
    0: 'clean (notes only), or only warnings with --fail-on error; with --fix: previewed or applied',
    1: 'warnings',
    2: 'errors or criticals',
    65: 'DIR cannot be read; with --fix: the fix is not offered (any more), the file changed since the preview, or DIR is not registered',
  },
  options: {
    environment: { type: 'string', short: 'e' },
    file: { type: 'string', short: 'f', multiple: true },
    json: { type: 'boolean' },
    'fail-on': { type: 'string' },
    fix: { type: 'string' },
    preview: { type: 'boolean' },
    apply: { type: 'boolean' },
    expect: { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one deployment folder');
    const failOn = values['fail-on'] as string | undefined;
    if (failOn !== undefined && failOn !== 'warning' && failOn !== 'error')
      throw new UsageError('--fail-on must be warning or error');
    const fix = fixArgs(values);
    let environment: Environment | undefined;
    if (values.environment !== undefined) {
      const e = Environment.safeParse(values.environment);
      if (!e.success) throw new UsageError('--environment must be production, staging or development');
      environment = e.data;
    }
    const input = positionals[0] ?? '';
    const core = io.core();
    if (input.startsWith('ssh://'))
      return auditOnServer(io, input, { environment, failOn, json: values.json === true, fix: fix !== null });
    const folder = resolve(input);
    const st = await stat(folder).catch(() => null);
    if (!st?.isDirectory())
      throw new AppError('AUDIT_FOLDER_UNREADABLE', `${basename(folder)} is not a folder that can be read.`);
    const registered = (await core.store.read()).deployments.find(
      (d) => !d.folder.startsWith('ssh://') && resolve(d.folder) === folder,
    );
    if (fix) return runFix(io, folder, registered, fix);
    // Bounded and type-checked: a FIFO, a link to /dev/zero or a huge file as .env is refused (exit 65), not read.
    const envText = await readBoundedText(resolve(folder, '.env'), 'env').catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'FILE_NOT_FOUND') return null;
      throw e;
    });
    const files = (values.file as string[] | undefined) ?? registered?.composeFiles ?? [];
    const target = {
      id: registered?.id ?? 'cli',
      name: registered?.name ?? basename(folder),
      folder,
      composeFiles: files,
      environment:
        environment ?? registered?.environment ?? (envText === null ? 'development' : environmentOf(parseEnv(envText))),
    };
    return printAudit(io, folder, target, await core.audit.auditTarget(target), { failOn, json: values.json === true });
  },
};

/**
 * `audit ssh://…`: a registered deployment on a server, audited where it runs (its files, modes and git read
 * there over SSH). Fixes are applied to deployments on this computer only, for now.
 */
async function auditOnServer(
  io: CliIO,
  input: string,
  o: { environment: Environment | undefined; failOn: string | undefined; json: boolean; fix: boolean },
): Promise<number> {
  if (o.fix)
    throw new UsageError(
      '--fix applies to a deployment on this computer; on a server, apply the change the finding describes there.',
    );
  const core = io.core();
  const d = await deploymentForFolder(await core.store.read(), input);
  const target = {
    id: d.id,
    name: d.name,
    folder: d.folder,
    composeFiles: d.composeFiles,
    environment: o.environment ?? d.environment,
  };
  return printAudit(io, d.folder, target, await core.audit.auditTarget(target), { failOn: o.failOn, json: o.json });
}

function printAudit(
  io: CliIO,
  folder: string,
  target: { name: string; environment: Environment },
  result: AuditResult,
  o: { failOn: string | undefined; json: boolean },
): number {
  const failOn = o.failOn as 'warning' | 'error' | undefined;
  const code = auditExitCode(result.findings, failOn);
  if (o.json) {
    writeJson(io, {
      folder,
      environment: target.environment,
      files: result.files,
      checkedAt: result.checkedAt,
      exitCode: code,
      counts: result.counts,
      findings: result.findings,
    });
    return code;
  }
  for (const f of result.findings) {
    const where = [f.service, f.file ? `${f.file}${f.line ? `:${String(f.line)}` : ''}` : ''].filter(Boolean).join(' ');
    io.stdout.write(
      `${MARK[f.severity]} ${f.severity.padEnd(8)} ${cliText(f.title)}  [${f.code}]${where ? `  (${where})` : ''}\n    ${cliText(f.message)}\n${f.evidence ? `    evidence: ${f.evidence}\n` : ''}    → ${cliText(f.howToFix)}\n${f.fixId && !folder.startsWith('ssh://') ? `    fix: ${fixCommand(folder, f.fixId)}\n` : ''}`,
    );
  }
  const c = result.counts;
  io.stdout.write(
    `\n${target.name} (${target.environment}; ${result.files.join(', ')}): ${String(c.critical)} critical, ${String(c.error)} errors, ${String(c.warning)} warnings, ${String(c.info)} notes.\n`,
  );
  return code;
}
