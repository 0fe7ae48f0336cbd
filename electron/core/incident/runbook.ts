import type { DeploymentRef } from '../../common/model/deployment';
import type { Incident, ItemKind, RunbookItem, StepId } from '../../common/model/incident';
import {
  composePrefix,
  DATA_ACCESS_LOG_SQL,
  logWindow,
  psqlCommand,
  READ_REDIS_PASSWORD,
  REVOKE_SHARE_LINKS_SQL,
  revokeSessionsCommands,
  shQuote,
} from './commands';

/**
 * The runbook's items, step by step (security guide "Incident Response", crucible-facts.md §13 and the
 * Rotation matrix). The skeleton (ids, steps, required) is static so the state machine can check order
 * without a deployment; the text and the exact commands are filled in for one deployment and incident.
 */

export type ItemSkeleton = Pick<RunbookItem, 'id' | 'step' | 'required' | 'kind' | 'essential'>;
export type { RunbookItem };

const S = (
  id: string,
  step: StepId,
  kind: ItemKind,
  required = true,
  essential: string | null = null,
): ItemSkeleton => ({ id, step, kind, required, essential });

/**
 * Essential items are the runbook's promises: the exposed services stopped, the evidence captured, a backup
 * before anything is changed, every chosen secret rotated, the stolen sessions revoked. Skipping one is a
 * decision the report must show, so their step completes only with an explicit override (machine.ts).
 */
export const RUNBOOK_SKELETON: readonly ItemSkeleton[] = [
  S('isolate.stop-public', 'isolate', 'action', true, 'the public services (frontend and api) stopped'),
  S('isolate.stop-workers', 'isolate', 'action', false),
  S('isolate.keep-evidence', 'isolate', 'check'),
  S('isolate.bind-loopback', 'isolate', 'action'),
  S('isolate.firewall', 'isolate', 'action'),
  S('assess.evidence-folder', 'assess', 'evidence'),
  S('assess.ps', 'assess', 'evidence'),
  S('assess.config', 'assess', 'evidence'),
  S('assess.logs', 'assess', 'evidence', true, 'the logs of the incident window captured'),
  S('assess.audit-table', 'assess', 'evidence'),
  S('assess.exposure-points', 'assess', 'check'),
  S('rotate.backup', 'rotate', 'action', true, 'a backup of .env and the database taken before rotating'),
  S('rotate.secrets', 'rotate', 'rotation', true, 'every chosen secret rotated'),
  S('rotate.provider-keys', 'rotate', 'action'),
  S('rotate.sessions', 'rotate', 'action', true, 'the login sessions revoked'),
  S('rotate.share-links', 'rotate', 'action'),
  S('rotate.internal-token', 'rotate', 'action', false),
  S('rotate.apply', 'rotate', 'action'),
  S('logs.logins', 'review-logs', 'check'),
  S('logs.key-reads', 'review-logs', 'check'),
  S('logs.addresses', 'review-logs', 'check'),
  S('logs.audit-table', 'review-logs', 'check'),
  S('logs.verify-token', 'review-logs', 'check', false),
  S('logs.secrets-in-logs', 'review-logs', 'action'),
  S('notify.review', 'notify', 'check'),
  S('notify.send', 'notify', 'action'),
  // Closing the incident writes the final report itself (incident.service.ts), so exporting is optional.
  S('document.export', 'document', 'export', false),
  S('document.evidence', 'document', 'action'),
];

export function skeletonOf(itemId: string): ItemSkeleton | undefined {
  return RUNBOOK_SKELETON.find((i) => i.id === itemId);
}

export function itemsOfStep(step: StepId): ItemSkeleton[] {
  return RUNBOOK_SKELETON.filter((i) => i.step === step);
}

export interface RunbookContext {
  deployment: Pick<DeploymentRef, 'folder' | 'composeFiles'>;
  incident: Pick<Incident, 'id' | 'openedAt' | 'closedAt' | 'answers'>;
  now: Date;
}

type Text = Pick<RunbookItem, 'title' | 'detail' | 'commands'>;

/** The folder where evidence is captured: beside the deployment, private (umask 077). */
export function evidenceDir(incidentId: string): string {
  return `incident-evidence-${incidentId.replace(/^inc-/, '')}`;
}

/** The command that enters the deployment folder; every other command runs from there. */
export function workdirCommand(folder: string): string {
  return `cd ${shQuote(folder)}`;
}

/** Fills in every item for one deployment and incident. */
export function renderRunbook(ctx: RunbookContext): RunbookItem[] {
  const c = composePrefix(ctx.deployment.composeFiles);
  const ev = evidenceDir(ctx.incident.id);
  const since = ctx.incident.answers.since ?? ctx.incident.openedAt;
  const until = ctx.incident.closedAt ?? null;
  const win = logWindow(since, until);
  const logs = (services: string) => `${c} logs --no-color --timestamps ${win} ${services}`.replace(/ {2,}/g, ' ');
  const composeFile =
    ctx.deployment.composeFiles.map((f) => f.split(/[\\/]/).pop() ?? f).find((n) => n.length > 0) ??
    'docker-compose.yml';
  const sessions = revokeSessionsCommands(c);

  const text: Record<string, Text> = {
    'isolate.stop-public': {
      title: 'Stop the frontend and the api',
      detail:
        'They are the only services reachable from outside: ports 8000 and 3000 are published on every host interface. `stop` keeps the containers and their logs, which Assess needs.',
      commands: [`${c} stop frontend api`, `${c} ps`],
    },
    'isolate.stop-workers': {
      title: 'Stop the worker and beat',
      detail:
        'Stops outbound LLM calls made with provider keys that may be stolen. Queued work stays in Redis until Redis is recreated.',
      commands: [`${c} stop worker beat`],
    },
    'isolate.keep-evidence': {
      title: 'Do not remove or recreate containers before Assess',
      detail:
        '`docker compose down`, `rm` or `up -d` replace the containers and their logs go with them. Capture the evidence in Assess first; the Rotate step recreates the services.',
      commands: [],
    },
    'isolate.bind-loopback': {
      title: 'Bind the published ports to 127.0.0.1',
      detail:
        'Publishing as "127.0.0.1:8000:8000" and "127.0.0.1:3000:3000" keeps local use (and a reverse proxy on this host) working while nothing outside reaches the services. The change applies when the services are recreated in Rotate. Check the grep output shows the 127.0.0.1 prefix.',
      commands: [
        `umask 077 && mkdir -p ${ev} && cp -p ${shQuote(composeFile)} ${ev}/ && sed -i -E 's/"(8000|3000):(8000|3000)"/"127.0.0.1:\\1:\\2"/' ${shQuote(composeFile)}`,
        `grep -nE '"(127\\.0\\.0\\.1:)?(8000|3000):(8000|3000)"' ${shQuote(composeFile)}`,
      ],
    },
    'isolate.firewall': {
      title: 'Drop outside traffic to the published ports (DOCKER-USER)',
      detail:
        'Docker-published ports bypass ufw and the INPUT chain (its DNAT happens first), so rules go in the DOCKER-USER chain, which Docker evaluates before its own. Replace eth0 with the public interface (`ip -br link`). `crucible-secrets firewall DIR` prints the full host firewall.',
      commands: [
        'sudo iptables -I DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8000 --ctdir ORIGINAL -j DROP',
        'sudo iptables -I DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 3000 --ctdir ORIGINAL -j DROP',
        'sudo ip6tables -I DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8000 --ctdir ORIGINAL -j DROP',
        'sudo ip6tables -I DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 3000 --ctdir ORIGINAL -j DROP',
        'sudo iptables -L DOCKER-USER -n -v',
      ],
    },
    'assess.evidence-folder': {
      title: 'Create a private evidence folder',
      detail:
        'Logs captured below contain the Redis URL with its password (the api logs it at INFO), so the folder is readable by you only, and .gitignore covers it before anything is written there.',
      commands: [
        `umask 077 && mkdir -p ${ev}`,
        `grep -qxF 'incident-evidence-*' .gitignore 2>/dev/null || echo 'incident-evidence-*' >> .gitignore`,
      ],
    },
    'assess.ps': {
      title: 'Record which containers exist and their state',
      detail: 'Names, images, state and published ports at the time of the incident.',
      commands: [`${c} ps -a > ${ev}/ps.txt`, `${c} images > ${ev}/images.txt`],
    },
    'assess.config': {
      title: 'Record the configuration without values',
      detail:
        '`config --no-interpolate` keeps `${VAR}` references instead of the `.env` values; the `.env` is recorded by variable name only, with its permissions (a `.env` written by generate_secrets.py is often world-readable).',
      commands: [
        `${c} config --no-interpolate > ${ev}/compose-config.yml`,
        `sed -nE 's/^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=.*/\\1/p' .env > ${ev}/env-names.txt`,
        `stat -c '%a %U:%G %n' .env ${shQuote(composeFile)} > ${ev}/permissions.txt`,
      ],
    },
    'assess.logs': {
      title: 'Capture the logs for the incident window',
      detail: `From ${since}${until ? ` until ${until}` : ' until now'}. These files contain the old Redis URL with its password: keep them in the evidence folder only.`,
      commands: [
        logs(`api > ${ev}/api.log`),
        logs(`worker beat > ${ev}/worker.log`),
        logs(`frontend > ${ev}/frontend.log`),
      ],
    },
    'assess.audit-table': {
      title: 'Export the data access log table',
      detail:
        "data_access_logs records session reads and deletes only (not logins, key reads or share links); the IP is the proxy's when behind one.",
      commands: [psqlCommand(c, DATA_ACCESS_LOG_SQL, `${ev}/data_access_logs.txt`)],
    },
    'assess.exposure-points': {
      title: 'Check where secrets may already be exposed',
      detail:
        "docker inspect of any service shows every secret; api and worker logs hold the Redis password and provider-key prefixes; the scrollback of setup scripts shows the passwords; a world-readable .env; the admin's browser storage holds a session token. If INTERNAL_API_TOKEN was ever set on the frontend, assume it is disclosed (the verify-token endpoint is an oracle). The last command prints a count, never the value.",
      commands: [
        'stat -c "%a %n" .env',
        `docker inspect --format '{{range .Config.Env}}{{println .}}{{end}}' $(${c} ps -aq frontend) | grep -c '^INTERNAL_API_TOKEN=.'`,
      ],
    },
    'rotate.backup': {
      title: 'Back up before rotating',
      detail:
        'Keep the current .env and a database dump (private) until every rotated secret is verified: an encryption-key rotation can only be undone with the old key.',
      commands: [
        `umask 077 && cp -p .env ${ev}/env.before-rotation`,
        `${c} exec -T postgres sh -c 'pg_dump -U "$POSTGRES_USER" roundtable' | crucible-secrets dumps encrypt --out ${ev}/roundtable.sql.age`,
      ],
    },
    'rotate.secrets': {
      title: 'Rotate the secrets in dependency order',
      detail:
        'Every secret (or the ones chosen) through its rotation playbook. Progress is kept: after an interruption the run continues with the next secret.',
      commands: [],
    },
    'rotate.provider-keys': {
      title: 'Rotate LLM provider keys at the providers',
      detail:
        "A stolen session reads every stored provider key in plain text (GET /api/user/settings/*-key), and logs keep key prefixes: revoke and re-create them at OpenRouter, OpenAI, Anthropic, Eden AI, then enter the new keys in Crucible's Settings (and ROUNDTABLE_OPENROUTER_API_KEY / ROUNDTABLE_EDEN_AI_API_KEY in .env if used).",
      commands: [],
    },
    'rotate.sessions': {
      title: 'Revoke login sessions',
      detail:
        'Changing the password revokes no session. Only keys matching ^session:[A-Za-z0-9_-]{43}$ are auth sessions; the other session:* keys are debate state and stay. The first command counts, the second deletes and prints how many; neither prints a token. If Redis was recreated by the REDIS_PASSWORD rotation every session is already gone (the count is 0). Verify: an old token gets 401 on GET /api/auth/me.',
      commands: [READ_REDIS_PASSWORD, sessions.count, sessions.revoke],
    },
    'rotate.share-links': {
      title: 'Revoke share links',
      detail:
        'Share tokens are stored in plain text; revoke every active one. Verify: GET /api/sessions/{id}/shared/{token} fails.',
      commands: [psqlCommand(c, REVOKE_SHARE_LINKS_SQL)],
    },
    'rotate.internal-token': {
      title: 'Remove INTERNAL_API_TOKEN (if it was ever set)',
      detail:
        'Nothing in stock Crucible needs it; unset it on the frontend (and the api) and block /api/internal/verify-token at the proxy.',
      commands: [
        `umask 077 && mkdir -p ${ev} && cp -p .env ${ev}/env.before-token-removal && sed -i '/^INTERNAL_API_TOKEN=/d' .env`,
      ],
    },
    'rotate.apply': {
      title: 'Start the stack with the new secrets and loopback-bound ports',
      detail:
        'Recreate (`up -d`); `restart` keeps the old values. Then check that 8000 and 3000 listen on 127.0.0.1 only.',
      commands: [`${c} up -d`, `${c} ps`, `ss -ltn | grep -E ':(8000|3000) '`],
    },
    'logs.logins': {
      title: 'Logins',
      detail:
        'Any username is accepted and there is no rate limit: look for 200s from addresses you do not know and bursts of 401s (password guessing).',
      commands: [`${logs('api')} | grep -E 'POST /api/auth/login' | grep -E '" (200|401)'`],
    },
    'logs.key-reads': {
      title: 'Reads of secret material',
      detail:
        'Endpoints that return provider keys in plain text or parts of secrets: GET /api/user/settings/*-key and /provider-key/…, /api/debug/settings/check, /api/intake/upload/config-check, /api/health/auth-debug.',
      commands: [
        `${logs('api')} | grep -E 'GET /api/(user/settings/(openrouter-key|openai-key|anthropic-key|provider-key)|debug/settings/check|intake/upload/config-check|health/auth-debug)'`,
      ],
    },
    'logs.addresses': {
      title: 'Client addresses',
      detail:
        "Which addresses talked to the api, most active first. Behind a reverse proxy, read the proxy's access log instead.",
      commands: [
        `${logs('api')} | grep -oE '[0-9]{1,3}(\\.[0-9]{1,3}){3}:[0-9]+ - ' | cut -d: -f1 | sort | uniq -c | sort -rn | head -50`,
      ],
    },
    'logs.audit-table': {
      title: 'Data access log',
      detail:
        'Session reads and deletes by address (the export from Assess); look for addresses and times you cannot explain.',
      commands: [`less ${ev}/data_access_logs.txt`],
    },
    'logs.verify-token': {
      title: 'Use of the verify-token oracle',
      detail: 'Hits on /api/internal/verify-token mean someone was guessing INTERNAL_API_TOKEN character by character.',
      commands: [`${logs('api frontend')} | grep -c '/api/internal/verify-token'`],
    },
    'logs.secrets-in-logs': {
      title: 'Secrets written to logs: purge old logs',
      detail:
        'The api and worker log "[redis] Initializing standard Redis client from URL: …" with the Redis password, and intake logs 10–20 characters of provider keys. The first command counts such lines (it never prints them). Once REDIS_PASSWORD and the provider keys are rotated these are dead values, but delete every copy outside the evidence folder: log shippers, journald (if it is the logging driver), old rotated files. The new containers log the new password too: limit who may run `docker logs` on this host.',
      commands: [
        `${c} logs --no-color api worker | grep -c '\\[redis\\] Initializing standard Redis client from URL'`,
        "docker info --format '{{.LoggingDriver}}'",
        'sudo journalctl --rotate && sudo journalctl --vacuum-time=1s   # only if the logging driver is journald',
      ],
    },
    'notify.review': {
      title: 'Review the notice',
      detail: 'The notice below is filled from this incident. Add what users should do, then copy it.',
      commands: [],
    },
    'notify.send': {
      title: 'Send the notice to affected users',
      detail: 'Send it through your usual channel, or skip with the reason if no user data was exposed.',
      commands: [],
    },
    'document.export': {
      title: 'Export a copy of the incident report',
      detail:
        "Closing the incident writes the final report (Markdown and printable HTML) to the app's folder. Export a copy any time to share it: the timeline from the journal and your entries, the actions, the secrets rotated by name and generation. Never a value.",
      commands: [],
    },
    'document.evidence': {
      title: 'Secure or delete the evidence folder',
      detail:
        'It holds logs with the old Redis password and a database dump. Move it somewhere private and encrypted, or delete it.',
      commands: [`tar -czf ${ev}.tar.gz ${ev} && chmod 600 ${ev}.tar.gz && rm -r ${ev}`],
    },
  };

  return RUNBOOK_SKELETON.map((s) => {
    const t = text[s.id];
    if (!t) throw new Error(`runbook item ${s.id} has no text`);
    return { ...s, ...t };
  });
}
