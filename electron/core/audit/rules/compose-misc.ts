import { join } from 'node:path';
import type { Finding, Severity } from '../../../common/model/finding';
import { referencedVariables } from '../../compose/interpolate';
import type { ComposeArgv, ComposeService } from '../../compose/model';
import type { AuditContext, AuditRule } from '../types';
import { fixIds } from '../fix-ids';

/** Command lines, healthchecks, mounts, images and what compose itself would reject. */

const SECRET_FLAGS = /^(--requirepass|--masterauth|--pass(word)?|--token|--secret|--api-key)$/i;
/** redis-cli's `-a`; case matters (`celery -A app` is not a password). */
const SHORT_SECRET_FLAGS = new Set(['-a']);
const SECRET_ASSIGN = /^(--?(requirepass|masterauth|pass(word)?|token|secret|api-key))=(.+)$/i;

function words(argv: ComposeArgv): string[] {
  return argv.form === 'list' ? argv.raw : (argv.raw[0] ?? '').split(/\s+/).filter((w) => w !== '');
}

function secretRefs(ctx: AuditContext, argv: ComposeArgv): string[] {
  return [...new Set(argv.raw.flatMap((w) => referencedVariables(w)).filter((v) => ctx.secretVariables.has(v)))];
}

/** Literal values after a password flag (`--requirepass hunter2`): counted, never quoted. */
function literalSecretCount(argv: ComposeArgv): number {
  const w = words(argv);
  let n = 0;
  for (let i = 0; i < w.length; i++) {
    const cur = w[i] ?? '';
    const assigned = SECRET_ASSIGN.exec(cur)?.[4];
    if (assigned !== undefined && referencedVariables(assigned).length === 0 && !assigned.startsWith('$')) n++;
    if (SECRET_FLAGS.test(cur) || SHORT_SECRET_FLAGS.has(cur)) {
      const next = w[i + 1];
      if (
        next !== undefined &&
        next !== '' &&
        !next.startsWith('-') &&
        referencedVariables(next).length === 0 &&
        !next.startsWith('$')
      )
        n++;
    }
  }
  return n;
}

function argvRule(
  code: string,
  field: 'command' | 'entrypoint' | 'healthcheck',
  label: string,
): (ctx: AuditContext) => Finding[] {
  return (ctx) => {
    const out: Finding[] = [];
    for (const svc of ctx.compose?.services ?? []) {
      const argv = svc[field];
      if (!argv) continue;
      const refs = secretRefs(ctx, argv);
      const literals = literalSecretCount(argv);
      if (refs.length === 0 && literals === 0) continue;
      const where = `${argv.source.file}:${argv.source.line}`;
      const parts = [
        refs.length > 0 ? `references ${refs.join(', ')}` : '',
        literals > 0 ? `${String(literals)} literal password argument(s), not shown` : '',
      ].filter((s) => s !== '');
      out.push({
        code,
        severity: literals > 0 ? 'error' : 'warning',
        title: `${svc.name}: secret on the ${label}`,
        message: `The ${label} of ${svc.name} carries a secret. Anyone who can run docker inspect or ps on the host can read it, and it is stored in the container's configuration${literals > 0 ? '; a literal value is also readable by everyone who can read the compose file' : ''}.`,
        howToFix:
          field === 'healthcheck'
            ? 'Pass the secret through the environment instead (for redis-cli: REDISCLI_AUTH, e.g. test: ["CMD-SHELL", "REDISCLI_AUTH=\\"$$REDIS_PASSWORD\\" redis-cli ping"] with REDIS_PASSWORD in the environment).'
            : 'Prefer a configuration file or an environment variable read by the process (for redis: a mounted redis.conf with requirepass, mode 600) over a command-line argument. Limit who can use docker on the host.',
        service: svc.name,
        variable: refs[0],
        file: argv.source.file,
        line: argv.source.line,
        evidence: `${field} in ${where} ${parts.join('; ')}`,
      });
    }
    return out;
  };
}

export const secretOnCommandLineRule: AuditRule = {
  code: 'COMPOSE_SECRET_ON_COMMAND_LINE',
  group: 'compose',
  severity: 'warning',
  title: 'Secret on a command line',
  run: (ctx) => [
    ...argvRule('COMPOSE_SECRET_ON_COMMAND_LINE', 'command', 'command line')(ctx),
    ...argvRule('COMPOSE_SECRET_ON_COMMAND_LINE', 'entrypoint', 'entrypoint')(ctx),
  ],
};

export const secretInHealthcheckRule: AuditRule = {
  code: 'COMPOSE_SECRET_IN_HEALTHCHECK',
  group: 'compose',
  severity: 'warning',
  title: 'Secret in a healthcheck',
  run: argvRule('COMPOSE_SECRET_IN_HEALTHCHECK', 'healthcheck', 'healthcheck command'),
};

export const envFileMountedRule: AuditRule = {
  code: 'COMPOSE_ENV_FILE_MOUNTED',
  group: 'compose',
  severity: 'warning',
  title: '.env mounted into a container',
  run: (ctx) => {
    const out: Finding[] = [];
    const envPath = join(ctx.target.folder, '.env');
    for (const svc of ctx.compose?.services ?? []) {
      for (const v of svc.volumes) {
        if (v.type !== 'bind' || v.hostSource === null) continue;
        const whole = v.hostSource === ctx.target.folder || v.hostSource === `${ctx.target.folder}/`;
        if (v.hostSource !== envPath && !whole) continue;
        // Read-only, it is how docker-compose.yml feeds Crucible's settings (config.py reads /app/.env): a note,
        // under its own code, since the fix for the writable mount leaves exactly this.
        const severity: Severity = v.readOnly ? 'info' : 'error';
        out.push({
          code: v.readOnly ? 'COMPOSE_ENV_FILE_MOUNTED_READONLY' : 'COMPOSE_ENV_FILE_MOUNTED',
          severity,
          title: `${svc.name} mounts ${whole ? 'the whole deployment folder (with .env)' : '.env'}${v.readOnly ? ' read-only' : ' read-write'}`,
          message: `Every secret in .env is readable inside ${svc.name}, including the ones it does not need${v.readOnly ? '' : '; the mount is writable and the container runs as root, so a compromised container can change the host .env'}. If .env is missing when the container is created, docker creates a directory named .env instead.`,
          howToFix:
            'Pass only the variables the service needs through environment: entries and remove the mount; if the mount must stay, add :ro.',
          service: svc.name,
          file: v.source.file,
          line: v.source.line,
          evidence: `volume ${v.raw.includes('${') ? v.raw : `${whole ? '<deployment folder>' : './.env'} → ${v.target}${v.readOnly ? ' (ro)' : ' (rw)'}`} in ${v.source.file}:${v.source.line}`,
          // Crucible's api reads /app/.env and never writes it: read-only costs nothing (docs/crucible.md).
          ...(v.readOnly || whole ? {} : { fixId: fixIds.mountReadOnly(v.source.file, svc.name, v.index) }),
        });
      }
    }
    return out;
  },
};

function imageIssue(image: string): 'untagged' | 'latest' | null {
  if (image.includes('@sha256:')) return null;
  const last = image.split('/').pop() ?? image;
  if (!last.includes(':')) return 'untagged';
  return last.endsWith(':latest') ? 'latest' : null;
}

export const unpinnedImageRule: AuditRule = {
  code: 'COMPOSE_IMAGE_UNPINNED',
  group: 'compose',
  severity: 'warning',
  title: 'Image without a pinned tag',
  run: (ctx) =>
    (ctx.compose?.services ?? []).flatMap((svc: ComposeService): Finding[] => {
      const img = svc.image;
      if (!img) return [];
      const issue = imageIssue(img.value);
      if (issue === null) return [];
      return [
        {
          code: 'COMPOSE_IMAGE_UNPINNED',
          severity: 'warning',
          title: `${svc.name}: image ${issue === 'latest' ? 'tagged latest' : 'has no tag'}`,
          message: `${svc.name} runs whatever ${img.value.split(':')[0] ?? img.value} is newest when it is pulled, so an update (or a compromised registry) changes what runs without anyone deciding it, and a rollback has no version to go back to.`,
          howToFix:
            'Pin a release tag (e.g. :1.4.2) or better a digest (@sha256:...), and update it deliberately after reading the release notes.',
          service: svc.name,
          file: img.source.file,
          line: img.source.line,
          evidence: `image: ${img.raw} in ${img.source.file}:${img.source.line}`,
        },
      ];
    }),
};

const PROBLEM_SEVERITY: Record<string, Severity> = {
  COMPOSE_BAD_PORT: 'error',
  COMPOSE_BAD_INTERPOLATION: 'error',
  COMPOSE_REQUIRED_VARIABLE_MISSING: 'error',
  COMPOSE_UNSUPPORTED: 'info',
};

export const composeProblemsRule: AuditRule = {
  code: 'COMPOSE_INVALID',
  group: 'compose',
  severity: 'error',
  title: 'Compose files that compose would reject',
  run: (ctx) => {
    const out: Finding[] = [];
    if (ctx.composeError) {
      const line = /line (\d+)/.exec(ctx.composeError.message)?.[1];
      out.push({
        code: ctx.composeError.code,
        severity: 'error',
        title: ctx.composeError.code === 'COMPOSE_NOT_FOUND' ? 'Compose file not found' : 'Compose file cannot be read',
        message: `${ctx.composeError.message} The compose checks were skipped.`,
        howToFix:
          ctx.composeError.code === 'COMPOSE_NOT_FOUND'
            ? 'Check the deployment folder and its compose file list.'
            : 'Fix the file at the line shown (docker compose config shows the same error), then audit again.',
        file: /^(\S+)/.exec(ctx.composeError.message)?.[1],
        line: line === undefined ? undefined : Number(line),
        evidence: ctx.composeError.message,
      });
    }
    for (const p of ctx.compose?.problems ?? []) {
      if (p.code === 'COMPOSE_VARIABLE_NOT_SET') {
        const secret = p.variable !== undefined && ctx.requiredVariables.has(p.variable);
        out.push({
          code: 'COMPOSE_VARIABLE_NOT_SET',
          severity: secret ? 'error' : 'info',
          title: `${p.variable ?? 'A variable'} is not set`,
          message: `${p.message}${secret ? ' The service will start with an empty secret or fail.' : ''}`,
          howToFix:
            p.variable === undefined
              ? 'If the "$" is meant literally, write $$; otherwise write ${NAME} and set NAME in .env.'
              : `Set ${p.variable} in .env${secret ? ' (generate it with the app)' : ', or leave it unset if you do not use it'}.`,
          variable: p.variable,
          service: p.service,
          file: p.source.file,
          line: p.source.line,
          evidence: `${p.variable !== undefined ? `\${${p.variable}}` : 'A "$" reference'} first used in ${p.source.file}:${p.source.line}; .env has no value`,
        });
        continue;
      }
      out.push({
        code: p.code,
        severity: PROBLEM_SEVERITY[p.code] ?? 'error',
        title:
          p.code === 'COMPOSE_BAD_PORT'
            ? `${p.service ?? ''}: invalid ports entry`
            : p.code === 'COMPOSE_REQUIRED_VARIABLE_MISSING'
              ? `${p.variable ?? ''} is required`
              : 'Invalid interpolation',
        message: p.message,
        howToFix:
          p.code === 'COMPOSE_REQUIRED_VARIABLE_MISSING'
            ? `Set ${p.variable ?? 'the variable'} in .env.`
            : 'Correct the entry; docker compose config shows the same error.',
        variable: p.variable,
        service: p.service,
        file: p.source.file,
        line: p.source.line,
        evidence: `${p.source.file}:${p.source.line}`,
      });
    }
    return out;
  },
};
