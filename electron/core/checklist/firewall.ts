import { readFile } from 'node:fs/promises';

/**
 * What the app can read back of this machine's firewall without privileges: Debian's ufw keeps whether it
 * is enabled in /etc/ufw/ufw.conf and its default incoming policy in /etc/default/ufw, both world-readable.
 * The rules themselves (/etc/ufw/user.rules, `ufw status`, `nft list ruleset`) need root, so an enabled ufw
 * that drops incoming traffic by default is the evidence; anything else leaves the item to the admin's tick.
 */
export interface FirewallFact {
  /** The files the fact was read from. */
  source: string;
  enabled: boolean;
  defaultDenyIncoming: boolean;
}

export const UFW_FILES: { conf: string; defaults: string } = {
  conf: '/etc/ufw/ufw.conf',
  defaults: '/etc/default/ufw',
};

/** `KEY=value` / `KEY="value"` of a shell-style config file, comments ignored. */
function setting(text: string, key: string): string | null {
  for (const line of text.split('\n')) {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*"?([^"#\\s]*)"?`).exec(line);
    if (m) return m[1] ?? '';
  }
  return null;
}

/** The ufw fact from the two files' texts; null when ufw is not configured there. */
export function ufwFact(conf: string | null, defaults: string | null, files = UFW_FILES): FirewallFact | null {
  if (conf === null) return null;
  const enabled = setting(conf, 'ENABLED')?.toLowerCase() === 'yes';
  const policy = defaults === null ? null : setting(defaults, 'DEFAULT_INPUT_POLICY')?.toUpperCase();
  return {
    source: `${files.conf}, ${files.defaults}`,
    enabled,
    defaultDenyIncoming: policy === 'DROP' || policy === 'REJECT',
  };
}

/**
 * Reads the ufw fact of this machine (for a deployment on it); null when ufw's files are absent or unreadable.
 * Never throws: a firewall the app cannot read is not evidence either way.
 */
export async function readLocalFirewall(files = UFW_FILES): Promise<FirewallFact | null> {
  const read = (p: string) => readFile(p, 'utf8').catch(() => null);
  const [conf, defaults] = await Promise.all([read(files.conf), read(files.defaults)]);
  return ufwFact(conf, defaults, files);
}
