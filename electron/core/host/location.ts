import { isIPv6 } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { HostErrorCode } from './errors';

/**
 * A deployment's location: a folder on this computer, or `ssh://[user@]host[:port]/absolute/path`.
 * `host` may be an alias from ~/.ssh/config (OpenSSH resolves it). Its schema is location-schema.ts: this
 * file loads no zod, as the CLI's check-env parses an `ssh://` .env location with it (issue 20).
 */
export type Location =
  | { kind: 'local'; path: string }
  | { kind: 'ssh'; user: string | null; host: string; port: number | null; path: string };

const EXAMPLE =
  'Write a folder on this computer, or ssh://user@server/srv/crucible (an ~/.ssh/config alias works as the server).';
// A host name, an ~/.ssh/config alias or an IPv4 address. No leading '-': ssh would read it as an option.
const HOST_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const USER_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

function invalid(message: string): AppError {
  return new AppError(HostErrorCode.LocationInvalid, message);
}

/**
 * Reads what the admin typed as a deployment's location. A local folder is resolved against `cwd`; an
 * `ssh://` location is taken literally (no percent-decoding) and must name an absolute folder.
 * @throws AppError LOCATION_INVALID naming what is wrong (never echoing a password found in the input)
 */
export function parseLocation(input: string, cwd: string): Location {
  // C0/C1 controls (newline, escape, NUL…) have no place in a path and could forge log lines or options.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(input))
    throw invalid('The location contains a control character (a newline, tab or escape). Type it again without them.');
  if (input.trim() === '') throw invalid(`The location is empty. ${EXAMPLE}`);
  if (/^ssh:\/\//i.test(input)) return parseSsh(input.slice('ssh://'.length));
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(input);
  if (scheme) throw invalid(`"${scheme[1] ?? ''}://" locations are not supported. ${EXAMPLE}`);
  // scp-style `host:/path` would silently become a local folder named "host:"; say what was meant.
  if (/^[^/\\]+:\//.test(input) && !/^[A-Za-z]:[\\/]/.test(input))
    throw invalid('Write a server location as ssh://[user@]host[:port]/absolute/path, not host:/path.');
  return { kind: 'local', path: isAbsolute(input) ? resolve(input) : resolve(cwd, input) };
}

function parseSsh(rest: string): Location {
  if (rest.includes('?') || rest.includes('#'))
    throw invalid(
      'An ssh:// location takes no "?…" query or "#…" fragment. Remove them (a folder name with ? or # is not supported).',
    );
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const rawPath = slash < 0 ? '' : rest.slice(slash);

  let user: string | null = null;
  let hostPort = authority;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userInfo = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
    // Never echo the part after ':' — it is a password.
    if (userInfo.includes(':'))
      throw invalid(
        'The location contains a password (user:password@). The app never stores SSH passwords: remove it and use a key (ssh-agent or IdentityFile in ~/.ssh/config).',
      );
    if (userInfo.includes('@')) throw invalid('The user part of the location contains more than one "@".');
    if (userInfo.startsWith('-'))
      throw invalid(`The user name "${userInfo}" starts with "-"; ssh would read it as an option. Check the location.`);
    if (!USER_RE.test(userInfo))
      throw invalid(`The user name "${userInfo}" is not valid: use letters, digits, ".", "_" and "-".`);
    user = userInfo;
  }

  let host: string;
  let portText: string | null = null;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) throw invalid('The IPv6 address is missing its closing "]".');
    host = hostPort.slice(1, close);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw invalid('After "]" only ":port" may follow.');
    if (after !== '') portText = after.slice(1);
    if (!isIPv6(host)) throw invalid(`"${host}" between brackets is not an IPv6 address.`);
  } else {
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    if (colon >= 0) portText = hostPort.slice(colon + 1);
    if (host === '') throw invalid(`The location names no server. ${EXAMPLE}`);
    if (host.startsWith('-'))
      throw invalid(`The server name "${host}" starts with "-"; ssh would read it as an option. Check the location.`);
    if (!HOST_RE.test(host))
      throw invalid(
        `The server name "${host}" is not valid: use a host name, an ~/.ssh/config alias, an IPv4 address or [IPv6].`,
      );
  }

  let port: number | null = null;
  if (portText !== null) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)
      throw invalid(`The port "${portText}" is not valid: use a number from 1 to 65535, or leave it out for 22.`);
    port = Number(portText);
  }

  return { kind: 'ssh', user, host, port, path: remotePath(rawPath) };
}

function remotePath(raw: string): string {
  if (raw === '')
    throw invalid(
      'An ssh:// location needs the absolute path of the deployment folder after the server, e.g. ssh://admin@server/srv/crucible.',
    );
  const segments = raw.split('/').filter((s) => s !== '');
  if (segments[0]?.startsWith('~'))
    throw invalid(
      'Write the folder as an absolute path (e.g. /home/admin/crucible), not relative to the home folder with "~".',
    );
  // '..' and '.' would make the folder the app checks differ from the one commands run in.
  if (segments.some((s) => s === '..' || s === '.'))
    throw invalid('The remote path may not contain "." or ".." segments: write the folder’s absolute path.');
  return `/${segments.join('/')}`;
}

/** The location as the admin would type it; parseLocation(formatLocation(l)) returns l. */
export function formatLocation(loc: Location): string {
  if (loc.kind === 'local') return loc.path;
  const host = loc.host.includes(':') ? `[${loc.host}]` : loc.host;
  return `ssh://${loc.user !== null ? `${loc.user}@` : ''}${host}${loc.port !== null ? `:${loc.port}` : ''}${loc.path}`;
}

/** For people: "this computer" or "admin@server:2222". */
export function locationLabel(loc: Location): string {
  if (loc.kind === 'local') return 'this computer';
  const host = loc.host.includes(':') ? `[${loc.host}]` : loc.host;
  return `${loc.user !== null ? `${loc.user}@` : ''}${host}${loc.port !== null ? `:${loc.port}` : ''}`;
}
