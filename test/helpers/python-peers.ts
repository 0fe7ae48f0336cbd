import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's Python peers (`/usr/bin/python3` has python3-dotenv and python3-bcrypt; the pyenv python on PATH
 * does not). Each helper runs ONE subprocess for a whole batch, passing data on stdin as JSON so that no
 * secret appears in argv.
 */
export const PYTHON = '/usr/bin/python3';

function runPython(script: string, input: unknown): unknown {
  const out = execFileSync(PYTHON, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  return JSON.parse(out);
}

/**
 * `dotenv_values(path)` for each text: the texts are written as UTF-8 files, as python-dotenv reads a real `.env`.
 */
export function pythonDotenvValues(texts: readonly string[]): Array<Record<string, string | null>> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-pydotenv-'));
  try {
    const paths = texts.map((t, i) => {
      const p = join(dir, `${i}.env`);
      writeFileSync(p, t, 'utf8');
      return p;
    });
    const script = [
      'import sys, json, logging',
      'logging.disable(logging.CRITICAL)',
      'from dotenv import dotenv_values',
      'paths = json.load(sys.stdin)',
      'print(json.dumps([dict(dotenv_values(p)) for p in paths]))',
    ].join('\n');
    return runPython(script, paths) as Array<Record<string, string | null>>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** bcrypt.checkpw for each (password, hash) pair. */
export function pythonBcryptCheck(pairs: ReadonlyArray<readonly [string, string]>): boolean[] {
  const script = [
    'import sys, json, bcrypt',
    'pairs = json.load(sys.stdin)',
    'print(json.dumps([bcrypt.checkpw(p.encode("utf-8"), h.encode("ascii")) for p, h in pairs]))',
  ].join('\n');
  return runPython(script, pairs) as boolean[];
}

/** bcrypt.hashpw(password, gensalt(cost)) for each password. */
export function pythonBcryptHash(passwords: readonly string[], cost = 12): string[] {
  const script = [
    'import sys, json, bcrypt',
    'd = json.load(sys.stdin)',
    'print(json.dumps([bcrypt.hashpw(p.encode("utf-8"), bcrypt.gensalt(d["cost"])).decode("ascii") for p in d["pw"]]))',
  ].join('\n');
  return runPython(script, { pw: passwords, cost }) as string[];
}
