/**
 * Which links may leave the app for the OS browser (issue 19). A link the renderer follows (a
 * `target=_blank` anchor, a navigation) is never opened inside the app (hardening.ts); it goes to the OS
 * browser only when it is https without credentials and either on the allow-list below or confirmed by
 * the admin in a dialog naming the host. Pure functions plus a small opener with injected effects, so
 * everything but the Electron calls is unit-tested.
 */

/** Hosts (and their subdomains) that open without asking: Crucible's own site and docs, Let's Encrypt. */
const TRUSTED_HOSTS = ['roundtablelabs.ai', 'letsencrypt.org'] as const;
/** Path prefixes on shared hosts: Crucible's repository on GitHub (README, issues, docs in the tree). */
const TRUSTED_PREFIXES: ReadonlyArray<{ host: string; path: string }> = [
  { host: 'github.com', path: '/roundtable-labs/crucible-community' },
];

export type LinkDecision =
  { action: 'open'; url: string } | { action: 'confirm'; url: string; host: string } | { action: 'refuse' };

function underHost(host: string, base: string): boolean {
  return host === base || host.endsWith(`.${base}`);
}

/**
 * Decides what to do with a link.
 * @param confirmedOrigins origins the admin already confirmed in this session (the deployment's own URL
 *   is typically one of them: it is asked once, naming its host).
 */
export function decideExternalLink(url: string, confirmedOrigins: ReadonlySet<string> = new Set()): LinkDecision {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { action: 'refuse' };
  }
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '' || u.hostname === '')
    return { action: 'refuse' };
  const host = u.hostname.toLowerCase();
  if (u.port === '' && TRUSTED_HOSTS.some((h) => underHost(host, h))) return { action: 'open', url: u.href };
  if (
    u.port === '' &&
    TRUSTED_PREFIXES.some((p) => host === p.host && (u.pathname === p.path || u.pathname.startsWith(`${p.path}/`)))
  )
    return { action: 'open', url: u.href };
  if (confirmedOrigins.has(u.origin)) return { action: 'open', url: u.href };
  return { action: 'confirm', url: u.href, host: u.host };
}

/** The confirmation dialog (Electron's MessageBoxOptions shape): Cancel is the default and the escape answer. */
export function confirmLinkDialog(host: string): {
  type: 'question';
  buttons: string[];
  defaultId: number;
  cancelId: number;
  title: string;
  message: string;
  detail: string;
  noLink: true;
} {
  return {
    type: 'question',
    buttons: ['Cancel', 'Open in browser'],
    defaultId: 0,
    cancelId: 0,
    title: 'Open an outside link?',
    message: `Open ${host} in your web browser?`,
    detail: `The link leads to ${host}, which is not one of the sites Crucible Secrets opens without asking (Crucible's site and repository, Let's Encrypt). Open it only if you expected to go there, for example your deployment's own address.`,
    noLink: true,
  };
}

export interface LinkOpenerDeps {
  openExternal: (url: string) => Promise<void> | void;
  /** Shows the dialog; resolves to true when the admin chose to open. */
  confirm: (dialog: ReturnType<typeof confirmLinkDialog>) => Promise<boolean>;
}

/**
 * The one function main uses to send a link to the OS browser. A confirmed origin is remembered for the
 * rest of the session (not on disk).
 * @returns whether the link was opened.
 */
export function createLinkOpener(deps: LinkOpenerDeps): (url: string) => Promise<boolean> {
  const confirmed = new Set<string>();
  return async (url) => {
    const d = decideExternalLink(url, confirmed);
    if (d.action === 'refuse') return false;
    if (d.action === 'confirm') {
      if (!(await deps.confirm(confirmLinkDialog(d.host)))) return false;
      confirmed.add(new URL(d.url).origin);
    }
    await deps.openExternal(d.url);
    return true;
  };
}
