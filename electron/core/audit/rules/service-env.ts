import type { Finding } from '../../../common/model/finding';
import type { ComposeProject } from '../../compose/model';
import {
  reachesAProgram,
  receivers,
  serviceProcessEnvironment,
  type Receipt,
  type ServiceProcessEnvironment,
} from '../../compose/service-env';
import type { MountedEnvReader } from '../../stack/profile';
import { findVariable } from '../../stack/profile-lookup';
import type { AuditContext, AuditRule } from '../types';

/**
 * What each container really receives (compose/service-env.ts) judged against the stack profile
 * (docs/crucible.md, "What each compose file passes"):
 * - a `.env` variable that reaches no program (ENV_NO_EFFECT, the same code check-env uses for variables no
 *   code reads: one code for "setting this changes nothing");
 * - a production `.env` whose api would still start in local mode (COMPOSE_API_NOT_PRODUCTION);
 * - a secret handed to a service that does not read it (COMPOSE_ENV_NOT_NEEDED).
 */

const DOC = 'docs/crucible.md#what-each-compose-file-passes';
const API = 'api';
const MODE = 'ROUNDTABLE_ENVIRONMENT';
/** What production needs the api to see, beyond the mode itself (facts §14.1). */
const PRODUCTION_SETTINGS = [
  'ROUNDTABLE_FRONTEND_URL',
  'ROUNDTABLE_ENABLE_RATE_LIMITING',
  'ROUNDTABLE_LLM_RATE_LIMIT_TPM',
  'ROUNDTABLE_LLM_RATE_LIMIT_WINDOW_SECONDS',
];

/** The files the profile's programs read when mounted (config.py's `/app/.env`). */
function readersOf(ctx: AuditContext): MountedEnvReader[] {
  return ctx.profile.mountedEnvReaders ?? [];
}

/** Receipts per variable, computed once per audit context (two rules share them). */
const cache = new WeakMap<ComposeProject, Map<string, Receipt[]>>();
function receiptsOf(ctx: AuditContext, project: ComposeProject): Map<string, Receipt[]> {
  let map = cache.get(project);
  if (map === undefined) {
    map = receivers(project, ctx.env.values, readersOf(ctx));
    cache.set(project, map);
  }
  return map;
}

/** Shadowed by an `environment:` entry of the same name: COMPOSE_ENV_OVERRIDES_DOTENV / COMPOSE_HARDCODED_CORS report it with the line and a fix. */
function shadowedByEntry(project: ComposeProject, name: string): boolean {
  return project.services.some((s) => s.environment.has(name));
}

function filesOf(project: ComposeProject): string {
  return project.files.join(', ');
}

export const envReachesNoContainerRule: AuditRule = {
  code: 'ENV_NO_EFFECT',
  group: 'env',
  severity: 'info',
  title: 'Set in .env but reaches no container',
  run: (ctx) => {
    const project = ctx.compose;
    if (project === null || !ctx.env.exists) return [];
    const map = receiptsOf(ctx, project);
    const out: Finding[] = [];
    for (const [name, value] of ctx.env.values) {
      if (value === '' || name.startsWith('COMPOSE_') || reachesAProgram(map.get(name))) continue;
      const known = findVariable(ctx.profile, name);
      // No code reads it at all: check-env says so already (same code, the stronger reason).
      if (known?.effect === 'no-effect') continue;
      // Used by compose itself (a port, an image tag) or overridden by an entry: other rules speak for it.
      if (project.referenced.includes(name) || shadowedByEntry(project, name)) continue;
      const needed = known !== undefined && known.consumers.length > 0;
      out.push({
        code: 'ENV_NO_EFFECT',
        severity: needed ? 'warning' : 'info',
        title: `${name} is set in .env but reaches no container`,
        message: `With ${filesOf(project)}, no service gets ${name}: no environment: entry names it, no env_file lists .env, and no service mounts .env where its program reads it.${needed ? ` Crucible's ${known.consumers.join(', ')} would read it, so its default applies instead of your value.` : ''} See ${DOC}.`,
        howToFix: needed
          ? `Pass it where it is read: add ${name}=\${${name}} to the environment: of ${known.consumers.join(', ')} in the compose file (setup previews this change for the production file), then recreate those services.`
          : `Remove ${name} from .env, or pass it to the service that needs it with an environment: entry ${name}=\${${name}}.`,
        variable: name,
        file: '.env',
        evidence: `no environment:, env_file or mounted-file route for ${name} in ${filesOf(project)}`,
      });
    }
    return out;
  },
};

/** The value the api's program would see for `name`: its process environment first, then a mounted `.env`. */
function apiSees(ctx: AuditContext, api: ServiceProcessEnvironment, name: string): string | undefined {
  return api.environment[name] ?? (api.readsMountedEnv ? ctx.env.values.get(name) : undefined);
}

export const apiNotProductionRule: AuditRule = {
  code: 'COMPOSE_API_NOT_PRODUCTION',
  group: 'compose',
  severity: 'error',
  title: 'A production .env, but the api would run as local',
  run: (ctx) => {
    const project = ctx.compose;
    const service = project?.services.find((s) => s.name === API);
    if (project === null || service === undefined) return [];
    // What the api receives, worked out once for the mode, the settings and the evidence below.
    const api = serviceProcessEnvironment(project, ctx.env.values, API, readersOf(ctx));
    if (apiSees(ctx, api, MODE) === 'production') return [];
    // A production .env the api does not see; or a production deployment whose api no .env value could
    // reach (a .env merely lacking the mode is check-env's finding, and the fix is there).
    const envSaysProduction = ctx.env.values.get(MODE) === 'production';
    const noRoute = !service.environment.has(MODE) && !api.readsMountedEnv;
    if (!envSaysProduction && !(ctx.target.environment === 'production' && noRoute)) return [];
    const lost = PRODUCTION_SETTINGS.filter(
      (n) => ctx.env.values.has(n) && apiSees(ctx, api, n) !== ctx.env.values.get(n),
    );
    return [
      {
        code: 'COMPOSE_API_NOT_PRODUCTION',
        severity: 'error',
        title: `The api defined in ${service.source.file} would start in local mode`,
        message: `This deployment is production, but with ${filesOf(project)} the api does not receive ROUNDTABLE_ENVIRONMENT=production (${noRoute ? 'no environment: entry passes it and .env is not mounted where config.py reads it' : 'an environment: entry sets it to something else'}). Crucible then runs in local mode: its production checks never run and /docs stays public.${lost.length > 0 ? ` It also misses ${lost.join(', ')} from .env (defaults apply: frontend URL http://localhost:3000, rate limiting off).` : ''} See ${DOC}.`,
        howToFix: `Add ${[MODE, ...PRODUCTION_SETTINGS].map((n) => `${n}=\${${n}}`).join(', ')} to the environment: of api and worker in ${service.source.file} (the setup wizard and \`crucible-secrets init\` preview this change), set ${MODE}=production in .env, then recreate api and worker.`,
        service: API,
        file: service.source.file,
        line: service.source.line,
        evidence: `api in ${service.source.file}:${String(service.source.line)}: ${MODE} ${service.environment.has(MODE) ? 'set by an environment: entry, not to production' : 'not among its environment: entries'}; .env mounted where config.py reads it: ${api.readsMountedEnv ? 'yes' : 'no'}`,
      },
    ];
  },
};

export const envNotNeededRule: AuditRule = {
  code: 'COMPOSE_ENV_NOT_NEEDED',
  group: 'compose',
  severity: 'info',
  title: 'A service receives a secret it does not read',
  run: (ctx) => {
    const project = ctx.compose;
    if (project === null) return [];
    const out: Finding[] = [];
    for (const [name, list] of receiptsOf(ctx, project)) {
      const known = findVariable(ctx.profile, name);
      // Only secrets the profile knows a reader for; mounted files are COMPOSE_ENV_FILE_MOUNTED's subject.
      if (known === undefined || !known.sensitive || known.consumers.length === 0) continue;
      const consumers: readonly string[] = known.consumers;
      for (const r of list) {
        if (r.via === 'mounted-file' || !r.effective || consumers.includes(r.service)) continue;
        out.push({
          code: 'COMPOSE_ENV_NOT_NEEDED',
          severity: 'info',
          title: `${r.service} receives ${name} without needing it`,
          message: `${r.service} gets ${name}${r.as !== null && r.as !== name ? ` (as ${r.as})` : ''} through its ${r.via === 'command' ? 'command' : r.via}, but no code in ${r.service} reads it (read by: ${consumers.join(', ')}). Every copy is one more place the secret can leak from (logs, docker inspect). See ${DOC}.`,
          howToFix: `Remove the ${r.via === 'command' ? 'reference' : 'entry'} from ${r.service} in ${r.source.file}, then recreate ${r.service}.`,
          variable: name,
          service: r.service,
          file: r.source.file,
          line: r.source.line,
          evidence: `${r.via} of ${r.service} at ${r.source.file}:${String(r.source.line)} references ${name}`,
        });
      }
    }
    return out;
  },
};

/**
 * check-env's ENV_NO_EFFECT is a judgement from the profile alone ("the stock compose files override it").
 * With the compose files read, the rules above decide instead: a check-env finding is dropped when this
 * audit already reports the variable under the same code, or when its effect depends on compose.
 */
export function supersededByCompose(ctx: AuditContext, ruleFindings: readonly Finding[], f: Finding): boolean {
  if (f.code !== 'ENV_NO_EFFECT' || f.variable === undefined || ctx.compose === null) return false;
  const name = f.variable;
  if (ruleFindings.some((r) => r.code === 'ENV_NO_EFFECT' && r.variable === name)) return true;
  return findVariable(ctx.profile, name)?.effect === 'overridden-by-compose';
}
