import { composeCommandLine } from '../../common/compose-file-names';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { AppError } from '../../common/errors';
import type { GeneratedFile, ManualStep, ProxyBundle } from '../../common/ipc/proxy.ipc';
import { writeFileAtomic, type AtomicWriteResult } from '../fs/atomic-write';
import type { FolderReader } from '../fs/folder-reader';
import { readComposeFacts, type ComposeFacts } from './compose-facts';
import { envFollowUps, readOriginKeys } from './env-followup';
import { planProxy, type ProxyInput, type ProxyPlan } from './plan';
import { nginxFileName, renderNginx } from './nginx';
import { caddyFileName, renderCaddy } from './caddy';
import { INTERNAL_PATHS_DOC, INTERNAL_PROBES, INTERNAL_STATUS } from './internal-paths';

/**
 * The front-door bundle for a deployment folder: the configuration file, what is left to do by hand, the
 * `.env` follow-ups and warnings. Generation reads but never writes; `writeGeneratedFile` writes.
 */

export interface GenerateContext {
  /** The deployment folder (compose files and `.env`), or null when unknown. */
  folder: string | null;
  /** The deployment's folder on a server, read through its host (host/folder-reader.ts); wins over `folder`. */
  reader?: FolderReader;
  /** A registered deployment's recorded compose files: only those are read (none: every one in the folder). */
  composeFiles?: readonly string[];
  now: Date;
}

/** @throws AppError PROXY_FOLDER_NOT_FOUND when a folder is given but is not a directory. */
export async function assertFolder(folder: string): Promise<void> {
  const st = await stat(folder).catch(() => null);
  if (!st?.isDirectory())
    throw new AppError(
      'PROXY_FOLDER_NOT_FOUND',
      `The folder ${folder} does not exist or is not a folder. Give the Crucible folder (the one with docker-compose.yml).`,
    );
}

function manualSteps(
  plan: ProxyPlan,
  file: GeneratedFile,
  compose: ComposeFacts | null,
  composeFiles: readonly string[],
): ManualStep[] {
  const steps: ManualStep[] = [];
  steps.push({
    id: 'dns',
    title: 'Point DNS at the server',
    detail: `Create an A record (and AAAA for IPv6) for ${plan.domain} with this server's public address. Certificates and browsers need it first.`,
    commands: [`dig +short ${plan.domain} A`, `dig +short ${plan.domain} AAAA`],
  });
  if (plan.server === 'nginx') {
    if (plan.tls.mode === 'acme') {
      steps.push({
        id: 'certificate',
        title: "Get the Let's Encrypt certificate (certbot)",
        detail:
          'nginx does not speak ACME itself. Obtain the first certificate before installing the configuration (port 80 must be free for a moment); the hooks are remembered, so `certbot renew` (run by its timer) stops and starts nginx the same way.',
        commands: [
          'sudo apt install certbot',
          `sudo certbot certonly --standalone -d ${plan.domain}${plan.tls.email ? ` --email ${plan.tls.email}` : ' --register-unsafely-without-email'} --agree-tos --pre-hook "systemctl stop nginx" --post-hook "systemctl start nginx"`,
          'sudo certbot renew --dry-run',
        ],
      });
    } else {
      steps.push({
        id: 'certificate',
        title: 'Keep the certificate current',
        detail: `The configuration uses ${plan.tls.certPath}${plan.tls.notAfter ? `, valid until ${plan.tls.notAfter}` : ''}. Renew it before then and reload nginx.`,
        commands: ['sudo systemctl reload nginx'],
      });
    }
    steps.push({
      id: 'install',
      title: 'Install the configuration',
      detail: `Copy ${file.name} into nginx's conf.d folder, test it and reload.`,
      commands: [
        `sudo install -m 0644 ${file.name} /etc/nginx/conf.d/${file.name}`,
        'sudo nginx -t',
        'sudo systemctl reload nginx',
      ],
    });
  } else {
    steps.push(
      plan.tls.mode === 'acme'
        ? {
            id: 'certificate',
            title: 'Certificates: automatic',
            detail:
              'Caddy obtains and renews the certificate once DNS points at the server and ports 80 and 443 are open.',
            commands: [],
          }
        : {
            id: 'certificate',
            title: 'Keep the certificate current',
            detail: `The configuration uses ${plan.tls.certPath}. Renew it before it expires and reload Caddy.`,
            commands: ['sudo systemctl reload caddy'],
          },
    );
    steps.push({
      id: 'install',
      title: 'Install the configuration',
      detail: 'Replace /etc/caddy/Caddyfile (or import this file from it), validate and reload.',
      commands: [
        'sudo install -m 0644 Caddyfile /etc/caddy/Caddyfile',
        'sudo caddy validate --config /etc/caddy/Caddyfile --adapter caddyfile',
        'sudo systemctl reload caddy',
      ],
    });
    steps.push({
      id: 'rate-limit',
      title: 'Throttle logins (Caddy needs a plugin)',
      detail:
        "Stock Caddy cannot rate-limit, and Crucible's login endpoint has no limit of its own. Build Caddy with the rate-limit plugin and uncomment the rate_limit block, or use the nginx configuration.",
      commands: ['xcaddy build --with github.com/mholt/caddy-ratelimit'],
    });
  }
  const exposed = (compose?.services ?? []).flatMap((s) => s.ports).filter((p) => p.allInterfaces);
  steps.push({
    id: 'bind-loopback',
    title: 'Publish the api and frontend on 127.0.0.1 only',
    detail:
      exposed.length > 0
        ? `Compose publishes ${exposed.map((p) => `${p.service} "${p.raw}" (${p.file}${p.line ? `:${String(p.line)}` : ''})`).join(', ')} on every interface, past the firewall. Change them to 127.0.0.1:… and recreate the containers.`
        : 'Make sure compose publishes the api and frontend as "127.0.0.1:8000:8000" and "127.0.0.1:3000:3000", so only the proxy reaches them.',
    commands: [composeCommandLine(composeFiles, ['up', '-d', 'api', 'frontend'])],
  });
  steps.push({
    id: 'firewall',
    title: 'Close every other port',
    detail:
      'Allow only SSH, 80 and 443 in with ufw or nftables, and mind the Docker caveat. The firewall page (or `crucible-secrets firewall DIR`) writes the commands.',
    commands: ['crucible-secrets firewall .'],
  });
  steps.push({
    id: 'env',
    title: 'Update .env and recreate the containers',
    detail: 'Set the values listed under ".env follow-ups", then recreate (restart does not re-read .env or compose).',
    commands: [composeCommandLine(composeFiles, ['up', '-d'])],
  });
  steps.push({
    id: 'verify',
    title: 'Check from outside',
    detail: `HTTP answers with a redirect; HTTPS carries HSTS and the security headers; Crucible's debug endpoint and API schema answer ${String(INTERNAL_STATUS)} from outside (${INTERNAL_PATHS_DOC}).`,
    commands: [
      `curl -sI http://${plan.domain}/ | head -n 3`,
      `curl -sI ${plan.origin}/ | grep -i -E 'strict-transport|x-frame|x-content-type|referrer'`,
      ...INTERNAL_PROBES.map((p) => `curl -s -o /dev/null -w '%{http_code}\\n' ${plan.origin}${p}`),
    ],
  });
  return steps;
}

/**
 * Validates the input and renders the bundle. Reads the folder's compose files and `.env` (three
 * non-secret keys) when a folder is given.
 * @throws AppError from planProxy (bad domain, http URL in production, missing certificate…) and
 *   PROXY_FOLDER_NOT_FOUND.
 */
export async function generateProxyBundle(input: ProxyInput, ctx: GenerateContext): Promise<ProxyBundle> {
  // A server's folder is read through its reader (its existence checked by whoever opened it).
  const source = ctx.reader ?? ctx.folder;
  if (ctx.reader === undefined && ctx.folder !== null) await assertFolder(ctx.folder);
  const plan = await planProxy(input, ctx.now);
  const file: GeneratedFile =
    plan.server === 'nginx'
      ? {
          id: 'proxy-config',
          name: nginxFileName(plan),
          language: 'nginx',
          description: `nginx server blocks for ${plan.origin}`,
          content: renderNginx(plan),
        }
      : {
          id: 'proxy-config',
          name: caddyFileName(),
          language: 'caddyfile',
          description: `Caddyfile for ${plan.origin}`,
          content: renderCaddy(plan),
        };
  const compose = source === null ? null : await readComposeFacts(source, ctx.composeFiles);
  const current = source === null ? new Map<string, string>() : await readOriginKeys(source);
  const warnings = [...plan.warnings];
  if (compose && compose.unreadable.length > 0)
    warnings.push(`Could not read ${compose.unreadable.join(', ')} as YAML; compose checks skipped for it.`);
  if (plan.server === 'caddy')
    warnings.push(
      'Stock Caddy has no rate limiter: the login endpoint stays unthrottled until Caddy is built with the rate-limit plugin.',
    );
  return {
    server: plan.server,
    domain: plan.domain,
    origin: plan.origin,
    environment: plan.environment,
    hstsHeader: plan.hstsHeader,
    files: [file],
    manualSteps: manualSteps(plan, file, compose, ctx.composeFiles ?? []),
    envFollowUp: envFollowUps(plan.origin, current, compose),
    warnings,
  };
}

/**
 * Writes a generated file atomically (configs are not secret: mode 0644 so the server can read them).
 * @throws AppError PROXY_OUT_FOLDER_MISSING when the target folder does not exist; FS_* from writeFileAtomic.
 */
export async function writeGeneratedFile(target: string, content: string): Promise<AtomicWriteResult> {
  const st = await stat(dirname(target)).catch(() => null);
  if (!st?.isDirectory())
    throw new AppError(
      'PROXY_OUT_FOLDER_MISSING',
      `The folder for ${basename(target)} does not exist. Create it first or choose another place. Nothing was written.`,
    );
  return writeFileAtomic(target, content, { mode: 0o644 });
}
