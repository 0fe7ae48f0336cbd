import type { Finding } from '../../../common/model/finding';
import { serviceProcessEnvironment } from '../../compose/service-env';
import { isBcryptHash } from '../../hashing/bcrypt';
import type { MountedEnvReader } from '../../stack/profile';
import { parseCorsOrigins } from '../../validation/checks';
import type { AuditContext, AuditRule } from '../types';

/**
 * Conditions of Crucible's own code that the audit can see from the deployment folder (issue 22): what the
 * api receives decides whether they apply. Each finding cites its docs/crucible.md section and Crucible's
 * source path; the evidence names variables, origins and levels, never a secret value.
 */

const LOGIN = 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD';
const CORS = 'ROUNDTABLE_CORS_ORIGINS';
const LOG_LEVEL = 'ROUNDTABLE_LOG_LEVEL';
/** Where the api reads a mounted `.env` itself (these rules are about Crucible's api and nothing else). */
const API_READS_ENV: readonly MountedEnvReader[] = [
  { service: 'api', path: '/app/.env', prefix: '', reader: 'service/app/core/config.py' },
];

interface Received {
  value: string;
  /** Where the api gets it from, for the evidence (`docker-compose.yml:47`, `.env (mounted)`). */
  from: string;
}

/**
 * The value of a `ROUNDTABLE_*` setting as Crucible's `Settings()` in the api sees it: the process
 * environment compose gives the api (compose/service-env.ts) wins; below it the `.env` the api reads from its
 * mount (pydantic-settings ranks the file under the process environment). With no compose project, `.env`.
 * null when the api does not receive it (Crucible's default applies).
 */
function apiReceives(ctx: AuditContext, name: string): Received | null {
  const project = ctx.compose;
  const api = project?.services.find((s) => s.name === 'api');
  const fromFile = ctx.env.values.get(name);
  if (project === null || api === undefined) return fromFile === undefined ? null : { value: fromFile, from: '.env' };
  const received = serviceProcessEnvironment(project, ctx.env.values, api.name, API_READS_ENV);
  const value = received.environment[name];
  if (value !== undefined) {
    const entry = api.environment.get(name);
    return { value, from: entry ? `${entry.source.file}:${String(entry.source.line)}` : '.env (env_file)' };
  }
  return received.readsMountedEnv && fromFile !== undefined
    ? { value: fromFile, from: '.env (mounted into the api)' }
    : null;
}

/** The host part of an origin as Python's `urlparse(origin).netloc` gives it (port included). */
function netloc(origin: string): string | null {
  const m = /^https?:\/\/([^/?#]*)/i.exec(origin);
  return m?.[1] ?? null;
}

export const knownLoginHashCorruptedRule: AuditRule = {
  code: 'KNOWN_LOGIN_HASH_READ_AS_PLAIN_TEXT',
  group: 'known',
  severity: 'error',
  title: 'Crucible: a damaged bcrypt hash becomes a plain-text login password',
  run: (ctx) => {
    const got = apiReceives(ctx, LOGIN);
    // Only values meant as a hash: a plain password in .env is check-env's ENV_PLAINTEXT_PASSWORD.
    if (got === null || !got.value.startsWith('$2') || isBcryptHash(got.value)) return [];
    return [
      {
        code: 'KNOWN_LOGIN_HASH_READ_AS_PLAIN_TEXT',
        severity: 'error',
        title: `The api receives ${LOGIN} as a damaged bcrypt hash, which Crucible compares as plain text`,
        message: `Crucible treats the login password as a bcrypt hash only when it is exactly 60 characters starting with $2a$, $2b$ or $2y$; anything else is compared as plain text, with only a warning in the log (service/app/core/password.py, lines 42–46 and 112–122). The value the api receives starts like a hash but is not one, so the password you set no longer works and the damaged text itself logs in. Compose interpolation of an unquoted hash is the usual cause. See docs/crucible.md#a-damaged-login-hash.`,
        howToFix: `Write ${LOGIN} single-quoted in .env (the app's "Rotate" for the login password writes a fresh hash that way), make sure compose passes it as \${${LOGIN}}, then recreate the api: docker compose up -d --force-recreate api.`,
        variable: LOGIN,
        service: 'api',
        evidence: `value from ${got.from}: ${String(got.value.length)} characters, starts with $2, not a bcrypt hash`,
      },
    ];
  },
};

export const knownCorsSubdomainsRule: AuditRule = {
  code: 'KNOWN_CORS_ADMITS_SUBDOMAINS',
  group: 'known',
  severity: 'warning',
  title: 'Crucible: a two-label CORS origin admits every subdomain, with credentials',
  run: (ctx) => {
    const got = apiReceives(ctx, CORS);
    if (got === null) return [];
    const wide = parseCorsOrigins(got.value).filter((o) => netloc(o)?.split('.').length === 2);
    return wide.map((o): Finding => ({
      code: 'KNOWN_CORS_ADMITS_SUBDOMAINS',
      severity: 'warning',
      title: `CORS origin ${o} also admits every *.${netloc(o) ?? ''} origin`,
      message: `For an origin whose host has two labels, Crucible adds a pattern allowing any one-label subdomain and sends CORS with credentials (service/app/main.py, lines 204–243). A site on any such subdomain (a blog, a test site, a hosted service under your domain) can then call the api with a logged-in browser's session. See docs/crucible.md#cors-and-subdomains.`,
      howToFix: `List the exact origin the frontend is served from, with its subdomain (for example https://crucible.${netloc(o) ?? 'example.org'}), in ${CORS}, then recreate the api.`,
      variable: CORS,
      service: 'api',
      evidence: `${CORS} from ${got.from} includes ${o}`,
    }));
  },
};

const PY_LEVELS: Record<string, number> = {
  NOTSET: 0,
  DEBUG: 10,
  INFO: 20,
  WARN: 30,
  WARNING: 30,
  ERROR: 40,
  FATAL: 50,
  CRITICAL: 50,
};

export const knownLogsPartialSecretsRule: AuditRule = {
  code: 'KNOWN_LOGS_PARTIAL_SECRETS',
  group: 'known',
  severity: 'info',
  title: 'Crucible: the api logs the beginnings of session tokens and provider keys',
  run: (ctx) => {
    const api = ctx.compose?.services.find((s) => s.name === 'api');
    if (ctx.target.environment === 'development' || api === undefined) return [];
    const got = apiReceives(ctx, LOG_LEVEL);
    // configure_logging: getattr(logging, level.upper(), logging.INFO) — an unknown name means INFO.
    const level = PY_LEVELS[(got?.value ?? 'INFO').trim().toUpperCase()] ?? 20;
    if (level > 30) return [];
    const keyPrefix = level <= 20;
    return [
      {
        code: 'KNOWN_LOGS_PARTIAL_SECRETS',
        severity: 'info',
        title: keyPrefix
          ? "Known issue: the api logs the first characters of users' provider keys and of unknown session tokens"
          : 'Known issue: the api logs the first 16 characters of unknown session tokens',
        message: `${keyPrefix ? "At INFO the api logs the first 10 characters of a user's decrypted OpenRouter key on each intake upload (service/app/api/routers/intake.py, line 699). " : ''}At WARNING it logs the first 16 of the 43 characters of every session token it does not recognise (service/app/api/deps.py, lines 347–350 and 385). Neither is enough to use a key or a session, but the logs are no place for them. See docs/crucible.md#partial-secrets-in-logs-and-responses.`,
        howToFix: `${keyPrefix ? `Set ${LOG_LEVEL}=WARNING where the api reads it (.env when docker-compose.yml mounts it; an environment: entry of the api otherwise) and recreate the api. ` : ''}Treat the api's logs as secret: restrict who can run docker logs and keep log rotation short.`,
        variable: LOG_LEVEL,
        service: 'api',
        evidence:
          got === null
            ? `${LOG_LEVEL} not received by the api: Crucible's default INFO`
            : `${LOG_LEVEL}=${got.value.trim().slice(0, 16)} from ${got.from}`,
      },
    ];
  },
};

/** The rules of this file, in report order. */
export const crucibleFactsRules: readonly AuditRule[] = [
  knownLoginHashCorruptedRule,
  knownCorsSubdomainsRule,
  knownLogsPartialSecretsRule,
];
