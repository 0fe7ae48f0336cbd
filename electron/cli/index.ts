import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandMeta } from './help-text';
import { answerWithoutRunning } from './help-text';
import type * as LazyRunModule from './lazy-run';

type LazyRun = typeof LazyRunModule;

/**
 * The CLI's entry. --version and the help texts are answered from the catalog of command descriptions the
 * build writes next to this bundle (dist/cli/commands.json), loading no command code; anything else loads
 * only the command group it names (lazy-run.ts). Without a catalog (a bundle made elsewhere, e.g. by a
 * test) everything goes through lazy-run, which answers the same.
 */
function catalog(): CommandMeta[] | null {
  try {
    return JSON.parse(readFileSync(join(__dirname, 'commands.json'), 'utf8')) as CommandMeta[];
  } catch {
    return null;
  }
}

async function main(argv: string[]): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
  const known = catalog();
  const answered = known ? answerWithoutRunning(argv, known, io) : null;
  if (answered !== null) return answered;
  let lazy: LazyRun;
  try {
    lazy = await import('./lazy-run');
  } catch {
    io.stderr.write(
      'crucible-secrets: part of the CLI is missing (dist/cli/run). Reinstall crucible-secrets, or run `npm run build`.\n',
    );
    return 70;
  }
  return lazy.runLazy(argv, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 70;
  },
);
