import type { Command } from '../command';
import { ExitCode, UsageError, writeJson } from '../command';
import { deploymentForFolder } from '../../core/inventory/inventory';
import { verifyDeployment } from '../../core/verify/verify-deployment';
import { readStdinLine } from './secret-input';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Check the running service of a deployment where it runs (after docker compose up -d)',
  usage: `crucible-secrets verify DIR|ssh://… [--login-password-stdin] [--json]

Runs a small check inside the api container, where the deployment runs (over SSH for a server): GET
/api/health answers (waiting up to a minute while containers start) and Redis is connected. With
--login-password-stdin (the admin's login password, used once for this check, never stored) it also logs
in and reads every stored provider key back through the API (they decrypt with the current key).`,
  exitCodes: {
    0: 'every check passed',
    1: 'a check failed (the report says which)',
    65: 'not a registered deployment',
  },
  options: { 'login-password-stdin': { type: 'boolean' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [dir] = positionals;
    if (dir === undefined || positionals.length > 1)
      throw new UsageError('give exactly one deployment folder or ssh:// location');
    const core = io.core();
    const d = await deploymentForFolder(await core.store.read(), dir);
    const loginPassword = values['login-password-stdin'] ? await readStdinLine(io) : undefined;
    const r = await verifyDeployment(
      { openHost: (l) => core.openHost(l), redactor: core.logger.redactor },
      d,
      loginPassword === undefined ? {} : { loginPassword },
    );
    if (values.json) writeJson(io, r);
    else {
      for (const c of r.results) io.stdout.write(`${c.ok ? '✓' : '✗'} ${c.check}: ${c.detail}\n`);
      if (r.problem) io.stderr.write(`The check could not run: ${r.problem.summary}\n  ${r.problem.hint}\n`);
      io.stdout.write(
        r.ok ? 'The service is running and answers as it should.\n' : '\nThe service needs attention (see above).\n',
      );
    }
    return r.ok ? ExitCode.Ok : ExitCode.Findings;
  },
};
