import type { Incident } from '../../common/model/incident';

/**
 * The Notify step's message to users, filled from the incident (what happened, which data, what was done,
 * what users should do). Plain text, ready to copy into an e-mail. It names secrets by what they protect,
 * never by value.
 */

/** What a leaked secret gives access to, in users' words (crucible-facts.md §5, §6.3, §7, §13). */
const DATA_AT_RISK: Record<string, string> = {
  API_KEY_ENCRYPTION_KEY: 'the LLM provider API keys users stored in Crucible\'s settings (they can be decrypted with this key)',
  ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: 'the login password, which gives full access to every debate and to the stored provider keys',
  POSTGRES_PASSWORD: 'the database: debates and their content, settings, share links and the (encrypted) provider keys',
  POSTGRES_USER: 'the database account name',
  REDIS_PASSWORD: 'login sessions and the state of running debates',
  ROUNDTABLE_JWT_SECRET: 'no user data (Crucible issues no tokens signed with it)',
  ROUNDTABLE_JWT_REFRESH_SECRET: 'no user data (it is never used)',
  ROUNDTABLE_OPENROUTER_API_KEY: 'the server\'s OpenRouter account (usage may be billed)',
  ROUNDTABLE_EDEN_AI_API_KEY: 'the server\'s Eden AI account (usage may be billed)',
  INTERNAL_API_TOKEN: 'the internal report-generation endpoint',
};

export interface NoticeInput {
  incident: Incident;
  deploymentName: string;
  /** Titles of the items done, by id (from the rendered runbook). */
  itemTitles: Record<string, string>;
}

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ') + ' UTC';

/** The notice text. */
export function renderNotice({ incident, deploymentName, itemTitles }: NoticeInput): string {
  const a = incident.answers;
  const done = (id: string) => incident.ticks[id]?.outcome === 'done';
  const lines: string[] = [];
  lines.push(`Subject: Security incident on ${deploymentName}: what happened and what to do`);
  lines.push('');
  lines.push('What happened');
  lines.push(`${incident.title}. We noticed it on ${day(incident.openedAt)}.` + (a.since ? ` It may have started on ${day(a.since)}.` : ''));
  if (a.whatExposed) lines.push(a.whatExposed);
  lines.push('');
  lines.push('Which data may be affected');
  if (a.secrets.length === 0) lines.push('- We have found no evidence that user data was exposed.');
  for (const s of a.secrets) lines.push(`- ${DATA_AT_RISK[s] ?? `data protected by the secret ${s}`}`);
  if (a.users) lines.push(`Affected users: ${a.users}`);
  lines.push('');
  lines.push('What we did');
  const actions = ['isolate.stop-public', 'isolate.bind-loopback', 'isolate.firewall', 'rotate.provider-keys', 'rotate.sessions', 'rotate.share-links', 'logs.secrets-in-logs']
    .filter(done)
    .map((id) => `- ${itemTitles[id] ?? id}`);
  const rotated = incident.rotation?.items.filter((i) => i.status === 'rotated').length ?? 0;
  if (rotated > 0) actions.push(`- Replaced ${String(rotated)} server secret${rotated === 1 ? '' : 's'} (passwords and keys) with new random values`);
  lines.push(...(actions.length > 0 ? actions : ['- We took the service offline while we investigate.']));
  lines.push('');
  lines.push('What you should do');
  if (done('rotate.sessions') || rotated > 0) lines.push('- Log in again: every existing login session was ended.');
  if (incident.rotation?.items.some((i) => i.variable === 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD' && i.status === 'rotated')) {
    lines.push('- The login password has changed; you will receive the new one separately (never by this message).');
  }
  lines.push('- Revoke the LLM provider API keys you stored in Crucible at the provider (OpenRouter, OpenAI, Anthropic, …), create new ones, and enter them in Settings.');
  lines.push('- Check your provider accounts for usage you do not recognise.');
  if (done('rotate.share-links')) lines.push('- Shared debate links no longer work; share again where still needed.');
  if (incident.noticeExtra) {
    lines.push('');
    lines.push(incident.noticeExtra);
  }
  return lines.join('\n') + '\n';
}
