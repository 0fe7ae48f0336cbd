import type { Finding } from '../../../common/model/finding';
import { composeFileFlags } from '../../compose/file-names';
import type { AuditContext, AuditRule } from '../types';

const CODE = 'COMPOSE_FILE_NOT_RECORDED';
const TITLE = 'COMPOSE_FILE in .env names other compose files than the deployment is recorded with';

/** COMPOSE_FILE's list as compose splits it (COMPOSE_PATH_SEPARATOR, default `:`, `;` on Windows). */
function namedByEnv(ctx: AuditContext, value: string): string[] {
  const sep = ctx.env.values.get('COMPOSE_PATH_SEPARATOR') ?? (ctx.platform === 'win32' ? ';' : ':');
  return value
    .split(sep)
    .map((s) => s.trim().replace(/^\.\//, ''))
    .filter((s) => s !== '');
}

/**
 * The record and `COMPOSE_FILE` disagree. The audit, rotation and the front door read the recorded files,
 * and for a recorded default set the app's commands carry no `-f` (compose reads those by itself): unless
 * `.env` sets COMPOSE_FILE, which compose then reads instead. So the commands would act on other files than
 * the ones checked. With `-f` in the commands (a recorded prod file) compose ignores COMPOSE_FILE: no finding.
 */
export const composeFileRecordRule: AuditRule = {
  code: CODE,
  group: 'compose',
  severity: 'warning',
  title: TITLE,
  run(ctx): Finding[] {
    const recorded = ctx.target.composeFiles;
    const value = ctx.env.values.get('COMPOSE_FILE');
    if (recorded.length === 0 || value === undefined || composeFileFlags(recorded).length > 0) return [];
    const named = namedByEnv(ctx, value);
    const same = named.length === recorded.length && named.every((n, i) => n === recorded[i]);
    if (named.length === 0 || same) return [];
    const list = named.join(', ').slice(0, 300);
    return [
      {
        code: CODE,
        severity: 'warning',
        title: TITLE,
        message: `.env sets COMPOSE_FILE (${list}), which docker compose reads when no -f is given, while this deployment is recorded as running ${recorded.join(', ')}. The audit, rotation and the front door check the recorded files; the commands the app runs or prints, which carry no -f for them, would act on the others.`,
        howToFix: `Record the files compose really runs (\`crucible-secrets compose-files DIR ${named.join(' ').slice(0, 300)}\`, or “Change…” beside the compose files on the Dashboard), or remove COMPOSE_FILE from .env.`,
        file: ctx.env.file,
        variable: 'COMPOSE_FILE',
        evidence: `COMPOSE_FILE names ${list}; recorded: ${recorded.join(', ')}`,
      },
    ];
  },
};
