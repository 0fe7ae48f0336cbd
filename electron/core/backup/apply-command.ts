import type { DeploymentRef } from '../../common/model/deployment';
import { parseLocation, type Location } from '../host/location';
import { shQuote } from '../host/ssh-argv';
import { composeBase, displayArgv } from '../rotation/commands';

/**
 * The command that applies a restored `.env` (issue 17: the restore's result did not say it). Compose reads
 * `.env` when it creates a container, so the running services keep the old values until they are recreated;
 * `--force-recreate` because a service that reads `.env` only as a mounted file sees no configuration change
 * and would otherwise be left running. The compose files are the deployment's own (`-f` for each, none for
 * the lone default file), run in its folder; for a server, the same command through ssh.
 */
export function restoreApplyCommand(d: Pick<DeploymentRef, 'folder' | 'composeFiles'>): string {
  const up = [...composeBase(d), 'up', '-d', '--force-recreate'];
  const loc = d.folder.startsWith('ssh://') ? serverOf(d.folder) : null;
  if (loc === null) return `cd ${displayArgv([d.folder])} && ${displayArgv(up)}`;
  const target = `${loc.user !== null ? `${loc.user}@` : ''}${loc.host}`;
  // One word for ssh, which the remote shell splits again: the whole line single-quoted.
  const remote = `cd ${displayArgv([loc.path])} && ${displayArgv(up)}`;
  return `ssh${loc.port !== null ? ` -p ${String(loc.port)}` : ''} ${target} ${shQuote(remote)}`;
}

/** The server of an `ssh://` folder; null if it does not parse (the restore already happened: show the folder as is). */
function serverOf(folder: string): Extract<Location, { kind: 'ssh' }> | null {
  try {
    const loc = parseLocation(folder, '/');
    return loc.kind === 'ssh' ? loc : null;
  } catch {
    return null;
  }
}
