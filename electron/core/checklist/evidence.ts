import type { AuditContext } from '../audit/types';
import { fileLocator, type ProxyConfigFact, type ProxyConfigLocator } from '../proxy/audit-rules';
import { readLocalFirewall, type FirewallFact } from './firewall';
import { BACKUP_POLICY_DAYS, type ChecklistProof } from './items';

/**
 * The facts, besides the audit's findings, that verify a checklist item (issue 22: "done only with evidence
 * the app can show"). Gathered once per audit by the audit service, next to the findings, so that the
 * Checklist page, the Dashboard, the report and the CLI judge from the same evaluation.
 */
export interface ChecklistFacts {
  /** Proxy configurations the audit found for this deployment; null when the app could not look (a server). */
  proxies: readonly ProxyConfigFact[] | null;
  /** The newest `backup.exported` journal entry of this deployment (ISO); null = none on record. */
  newestBackupAt: string | null;
  /** This machine's firewall as far as the app can read it; null when it cannot (or the deployment is elsewhere). */
  firewall: FirewallFact | null;
}

export const NO_FACTS: ChecklistFacts = { proxies: null, newestBackupAt: null, firewall: null };

/** One year in seconds: the HSTS max-age the proxy rules (proxy/audit-rules.ts) require. */
const HSTS_MIN_SECONDS = 31_536_000;
const DAY = 86_400_000;

/** What a proof says: verified with its evidence, or why it does not verify (failing = evidence against). */
export type ProofResult =
  { verified: true; evidence: string } | { verified: false; failing: boolean; evidence: string };

const date = (iso: string) => iso.slice(0, 10);

function https(facts: ChecklistFacts): ProofResult {
  if (facts.proxies === null)
    return {
      verified: false,
      failing: false,
      evidence: 'The app cannot look for the proxy configuration of a deployment on a server.',
    };
  const good = facts.proxies.filter((p) => p.hsts !== null && p.hsts.maxAge >= HSTS_MIN_SECONDS);
  const first = good[0];
  if (first?.hsts)
    return {
      verified: true,
      evidence: `Proxy configuration ${first.path} (${first.kind}) sends HSTS max-age=${String(first.hsts.maxAge)}.`,
    };
  if (facts.proxies.length > 0)
    return {
      verified: false,
      failing: true,
      evidence: `Proxy configuration ${facts.proxies.map((p) => p.path).join(', ')} found, but it sends no HSTS for at least a year.`,
    };
  return {
    verified: false,
    failing: false,
    evidence:
      'No reverse-proxy configuration for this deployment was found (deployment folder, /etc/nginx, /etc/caddy).',
  };
}

function backup(facts: ChecklistFacts, now: Date): ProofResult {
  // None yet is to do, not a failure: a deployment just set up has had no chance (the finish page's next step).
  if (facts.newestBackupAt === null)
    return {
      verified: false,
      failing: false,
      evidence: 'No backup of this deployment is on record in the journal yet; the Backup page makes one.',
    };
  const age = Math.floor((now.getTime() - Date.parse(facts.newestBackupAt)) / DAY);
  if (age <= BACKUP_POLICY_DAYS)
    return {
      verified: true,
      evidence: `Backup exported on ${date(facts.newestBackupAt)} (journal), within the ${String(BACKUP_POLICY_DAYS)}-day policy.`,
    };
  return {
    verified: false,
    failing: true,
    evidence: `The newest backup on record is from ${date(facts.newestBackupAt)}, ${String(age)} days ago: older than the ${String(BACKUP_POLICY_DAYS)}-day policy.`,
  };
}

function firewall(facts: ChecklistFacts): ProofResult {
  const fw = facts.firewall;
  if (fw === null)
    return {
      verified: false,
      failing: false,
      evidence: "The app cannot read the firewall rules of this deployment's host (no ufw configuration it can read).",
    };
  if (fw.enabled && fw.defaultDenyIncoming)
    return {
      verified: true,
      evidence: `ufw is enabled and drops incoming traffic by default (read from ${fw.source}).`,
    };
  return {
    verified: false,
    failing: true,
    evidence: fw.enabled
      ? `ufw is enabled but does not deny incoming traffic by default (read from ${fw.source}).`
      : `ufw is not enabled (read from ${fw.source}).`,
  };
}

/** Runs one proof over the facts. */
export function prove(proof: ChecklistProof, facts: ChecklistFacts, now: Date): ProofResult {
  switch (proof) {
    case 'https':
      return https(facts);
    case 'backup':
      return backup(facts, now);
    case 'firewall':
      return firewall(facts);
  }
}

/** The audit-time facts (the journal's backups are read when the checklist is evaluated). */
export type AuditFacts = Omit<ChecklistFacts, 'newestBackupAt'>;

/**
 * Gathers the facts beside one audit: the proxy configurations the proxy rules look at (same locator, so
 * "HTTPS configured" and PROXY_* findings agree), and the firewall of this machine. For a deployment on a
 * server (`remote`) neither can be read from here, so both are null and the items fall to the admin's tick.
 */
export async function gatherAuditFacts(
  ctx: AuditContext,
  remote: boolean,
  deps: { locate?: ProxyConfigLocator; firewall?: () => Promise<FirewallFact | null> } = {},
): Promise<AuditFacts> {
  if (remote) return { proxies: null, firewall: null };
  let proxies: ProxyConfigFact[] | null;
  try {
    proxies = (deps.locate ?? fileLocator())(ctx);
  } catch {
    proxies = null; // unreadable folders: no evidence either way
  }
  return { proxies, firewall: await (deps.firewall ?? readLocalFirewall)() };
}
