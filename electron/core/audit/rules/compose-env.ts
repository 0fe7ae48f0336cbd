import type { Finding } from '../../../common/model/finding';
import { referencedVariables } from '../../compose/interpolate';
import type { ComposeEnvEntry, ComposeService } from '../../compose/model';
import type { AuditContext, AuditRule } from '../types';
import { fixIds } from '../fix-ids';

/**
 * `environment:` entries that decide a value instead of taking it from `.env` (crucible-facts.md §8.2):
 * the hard-coded CORS origin, localhost API URLs, and secrets written into the compose file itself.
 */

const CORS = 'ROUNDTABLE_CORS_ORIGINS';
const STOCK_CORS = 'http://localhost:3000';
const URL_VARS = /(_URL|_ORIGINS?)$/;

function entries(ctx: AuditContext): Array<{ svc: ComposeService; e: ComposeEnvEntry }> {
  const out: Array<{ svc: ComposeService; e: ComposeEnvEntry }> = [];
  for (const svc of ctx.compose?.services ?? []) for (const e of svc.environment.values()) out.push({ svc, e });
  return out;
}

/** The entry takes its value from the variable of the same name (`${X}`, `${X:-default}`), or is `- X`. */
function takesOwnVariable(e: ComposeEnvEntry): boolean {
  return e.raw === null || referencedVariables(e.raw).includes(e.name);
}

/** A secret variable given a literal value in the compose file (reported by hardcodedSecretRule). */
function isLiteralSecret(ctx: AuditContext, e: ComposeEnvEntry): boolean {
  return ctx.secretVariables.has(e.name) && e.raw !== null && e.raw !== '' && referencedVariables(e.raw).length === 0;
}

function at(e: ComposeEnvEntry): string {
  return `${e.source.file}:${e.source.line}`;
}

export const hardcodedCorsRule: AuditRule = {
  code: 'COMPOSE_HARDCODED_CORS',
  group: 'compose',
  severity: 'warning',
  title: 'CORS origins hard-coded in the compose file',
  run: (ctx) =>
    entries(ctx)
      .filter(({ e }) => e.name === CORS && e.raw !== null && referencedVariables(e.raw).length === 0)
      .map(({ svc, e }) => {
        const stock = e.raw?.trim() === STOCK_CORS;
        const production = ctx.target.environment === 'production';
        return {
          code: 'COMPOSE_HARDCODED_CORS',
          severity: production ? 'error' : 'warning',
          title: `${svc.name}: ${CORS} is fixed in ${e.source.file}`,
          message: `The compose file sets ${CORS} itself, so the value in .env has no effect.${stock ? ` It is the stock ${STOCK_CORS}, which Crucible's production mode refuses at start-up, and which blocks any origin other than the local browser.` : ''}`,
          howToFix: `Let .env decide: write ${CORS}=\${${CORS}:-${STOCK_CORS}} in the compose file, then set your HTTPS origin(s) in .env and recreate the api (docker compose up -d api).`,
          variable: CORS,
          service: svc.name,
          file: e.source.file,
          line: e.source.line,
          evidence: `environment entry ${CORS} with a literal value${stock ? ` (${STOCK_CORS})` : ''} in ${at(e)}`,
          fixId: fixIds.envReference(e.source.file, svc.name, CORS),
        } satisfies Finding;
      }),
};

export const localhostApiUrlRule: AuditRule = {
  code: 'COMPOSE_LOCALHOST_URL',
  group: 'compose',
  severity: 'warning',
  title: 'A URL fixed to http://localhost in the compose file',
  run: (ctx) =>
    entries(ctx)
      .filter(
        ({ e }) =>
          e.name !== CORS &&
          URL_VARS.test(e.name) &&
          e.raw !== null &&
          /^https?:\/\/(localhost|127\.0\.0\.1)([:/]|$)/.test(e.raw.trim()),
      )
      .map(({ svc, e }) => ({
        code: 'COMPOSE_LOCALHOST_URL',
        severity: ctx.target.environment === 'development' ? ('info' as const) : ('warning' as const),
        title: `${svc.name}: ${e.name} points at localhost`,
        message: `${e.name} is fixed to a localhost URL in the compose file${e.name.startsWith('NEXT_PUBLIC_') ? ' (and baked into the frontend image at build time)' : ''}. Browsers on other machines will call their own localhost, and the traffic is plain HTTP.`,
        howToFix:
          'Serve the stack behind a TLS reverse proxy and point the URL at its https:// address; for NEXT_PUBLIC_ variables rebuild the frontend image with the new value.',
        variable: e.name,
        service: svc.name,
        file: e.source.file,
        line: e.source.line,
        evidence: `environment entry ${e.name} starts with ${/^https?:\/\/(localhost|127\.0\.0\.1)/.exec(e.raw?.trim() ?? '')?.[0] ?? 'localhost'} in ${at(e)}`,
      })),
};

export const envOverrideRule: AuditRule = {
  code: 'COMPOSE_ENV_OVERRIDES_DOTENV',
  group: 'compose',
  severity: 'warning',
  title: 'A compose environment entry overrides the .env value',
  run: (ctx) =>
    entries(ctx)
      .filter(
        ({ e }) => e.name !== CORS && ctx.env.values.has(e.name) && !takesOwnVariable(e) && !isLiteralSecret(ctx, e),
      )
      .map(({ svc, e }) => ({
        code: 'COMPOSE_ENV_OVERRIDES_DOTENV',
        severity: 'warning' as const,
        title: `${svc.name}: ${e.name} in .env has no effect`,
        message: `The compose file gives ${svc.name} its own value for ${e.name}${(e.raw ?? '').includes('${') ? ' (built from other variables)' : ''}; the entry in .env is ignored for this service.`,
        howToFix: `Remove ${e.name} from .env to avoid confusion, or make the compose entry read it (${e.name}=\${${e.name}}).`,
        variable: e.name,
        service: svc.name,
        file: e.source.file,
        line: e.source.line,
        evidence: `environment entry ${e.name} in ${at(e)} does not reference \${${e.name}}; .env also defines ${e.name}`,
      })),
};

export const hardcodedSecretRule: AuditRule = {
  code: 'COMPOSE_HARDCODED_SECRET',
  group: 'compose',
  severity: 'error',
  title: 'A secret written into the compose file',
  run: (ctx) =>
    entries(ctx)
      .filter(({ e }) => isLiteralSecret(ctx, e))
      .map(({ svc, e }) => ({
        code: 'COMPOSE_HARDCODED_SECRET',
        severity: 'error' as const,
        title: `${svc.name}: ${e.name} has a literal value in ${e.source.file}`,
        message: `The secret ${e.name} is written into the compose file, which is usually committed and shared. Anyone who can read the file knows it, and .env cannot change it.`,
        howToFix: `Move the value to .env (mode 600, git-ignored), write ${e.name}=\${${e.name}} in the compose file, and rotate the secret since the file may already have been shared.`,
        variable: e.name,
        service: svc.name,
        file: e.source.file,
        line: e.source.line,
        evidence: `environment entry ${e.name} in ${at(e)} holds a literal value (${String(e.raw?.length ?? 0)} characters, not shown)`,
      })),
};
