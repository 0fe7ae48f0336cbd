/**
 * The security guide's checklists (reference/security-guide.md: "Environment Variables → Security
 * Checklist", "Security Checklist → Pre-Production" and "→ Ongoing") as items. An item is
 * - `evaluated`: decided by the audit, from the findings listed in `failsOn` (warning or worse);
 * - `manual`: verified when the app can show evidence for it (`proof`: a proxy configuration with HSTS, a
 *   backup within {@link BACKUP_POLICY_DAYS} in the journal, firewall rules it could read), otherwise done
 *   only by the admin's tick with a note, shown as "ticked by you"; `blockedBy` findings make it fail either
 *   way (a firewall cannot be "set" while PostgreSQL is published on every interface);
 * - `ongoing`: a manual item that expires after `periodDays` and is then due again.
 */
export type ChecklistList = 'environment' | 'pre-production' | 'ongoing';

export interface ChecklistItemDef {
  id: string;
  list: ChecklistList;
  /** The guide's wording. */
  title: string;
  /** What it means for a Crucible deployment and how to satisfy it. */
  help: string;
  mode: 'evaluated' | 'manual' | 'ongoing';
  failsOn?: readonly string[];
  blockedBy?: readonly string[];
  /** The evidence that verifies a manual item without a tick (checklist/evidence.ts). */
  proof?: ChecklistProof;
  periodDays?: number;
}

export type ChecklistProof = 'https' | 'backup' | 'firewall';

/**
 * The backup policy: a deployment's secrets are backed up (the app's encrypted export, journalled as
 * `backup.exported`) at least this often; an older newest backup no longer verifies the backup items.
 */
export const BACKUP_POLICY_DAYS = 30;

export const CHECKLIST_LISTS: Record<ChecklistList, string> = {
  environment: 'Environment variables',
  'pre-production': 'Pre-production',
  ongoing: 'Ongoing',
};

const WEAK = [
  'ENV_MISSING_REQUIRED',
  'ENV_WEAK_VALUE',
  'ENV_TOO_SHORT',
  'ENV_DEFAULT_VALUE',
  'ENV_ADMIN_PASSWORD',
  'ENV_VALUE_REUSED',
];

export const CHECKLIST: readonly ChecklistItemDef[] = [
  {
    id: 'env-strong-unique',
    list: 'environment',
    mode: 'evaluated',
    title: 'All secrets are strong and unique',
    help: 'Every secret is long, random, not a known default, and used by one variable in one deployment only.',
    failsOn: [...WEAK, 'CROSS_SECRET_REUSED', 'COMPOSE_HARDCODED_SECRET', 'ENV_FILE_MISSING'],
  },
  {
    id: 'env-gitignored',
    list: 'environment',
    mode: 'evaluated',
    title: '.env file is in .gitignore',
    help: '.env and its backups are ignored by git and not tracked.',
    failsOn: ['FILES_ENV_NOT_GITIGNORED', 'FILES_ENV_TRACKED', 'FILES_BACKUP_TRACKED'],
  },
  {
    id: 'env-backed-up',
    list: 'environment',
    mode: 'manual',
    proof: 'backup',
    title: '.env file is backed up securely',
    help: `An encrypted backup of the secrets made with the app (Backup page, or \`crucible-secrets backup export DIR\`) in the last ${String(BACKUP_POLICY_DAYS)} days, kept away from this host, and local copies are mode 600. API_KEY_ENCRYPTION_KEY cannot be recovered otherwise. A backup made with other tools counts only when you tick it with a note.`,
    blockedBy: ['FILES_ENV_READABLE', 'FILES_BACKUP_READABLE', 'ENV_FILE_MISSING'],
  },
  {
    id: 'env-no-secrets-code-logs',
    list: 'environment',
    mode: 'evaluated',
    title: 'No secrets in code or logs',
    help: 'No secret is written in a compose file, on a command line, in a healthcheck, or in an image build context. Crucible itself logs the Redis URL (see the known issue): keep logs private.',
    failsOn: [
      'COMPOSE_HARDCODED_SECRET',
      'COMPOSE_SECRET_ON_COMMAND_LINE',
      'COMPOSE_SECRET_IN_HEALTHCHECK',
      'FILES_ENV_IN_BUILD_CONTEXT',
      'FILES_ENV_TRACKED',
      'FILES_BACKUP_TRACKED',
    ],
  },
  {
    id: 'env-validated',
    list: 'environment',
    mode: 'evaluated',
    title: 'Environment variables validated on startup',
    help: "The .env passes check-env for this environment and every variable the compose files need is set. (The production compose never runs Crucible's own validate_env.py.)",
    failsOn: [
      'ENV_MISSING_REQUIRED',
      'ENV_INVALID_VALUE',
      'ENV_MODE_MISMATCH',
      'ENV_DUPLICATE_KEY',
      'ENV_UNSET_REFERENCE',
      'ENV_INVALID_TEMPLATE',
      'ENV_FILE_MISSING',
      'COMPOSE_VARIABLE_NOT_SET',
      'COMPOSE_REQUIRED_VARIABLE_MISSING',
      'COMPOSE_BAD_INTERPOLATION',
      'COMPOSE_YAML_INVALID',
    ],
  },
  {
    id: 'pre-passwords-hashed',
    list: 'pre-production',
    mode: 'evaluated',
    title: 'Passwords hashed',
    help: 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD is a bcrypt hash, single-quoted in .env, and reaches the api intact (a damaged hash is compared as plain text: docs/crucible.md#a-damaged-login-hash).',
    failsOn: [
      'ENV_PLAINTEXT_PASSWORD',
      'ENV_ADMIN_PASSWORD',
      'ENV_PASSWORD_TOO_LONG',
      'ENV_FILE_MISSING',
      'KNOWN_LOGIN_HASH_READ_AS_PLAIN_TEXT',
    ],
  },
  {
    id: 'pre-strong-keys',
    list: 'pre-production',
    mode: 'evaluated',
    title: 'Strong encryption keys',
    help: 'API_KEY_ENCRYPTION_KEY and both JWT secrets are random and long (43 and 64 characters when generated by the app).',
    failsOn: [
      'ENV_WEAK_VALUE',
      'ENV_TOO_SHORT',
      'ENV_DEFAULT_VALUE',
      'ENV_MISSING_REQUIRED',
      'ENV_UNSAFE_CHARSET',
      'ENV_FILE_MISSING',
    ],
  },
  {
    id: 'pre-https',
    list: 'pre-production',
    mode: 'manual',
    proof: 'https',
    title: 'HTTPS configured',
    help: "A TLS reverse proxy (the app's HTTPS page) serves the frontend and API and sends HSTS for at least a year; the containers' ports are bound to 127.0.0.1; URLs in .env use https://. Verified when the audit finds the proxy configuration (in the deployment folder, /etc/nginx or /etc/caddy); a proxy on another machine counts only when you tick it with a note.",
    blockedBy: [
      'PROXY_HSTS_MISSING',
      'PROXY_BYPASSABLE',
      'COMPOSE_PORT_ALL_INTERFACES',
      'ENV_INSECURE_URL',
      'ENV_HTTP_REWRITTEN',
    ],
  },
  {
    id: 'pre-cors',
    list: 'pre-production',
    mode: 'evaluated',
    title: 'CORS properly configured',
    help: 'The compose file takes ROUNDTABLE_CORS_ORIGINS from .env, and .env lists only your https:// origins (no http://localhost:3000), each with its full host name (a bare example.org admits every subdomain: docs/crucible.md#cors-and-subdomains).',
    failsOn: ['COMPOSE_HARDCODED_CORS', 'ENV_INSECURE_ORIGIN', 'KNOWN_CORS_ADMITS_SUBDOMAINS'],
  },
  {
    id: 'pre-firewall',
    list: 'pre-production',
    mode: 'manual',
    proof: 'firewall',
    title: 'Firewall rules set',
    help: "Only the proxy's ports are reachable. Docker-published ports bypass ufw, so nothing may be published on all interfaces. Verified when the app can read an enabled ufw with a default deny for incoming traffic on this machine; otherwise tick it with a note saying which rules you checked.",
    blockedBy: ['COMPOSE_DATASTORE_PORT_PUBLISHED', 'COMPOSE_NETWORK_MODE_HOST', 'COMPOSE_PORT_ALL_INTERFACES'],
  },
  {
    id: 'pre-backups',
    list: 'pre-production',
    mode: 'manual',
    proof: 'backup',
    title: 'Backups configured',
    help: `Regular encrypted backups of the secrets (the app's Backup page, at least every ${String(BACKUP_POLICY_DAYS)} days) and a pg_dump of the database, with a restore that was tested. The app verifies the secrets backup from its journal; the database dump and the restore test are yours to check.`,
  },
  {
    id: 'pre-monitoring',
    list: 'pre-production',
    mode: 'manual',
    title: 'Monitoring enabled',
    help: "Someone is alerted when the stack is down or login attempts spike (Crucible records no login attempts; watch the proxy's access log).",
  },
  {
    id: 'pre-logs-secured',
    list: 'pre-production',
    mode: 'manual',
    title: 'Logs secured',
    help: 'Container logs contain the Redis password and key prefixes (docs/crucible.md#partial-secrets-in-logs-and-responses): restrict docker access, rotate and purge logs.',
  },
  {
    id: 'ongoing-security-review',
    list: 'ongoing',
    mode: 'ongoing',
    periodDays: 90,
    title: 'Regular security reviews',
    help: 'Run this audit, read the findings and the journal, and re-tick this list.',
  },
  {
    id: 'ongoing-dependency-updates',
    list: 'ongoing',
    mode: 'ongoing',
    periodDays: 30,
    title: 'Dependency updates',
    help: 'Pull new image versions deliberately (pinned tags), read release notes, update the host.',
  },
  {
    id: 'ongoing-log-monitoring',
    list: 'ongoing',
    mode: 'ongoing',
    periodDays: 7,
    title: 'Log monitoring',
    help: 'Look through the api and proxy logs for failed logins (401 on POST /api/auth/login) and key reads.',
  },
  {
    id: 'ongoing-access-review',
    list: 'ongoing',
    mode: 'ongoing',
    periodDays: 90,
    title: 'Access control reviews',
    help: 'Review who can log in to the host, run docker, read .env and the backups; rotate the login password if anyone left.',
  },
  {
    id: 'ongoing-incident-plan',
    list: 'ongoing',
    mode: 'ongoing',
    periodDays: 365,
    title: 'Incident response plan',
    help: 'The incident runbook is known to whoever is on call, and was walked through this year. After a Redis outage, sessions created meanwhile live in the api process and survive deleting the Redis keys: recreate the api to end them (docs/crucible.md#sessions-when-redis-is-down).',
  },
];

export function checklistItem(id: string): ChecklistItemDef | undefined {
  return CHECKLIST.find((i) => i.id === id);
}
