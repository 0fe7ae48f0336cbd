/**
 * `host/` — where a deployment lives (ARCHITECTURE.md §4). `openHost` gives the DeploymentHost of a
 * Location: this computer, or a server over the admin's own OpenSSH (multiplexed; `close()` ends the
 * connection). Everything that touches a deployment's files or runs docker compose, git or psql goes
 * through it; the ComposeRunner adds Docker Compose v2 detection and failures in words.
 *
 *   const loc = parseLocation('ssh://admin@server/srv/crucible', process.cwd());
 *   const host = openHost(loc, { home: appHome, profileNames });
 *   try { await host.run(['docker', 'compose', 'ps']); } finally { await host.close(); }
 */
import type { DeploymentHost } from './host';
import { LocalHost } from './local-host';
import type { Location } from './location';
import type { SshClientOptions } from './ssh-argv';
import { SshHost } from './ssh-host';

export interface OpenHostOptions {
  /** The app's home (resolveAppHome): SSH control sockets go in `<home>/ssh`. */
  home: string;
  /** The environment commands (or ssh) start from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The stack profile's variable names, removed from every command's environment (here and remote). */
  profileNames?: readonly string[];
  /** How to call OpenSSH (binary, -F config, extra -o options). */
  sshOptions?: SshClientOptions;
  clock?: () => Date;
}

/** The DeploymentHost of `location`. Nothing connects until the first call. */
export function openHost(location: Location, options: OpenHostOptions): DeploymentHost {
  const common = { env: options.env, profileNames: options.profileNames, clock: options.clock };
  if (location.kind === 'local') return new LocalHost(location, common);
  return new SshHost(location, { ...common, home: options.home, ssh: options.sshOptions });
}

export type { DeploymentHost, HostFileStat, RunOptions, RunResult, WriteOptions } from './host';
export { formatLocation, locationLabel, parseLocation, type Location } from './location';
export { LocationSchema } from './location-schema';
export { HostErrorCode } from './errors';
export { ComposeStatus, composeRunner, detectCompose, type ComposeRun, type ComposeRunner } from './compose';
export { Diagnosis, DiagnosisKind, diagnoseFailure, lastLines, redactQuoted, type Redact } from './diagnose';
export { controlledEnv } from './env';
export type { SshClientOptions } from './ssh-argv';
