import { z } from 'zod';
import { composeBase } from '../rotation/commands';
import { Diagnosis, diagnoseFailure, redactQuoted, type Redact } from './diagnose';
import type { DeploymentHost, RunOptions, RunResult } from './host';

/**
 * Docker Compose v2 on a DeploymentHost: what is installed and usable (detectCompose), and a runner that
 * prefixes `docker compose [-f …]` and diagnoses every failure. The app drives the v2 plugin only:
 * docker-compose v1 reads quotes in `.env` differently, so a value written for v2 could reach the
 * containers changed.
 */

export const ComposeStatus = z.object({
  docker: z.object({ present: z.boolean(), version: z.string().nullable() }),
  /** `docker compose` (the v2 plugin). */
  composeV2: z.object({ present: z.boolean(), version: z.string().nullable() }),
  /** A `docker-compose` program: v1 (not driven) or v2 installed standalone (needs linking as a plugin). */
  dockerComposeProgram: z.object({
    present: z.boolean(),
    version: z.string().nullable(),
    generation: z.enum(['v1', 'v2']).nullable(),
  }),
  daemon: z.enum(['reachable', 'down', 'permission-denied', 'error', 'not-checked']),
  serverVersion: z.string().nullable(),
  /** Everything the app needs is there. */
  ready: z.boolean(),
  /** What is missing, in words, in the order to fix it. */
  problems: z.array(Diagnosis),
});
export type ComposeStatus = z.infer<typeof ComposeStatus>;

const DETECT_TIMEOUT_MS = 20_000;

/**
 * Checks, on the host: the docker CLI, the compose v2 plugin, a legacy `docker-compose`, and whether the
 * daemon answers to this account.
 * @throws AppError HOST_* transport errors (an unreachable server is not a Docker problem)
 */
export async function detectCompose(host: DeploymentHost, redact: Redact = redactQuoted): Promise<ComposeStatus> {
  const run = (argv: string[]) => host.run(argv, { timeoutMs: DETECT_TIMEOUT_MS });
  const problems: Diagnosis[] = [];
  const status: ComposeStatus = {
    docker: { present: false, version: null },
    composeV2: { present: false, version: null },
    dockerComposeProgram: { present: false, version: null, generation: null },
    daemon: 'not-checked',
    serverVersion: null,
    ready: false,
    problems,
  };

  // All four questions at once (over SSH they share one connection): a server's round trips add up.
  const infoArgv = ['docker', 'info', '--format', '{{.ServerVersion}}'];
  const v2Argv = ['docker', 'compose', 'version', '--short'];
  const [cli, v2Result, legacyResult, infoResult] = await Promise.all([
    run(['docker', '--version']),
    run(v2Argv),
    run(['docker-compose', 'version']),
    run(infoArgv),
  ]);
  if (cli.code === 0)
    status.docker = { present: true, version: /version ([0-9][\w.+-]*)/.exec(cli.stdout)?.[1] ?? null };
  else problems.push(diagnoseFailure(['docker', '--version'], cli, redact));

  if (status.docker.present) {
    const v2 = v2Result;
    if (v2.code === 0) status.composeV2 = { present: true, version: v2.stdout.trim().replace(/^v/, '') || null };
    else problems.push(diagnoseFailure(v2Argv, v2, redact));
  }

  const legacy = legacyResult;
  if (legacy.code === 0) {
    const v1 = /docker-compose version (1\.[\w.+-]*)/i.exec(legacy.stdout);
    const v2 = /Docker Compose version v?(2\.[\w.+-]*)/i.exec(legacy.stdout);
    status.dockerComposeProgram = {
      present: true,
      version: v1?.[1] ?? v2?.[1] ?? null,
      generation: v1 ? 'v1' : v2 ? 'v2' : null,
    };
    if (!status.composeV2.present)
      problems.push(legacyAdvice(status.dockerComposeProgram.generation, status.dockerComposeProgram.version));
  }

  if (status.docker.present) {
    const argv = infoArgv;
    const info = infoResult;
    if (info.code === 0 && info.stdout.trim() !== '') {
      status.daemon = 'reachable';
      status.serverVersion = info.stdout.trim();
    } else {
      const d = diagnoseFailure(argv, info, redact);
      status.daemon =
        d.kind === 'daemon-down' ? 'down' : d.kind === 'permission-denied' ? 'permission-denied' : 'error';
      problems.push(d);
    }
  }
  status.ready = status.docker.present && status.composeV2.present && status.daemon === 'reachable';
  return ComposeStatus.parse(status);
}

function legacyAdvice(generation: 'v1' | 'v2' | null, version: string | null): Diagnosis {
  if (generation === 'v2') {
    return {
      kind: 'compose-plugin-missing',
      summary: `docker-compose here is Compose v2${version !== null ? ` (${version})` : ''} installed as a separate program; the app runs it as the docker plugin ("docker compose").`,
      hint: 'Make it the plugin: mkdir -p ~/.docker/cli-plugins && ln -s "$(command -v docker-compose)" ~/.docker/cli-plugins/docker-compose, then check with docker compose version.',
      lastLines: [],
    };
  }
  return {
    kind: 'compose-v1-only',
    summary: `Only the old docker-compose${version !== null ? ` ${version}` : ''} (Compose v1) is installed. The app does not drive it: v1 reads quotes in .env differently from v2, so a password the app writes could reach the containers changed.`,
    hint: "Install the Compose v2 plugin: the docker-compose-plugin package from Docker's apt repository, or the plugin binary in ~/.docker/cli-plugins/docker-compose. v1 can stay installed; the app calls docker compose.",
    lastLines: [],
  };
}

export interface ComposeRun {
  argv: string[];
  result: RunResult;
  /** Null when the command succeeded. */
  diagnosis: Diagnosis | null;
}

export interface ComposeRunner {
  readonly host: DeploymentHost;
  /** `docker compose [-f file]… <args>` in the deployment folder; a failure comes back diagnosed. */
  compose(args: readonly string[], options?: RunOptions): Promise<ComposeRun>;
}

/**
 * A runner for one deployment's compose project.
 * @param composeFiles the `-f` files relative to the deployment folder (none or the default name: no `-f`)
 */
export function composeRunner(
  host: DeploymentHost,
  project: { composeFiles: readonly string[] },
  redact: Redact = redactQuoted,
): ComposeRunner {
  const base = composeBase({ composeFiles: [...project.composeFiles] });
  return {
    host,
    async compose(args, options) {
      const argv = [...base, ...args];
      const result = await host.run(argv, options);
      return {
        argv,
        result,
        diagnosis: result.code === 0 && result.timedOut !== true ? null : diagnoseFailure(argv, result, redact),
      };
    },
  };
}
