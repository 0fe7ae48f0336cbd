import { z } from 'zod';
import type { RunResult } from './host';

/**
 * Turns a failed command (docker, docker compose, psql inside a container) into words for an admin: what
 * went wrong and what to do. Matching is on the messages the real programs print; the order of the rules
 * matters (a compose plugin that is missing also makes `exec` fail, so that is named first).
 */

export const DiagnosisKind = z.enum([
  'docker-missing',
  'compose-plugin-missing',
  'compose-v1-only',
  'daemon-down',
  'permission-denied',
  'container-not-running',
  'sql-error',
  'auth-failed',
  'timeout',
  'unknown',
]);
export type DiagnosisKind = z.infer<typeof DiagnosisKind>;

export const Diagnosis = z.object({
  kind: DiagnosisKind,
  /** One or two sentences in plain words. */
  summary: z.string(),
  /** What to do next. */
  hint: z.string(),
  /** The command's last output lines, redacted. */
  lastLines: z.array(z.string()),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

export type Redact = (text: string) => string;

/** The shortest safe default: psql echoes a failing statement after "LINE n:"; quoted text may be a secret. */
export const redactQuoted: Redact = (text) =>
  text.replace(/'(?:[^'\n]|'')*'/g, "'…'").replace(/"(?:[^"\n])*"/g, (m) => (m.length > 40 ? '"…"' : m));

// Colour and cursor sequences go whole, then any other control character: removing them is the point.
// eslint-disable-next-line no-control-regex
const ANSI_SEQUENCE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * The last `n` non-empty lines of `output`, each passed through `redact` (the caller's redactor: the values
 * it knows are secret), control characters removed so a line cannot rewrite the admin's terminal.
 */
export function lastLines(output: string, n: number, redact: Redact): string[] {
  return output
    .split(/\r?\n/)
    .map((l) => l.replace(ANSI_SEQUENCE, '').replace(CONTROL, '').trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .map(redact);
}

/** The `compose` invocation inside argv, if any (`docker compose …` or `docker -H x compose …`). */
function isCompose(argv: readonly string[]): boolean {
  return argv.includes('compose');
}

function serviceOf(text: string): string | null {
  return /service "([^"]+)" is not running/.exec(text)?.[1] ?? null;
}

const INSTALL_PLUGIN =
  "Install the Compose v2 plugin: the docker-compose-plugin package from Docker's apt repository (apt-get install docker-compose-plugin), or the plugin binary from github.com/docker/compose/releases placed in ~/.docker/cli-plugins/docker-compose and made executable. Check with docker compose version.";

/**
 * What went wrong with a command that exited non-zero (or timed out).
 */
export function diagnoseFailure(argv: readonly string[], result: RunResult, redact: Redact = redactQuoted): Diagnosis {
  const text = `${result.stderr}\n${result.stdout}`;
  const tail = lastLines(result.stderr.trim() !== '' ? result.stderr : result.stdout, 8, redact);
  const d = (kind: DiagnosisKind, summary: string, hint: string): Diagnosis => ({
    kind,
    summary,
    hint,
    lastLines: tail,
  });
  const program = argv[0] ?? '';

  if (result.timedOut === true) {
    return d(
      'timeout',
      `${program} did not finish in the time allowed and was stopped.`,
      'The machine may be busy, or a container may hang: docker compose ps shows what runs and docker compose logs <service> why it waits. Try again when it has settled.',
    );
  }
  if (/(^|\/)docker$/.test(program) && result.code === 127 && /could not start|not found|No such file/i.test(text)) {
    return d(
      'docker-missing',
      'Docker is not installed there: the docker command was not found.',
      "Install Docker Engine with its Compose plugin (Docker's apt repository: docker-ce, docker-ce-cli, docker-compose-plugin), or check the PATH of the account the app uses.",
    );
  }
  if (
    isCompose(argv) &&
    (/'compose' is not a docker command|unknown command:? "?(docker )?compose"?/.test(text) ||
      // docker without the plugin parses compose's flags itself: "unknown shorthand flag: 'T' in -T".
      (/unknown (shorthand )?flag/.test(text) && !/Usage:\s+docker compose/.test(text)))
  ) {
    return d(
      'compose-plugin-missing',
      'The Docker Compose v2 plugin is missing: this docker does not know the "compose" command.',
      INSTALL_PLUGIN,
    );
  }
  if (/permission denied while trying to connect to the Docker daemon/i.test(text)) {
    return d(
      'permission-denied',
      'This account may not use Docker: access to the Docker daemon’s socket was denied.',
      'Add the account to the docker group (sudo usermod -aG docker <user>, then log in again; note that the docker group is as powerful as root), or use rootless Docker. Check with docker info.',
    );
  }
  if (/Cannot connect to the Docker daemon|Is the docker daemon running|error during connect/i.test(text)) {
    return d(
      'daemon-down',
      'The Docker daemon is not running, or not reachable at its socket.',
      'Start it (sudo systemctl start docker) and check with docker info; if DOCKER_HOST or a docker context points elsewhere, check that too.',
    );
  }
  if (/service "[^"]+" is not running|No such container|container [0-9a-f]+ is not running/i.test(text)) {
    const svc = serviceOf(text);
    return d(
      'container-not-running',
      `The ${svc !== null ? `${svc} ` : ''}container is not running.`,
      `Start the stack with docker compose up -d, then check docker compose ps; docker compose logs ${svc ?? '<service>'} says why it stopped.`,
    );
  }
  const pgAuth = /password authentication failed for user "([^"]+)"/.exec(text);
  if (pgAuth) {
    return d(
      'auth-failed',
      `PostgreSQL refused the password for user "${pgAuth[1] ?? ''}".`,
      'The password the command used no longer matches the database’s: if a rotation was interrupted, resume it from the app; otherwise compare POSTGRES_PASSWORD in .env with the one the database was last given.',
    );
  }
  const sql = /^(?:psql:[^\n]*?)?ERROR:\s+(.+)$/m.exec(text);
  if (sql) {
    return d(
      'sql-error',
      `PostgreSQL refused the SQL: ${redact(sql[1] ?? '').trim()}.`,
      'Nothing after the failing statement ran (ON_ERROR_STOP). Fix the cause named above, then retry the step.',
    );
  }
  return d(
    'unknown',
    `${argv.slice(0, 3).join(' ')}${argv.length > 3 ? ' …' : ''} failed with exit status ${result.code}.`,
    'Its last output lines are shown; they usually name the cause.',
  );
}
