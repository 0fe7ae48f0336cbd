import type { Incident } from '../../common/model/incident';

/**
 * The Notify step's message to users, generated from what actually happened in the incident: what the
 * admin recorded (what was exposed, since when, which secrets, who), what the runbook did (the rotation
 * run's results, the items ticked done) and what is still to do. Plain text, ready to copy into an e-mail.
 * It names secrets by what they protect, never by value, and claims nothing the record does not show.
 */

/**
 * What a leaked secret gives access to, in users' words (docs/crucible.md). Null: it protects no user data.
 * Crucible issues no JWTs: logins are opaque session tokens kept in Redis, so the JWT secrets guard nothing
 * a user owns (the refresh secret is never used at all).
 */
const DATA_AT_RISK: Record<string, string | null> = {
  API_KEY_ENCRYPTION_KEY:
    "the LLM provider API keys users stored in Crucible's settings (they can be decrypted with this key)",
  ROUNDTABLE_COMMUNITY_AUTH_PASSWORD:
    'the login password, which gives full access to every debate and to the stored provider keys',
  POSTGRES_PASSWORD: 'the database: debates and their content, settings, share links and the (encrypted) provider keys',
  POSTGRES_USER: 'the database account name',
  REDIS_PASSWORD: 'login sessions (whoever holds one is logged in) and the state of running debates',
  ROUNDTABLE_JWT_SECRET: null,
  ROUNDTABLE_JWT_REFRESH_SECRET: null,
  ROUNDTABLE_OPENROUTER_API_KEY: "the server's OpenRouter account (usage may be billed)",
  ROUNDTABLE_EDEN_AI_API_KEY: "the server's Eden AI account (usage may be billed)",
  INTERNAL_API_TOKEN: 'the internal report-generation endpoint',
};

/** Each secret as "what we replaced", in users' words. */
const SECRET_LABEL: Record<string, string> = {
  API_KEY_ENCRYPTION_KEY: 'the key that encrypts stored provider API keys',
  ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: 'the login password',
  POSTGRES_PASSWORD: 'the database password',
  REDIS_PASSWORD: 'the password of the session store',
  ROUNDTABLE_JWT_SECRET: 'an unused token-signing secret',
  ROUNDTABLE_JWT_REFRESH_SECRET: 'an unused refresh-token secret',
  ROUNDTABLE_OPENROUTER_API_KEY: "the server's OpenRouter API key",
  ROUNDTABLE_EDEN_AI_API_KEY: "the server's Eden AI API key",
  INTERNAL_API_TOKEN: 'the internal API token',
};

/** Secrets whose leak can reach the provider keys users stored (read through the database, a session or the key). */
const REACHES_PROVIDER_KEYS = new Set([
  'API_KEY_ENCRYPTION_KEY',
  'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
  'POSTGRES_PASSWORD',
  'REDIS_PASSWORD',
]);

export interface NoticeInput {
  incident: Incident;
  deploymentName: string;
}

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ') + ' UTC';
const label = (variable: string) => SECRET_LABEL[variable] ?? `the secret ${variable}`;
const list = (xs: string[]) =>
  xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1] ?? ''}`;

/** What happened to the secrets: replaced, and chosen but not (yet) replaced. */
export function rotationOutcome(incident: Incident): { rotated: string[]; notRotated: string[] } {
  const items = incident.rotation?.items ?? [];
  return {
    rotated: items.filter((i) => i.status === 'rotated').map((i) => i.variable),
    notRotated: items.filter((i) => i.status !== 'rotated').map((i) => i.variable),
  };
}

/**
 * Whether every login session is gone: revoked by the runbook item, or Redis recreated by the rotation of
 * its password (Redis keeps no data on disk, so recreating it drops every session).
 */
export function sessionsRevoked(incident: Incident): boolean {
  return (
    incident.ticks['rotate.sessions']?.outcome === 'done' ||
    rotationOutcome(incident).rotated.includes('REDIS_PASSWORD')
  );
}

/** The notice text. */
export function renderNotice({ incident, deploymentName }: NoticeInput): string {
  const a = incident.answers;
  const done = (id: string) => incident.ticks[id]?.outcome === 'done';
  const { rotated, notRotated } = rotationOutcome(incident);
  const revoked = sessionsRevoked(incident);
  const lines: string[] = [];
  lines.push(`Subject: Security incident on ${deploymentName}: what happened and what to do`);
  lines.push('');
  lines.push('What happened');
  lines.push(
    `${incident.title}. We noticed it on ${day(incident.openedAt)}.` +
      (a.since ? ` It may have started on ${day(a.since)}.` : ''),
  );
  if (a.whatExposed) lines.push(a.whatExposed);
  lines.push('');

  lines.push('Which data may be affected');
  const atRisk = a.secrets
    .map((s) => (s in DATA_AT_RISK ? DATA_AT_RISK[s] : `data protected by the secret ${s}`))
    .filter((x): x is string => typeof x === 'string');
  if (atRisk.length === 0) lines.push('- We have found no evidence that user data was exposed.');
  for (const text of [...new Set(atRisk)]) lines.push(`- ${text}`);
  const jwt = a.secrets.filter((s) => DATA_AT_RISK[s] === null).length;
  if (jwt > 0) {
    lines.push(
      `- The exposed JWT secret${jwt > 1 ? 's protect' : ' protects'} no user data: Crucible issues no JWTs, and logins use session tokens kept in Redis.`,
    );
  }
  if (a.users) lines.push(`Affected users: ${a.users}`);
  lines.push('');

  lines.push('What we did');
  const actions: string[] = [];
  if (done('isolate.stop-public')) actions.push('Took the service offline while we investigated');
  if (done('isolate.bind-loopback') || done('isolate.firewall'))
    actions.push('Closed the service to traffic from outside the server');
  if (rotated.length > 0) actions.push(`Replaced ${list(rotated.map(label))} with new random values`);
  if (revoked) actions.push('Ended every login session');
  if (done('rotate.provider-keys'))
    actions.push('Revoked the LLM provider API keys stored on the server at the providers and replaced them');
  if (done('rotate.share-links')) actions.push('Revoked every shared debate link');
  if (done('logs.secrets-in-logs')) actions.push('Deleted old server logs that contained secrets');
  lines.push(
    ...(actions.length > 0 ? actions.map((x) => `- ${x}.`) : ['- We are investigating; nothing has been changed yet.']),
  );
  if (notRotated.length > 0) lines.push(`- Not done yet: replacing ${list(notRotated.map(label))}.`);
  lines.push('');

  lines.push('What you should do');
  const todo: string[] = [];
  if (revoked) todo.push('Log in again: every existing login session was ended.');
  if (rotated.includes('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD'))
    todo.push('The login password has changed; you will receive the new one separately (never by this message).');
  // With no secret named, the exposure is unknown: advise caution rather than claim the keys are safe.
  if (a.secrets.length === 0 || a.secrets.some((s) => REACHES_PROVIDER_KEYS.has(s))) {
    todo.push(
      'Revoke the LLM provider API keys you stored in Crucible at the provider (OpenRouter, OpenAI, Anthropic, …), create new ones, and enter them in Settings.',
    );
    todo.push('Check your provider accounts for usage you do not recognise.');
  }
  if (done('rotate.share-links')) todo.push('Shared debate links no longer work; share again where still needed.');
  lines.push(
    ...(todo.length > 0 ? todo.map((x) => `- ${x}`) : ['- Nothing for now; we will tell you if that changes.']),
  );
  if (incident.noticeExtra) {
    lines.push('');
    lines.push(incident.noticeExtra);
  }
  return lines.join('\n') + '\n';
}
