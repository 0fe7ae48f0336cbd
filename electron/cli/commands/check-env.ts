import { basename } from 'node:path';
import { Environment } from '../../common/model/deployment';
import type { Finding } from '../../common/model/finding';
import { readEnvFile } from '../../core/envfile';
import { crucibleCeProfile } from '../../core/stack';
import { checkEnv, environmentOf, exitCodeFor } from '../../core/validation';
import { UsageError, writeJson, type Command } from '../command';

const MARK: Record<Finding['severity'], string> = { critical: '✗', error: '✗', warning: '!', info: '·' };

export const checkEnvCommand: Command = {
  name: 'check-env',
  summary: 'Check a .env against the Crucible CE rules (exit 0 clean, 1 warnings, 2 errors)',
  usage: `crucible-secrets check-env FILE [--environment production|staging|development] [--json]

Parses FILE the way docker compose v2 does, notes where python-dotenv (the dev api) reads it differently,
and checks it against Crucible's own validation rules for the environment plus the security guide's
stricter ones: missing and empty secrets, weak or default values, the "admin" password, a plain-text login
password, unquoted "$" that compose eats, one value reused by two secrets, localhost or http:// origins in
production, duplicated and unknown keys. Findings never contain a secret value.

--environment defaults to what the file's ROUNDTABLE_ENVIRONMENT says (production, staging, else development).

Exit codes: 0 no problems (notes only); 1 warnings; 2 errors; 65 the file cannot be read.`,
  options: { environment: { type: 'string', short: 'e' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one .env file');
    const file = positionals[0] ?? '';
    let environment: Environment | undefined;
    if (values.environment !== undefined) {
      const e = Environment.safeParse(values.environment);
      if (!e.success) throw new UsageError('--environment must be production, staging or development');
      environment = e.data;
    }
    const { doc } = await readEnvFile(file);
    const env = environment ?? environmentOf(doc);
    const findings = checkEnv(doc, { profile: crucibleCeProfile, environment: env, file: basename(file) });
    const code = exitCodeFor(findings);
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of findings) counts[f.severity === 'critical' ? 'error' : f.severity]++;
    if (values.json) {
      writeJson(io, { file: basename(file), environment: env, exitCode: code, counts, findings });
      return code;
    }
    for (const f of findings) {
      const where = f.line !== undefined ? `line ${f.line}` : 'file';
      io.stdout.write(`${MARK[f.severity]} ${f.severity.padEnd(7)} ${where.padEnd(9)} ${f.title}  [${f.code}]\n    ${f.message}\n    → ${f.howToFix}\n`);
    }
    io.stdout.write(`\n${basename(file)} as ${env}: ${counts.error} errors, ${counts.warning} warnings, ${counts.info} notes.\n`);
    return code;
  },
};
