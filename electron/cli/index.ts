import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandMeta } from './help-text';
import { answerWithoutRunning } from './help-text';
import { RUNS_WITHOUT_CORE } from './commands/runs-without-core';
import type { CliIO } from './command';

/**
 * The CLI's entry. --version and the help texts are answered from the catalog of command descriptions the
 * build writes next to this bundle (dist/cli/commands.json), loading no command code; anything else loads
 * only the command group it names (lazy-run.ts; check-env of a local file: check-env-run.ts). Without a
 * catalog (a bundle made elsewhere, e.g. by a test) everything goes through those, which answer the same.
 */
function catalog(): CommandMeta[] | null {
  try {
    return JSON.parse(readFileSync(join(__dirname, 'commands.json'), 'utf8')) as CommandMeta[];
  } catch {
    return null;
  }
}

async function main(argv: string[]): Promise<number> {
  const io = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    // Read on first use: opening stdin loads Node's stream readers, a few ms of every start (issue 20), and
    // most commands never read it. run.ts keeps the getter when it adds `core`.
    get stdin() {
      return process.stdin;
    },
  };
  const known = catalog();
  const answered = known ? answerWithoutRunning(argv, known, io) : null;
  if (answered !== null) return answered;
  // check-env on a file here has a build of its own that loads a few modules, not the shared chunks
  // (check-env-run.ts, issue 20); a server's .env needs the core services, which only lazy-run loads.
  const alone = argv[0] === 'check-env' && RUNS_WITHOUT_CORE['check-env']?.(argv.slice(1)) === true;
  let run: (argv: string[], io: Omit<CliIO, 'core'>) => Promise<number>;
  try {
    run = alone ? (await import('./check-env-run')).runCheckEnv : (await import('./lazy-run')).runLazy;
  } catch {
    io.stderr.write(
      'crucible-secrets: part of the CLI is missing (dist/cli/run). Reinstall crucible-secrets, or run `npm run build`.\n',
    );
    return 70;
  }
  return run(argv, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 70;
  },
);
