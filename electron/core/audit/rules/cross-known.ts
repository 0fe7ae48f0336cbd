import type { Finding } from '../../../common/model/finding';
import { referencedVariables } from '../../compose/interpolate';
import { isLoopback, rangeIncludes } from '../../compose/ports';
import type { AuditRule } from '../types';

/** Secrets shared between deployments, and the known issues of Crucible CE that an admin must mitigate. */

export const secretReusedAcrossDeploymentsRule: AuditRule = {
  code: 'CROSS_SECRET_REUSED',
  group: 'cross',
  severity: 'error',
  title: 'The same secret in two deployments',
  run: (ctx) => {
    const out: Finding[] = [];
    for (const [variable, fp] of ctx.env.fingerprints) {
      for (const o of ctx.others) {
        for (const [ov, ofp] of o.fingerprints) {
          if (ofp !== fp) continue;
          const prod = ctx.target.environment === 'production' || o.environment === 'production';
          out.push({
            code: 'CROSS_SECRET_REUSED',
            severity: prod ? 'error' : 'warning',
            title: `${variable} is also used by ${o.name}`,
            message: `${variable} of this deployment (${ctx.target.environment}) has the same value as ${ov} of ${o.name} (${o.environment}). A leak of either deployment exposes both, and ${prod ? 'a test system can be used to reach production' : 'rotating one silently leaves the other'}.`,
            howToFix: `Rotate ${variable} in one of the two deployments so each environment has its own secrets.`,
            variable,
            file: '.env',
            evidence: `keyed fingerprints of ${variable} (here) and ${ov} (${o.name}) are equal; values not compared in clear`,
          });
        }
      }
    }
    return out;
  },
};

function publishedBeyondHost(ctx: Parameters<AuditRule['run']>[0], port: number, name: string): boolean {
  return (ctx.compose?.services ?? []).some(
    (s) =>
      (s.name === name || s.ports.some((p) => rangeIncludes(p.target, port))) &&
      (s.networkMode?.value === 'host' || s.ports.some((p) => rangeIncludes(p.target, port) && !isLoopback(p.hostIp))),
  );
}

export const knownLoginRateLimitRule: AuditRule = {
  code: 'KNOWN_LOGIN_NO_RATE_LIMIT',
  group: 'known',
  severity: 'info',
  title: 'Crucible: the login has no rate limit',
  run: (ctx) =>
    publishedBeyondHost(ctx, 8000, 'api')
      ? [
          {
            code: 'KNOWN_LOGIN_NO_RATE_LIMIT',
            severity: 'info',
            title: 'Known issue: the API login has no rate limit, and the API port is reachable from the network',
            message:
              'POST /api/auth/login accepts any user name and checks only the password, with no rate limit, lockout or audit record (service/app/api/routers/auth.py; see docs/crucible.md#the-login). On a published port it can be brute-forced.',
            howToFix:
              'Bind the API port to 127.0.0.1 and put a reverse proxy with request rate limiting (nginx limit_req, Caddy rate_limit) in front; use a long random login password (the app generates 22+ characters).',
            service: 'api',
            evidence: 'api port 8000 published beyond 127.0.0.1',
          },
        ]
      : [],
};

export const knownRedisUrlLoggedRule: AuditRule = {
  code: 'KNOWN_REDIS_URL_LOGGED',
  group: 'known',
  severity: 'info',
  title: 'Crucible: the Redis URL is logged with its password',
  run: (ctx) => {
    const svcs = (ctx.compose?.services ?? []).filter((s) => {
      const e = s.environment.get('ROUNDTABLE_REDIS_URL');
      return e?.raw != null && (referencedVariables(e.raw).length > 0 || e.raw.includes('@'));
    });
    if (svcs.length === 0) return [];
    return [
      {
        code: 'KNOWN_REDIS_URL_LOGGED',
        severity: 'info',
        title: 'Known issue: the Redis password is written to the api and worker logs',
        message: `The api logs "[redis] Initializing standard Redis client from URL: <full URL>" at INFO, password included (service/app/core/redis.py; see docs/crucible.md#redis-password-in-the-logs). Services receiving the URL: ${svcs.map((s) => s.name).join(', ')}.`,
        howToFix:
          'Treat the container logs as secret: restrict who can run docker logs, keep log rotation short, and purge old logs after rotating REDIS_PASSWORD.',
        variable: 'ROUNDTABLE_REDIS_URL',
        evidence: `ROUNDTABLE_REDIS_URL carries the Redis password in ${svcs.map((s) => s.name).join(', ')}`,
      },
    ];
  },
};

export const knownProductionCorsRule: AuditRule = {
  code: 'KNOWN_PRODUCTION_CORS_BLOCKS_START',
  group: 'known',
  severity: 'info',
  title: 'Crucible: production mode cannot start with the stock CORS value',
  run: (ctx) => {
    const hard = (ctx.compose?.services ?? []).find(
      (s) => s.environment.get('ROUNDTABLE_CORS_ORIGINS')?.raw?.trim() === 'http://localhost:3000',
    );
    if (!hard) return [];
    return [
      {
        code: 'KNOWN_PRODUCTION_CORS_BLOCKS_START',
        severity: 'info',
        title: 'Known issue: ROUNDTABLE_ENVIRONMENT=production cannot start with the stock compose CORS value',
        message:
          "Crucible's production validator rejects CORS origins equal to exactly http://localhost:3000, and the stock compose files hard-code that value, so the API refuses to start in production mode (service/app/core/config.py; see docs/crucible.md#cors-in-production).",
        howToFix:
          'Apply the fix for COMPOSE_HARDCODED_CORS (the compose entry reads ${ROUNDTABLE_CORS_ORIGINS}) and set your HTTPS origin in .env.',
        service: hard.name,
        variable: 'ROUNDTABLE_CORS_ORIGINS',
        evidence: `${hard.name} sets ROUNDTABLE_CORS_ORIGINS=http://localhost:3000 in the compose file`,
      },
    ];
  },
};
