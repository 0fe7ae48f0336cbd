import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../electron/cli/commands';
import { COMMAND_LOADERS, RUNS_WITHOUT_CORE } from '../../../electron/cli/commands/lazy';
import { answerWithoutRunning } from '../../../electron/cli/help-text';
import { runLazy } from '../../../electron/cli/lazy-run';

/** The built CLI loads one command group per run (issue 20): its table must match the full command list. */
const group = (name: string) => name.split(' ')[0] ?? '';
const fixture = (n: string) => new URL(`../../fixtures/env/${n}`, import.meta.url).pathname;

function io() {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  let errText = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  err.on('data', (c: Buffer) => (errText += c.toString()));
  return {
    io: {
      stdout: out,
      stderr: err,
      stdin: new PassThrough(),
      env: { ...process.env, CRUCIBLE_SECRETS_HOME: mkdtempSync(join(tmpdir(), 'cs-lazy-')) },
    },
    out: () => text,
    err: () => errText,
  };
}

describe('the lazy command table', () => {
  it('has one loader per command group, each loading exactly that group’s commands', async () => {
    const groups = [...new Set(commands.map((c) => group(c.name)))].sort();
    expect(Object.keys(COMMAND_LOADERS).sort()).toEqual(groups);
    for (const g of groups) {
      const loaded = await COMMAND_LOADERS[g]!();
      expect(loaded, g).toEqual(commands.filter((c) => group(c.name) === g));
    }
  });

  it('runs without the core services only groups whose code never asks for them', () => {
    const files: Record<string, string[]> = {
      generate: ['generate'],
      'hash-password': ['hash-password', 'secret-input'],
    };
    expect(Object.keys(RUNS_WITHOUT_CORE).sort()).toEqual(
      [...Object.keys(files), 'check-env', 'firewall', 'proxy'].sort(),
    );
    for (const [g, names] of Object.entries(files)) {
      expect(RUNS_WITHOUT_CORE[g]!([])).toBe(true);
      for (const n of names)
        expect(
          readFileSync(new URL(`../../../electron/cli/commands/${n}.ts`, import.meta.url), 'utf8'),
          `${g}: ${n}.ts`,
        ).not.toMatch(/\.core\(\)/);
    }
    // check-env and firewall ask for the core only to reach a server.
    expect(RUNS_WITHOUT_CORE['check-env']!(['.env'])).toBe(true);
    expect(RUNS_WITHOUT_CORE['check-env']!(['ssh://admin@host/srv/crucible/.env'])).toBe(false);
    expect(RUNS_WITHOUT_CORE.firewall!(['/srv/crucible'])).toBe(true);
    expect(RUNS_WITHOUT_CORE.firewall!(['ssh://admin@host/srv/crucible'])).toBe(false);
    expect(RUNS_WITHOUT_CORE.proxy!(['/srv/crucible', '--server', 'nginx'])).toBe(true);
    expect(RUNS_WITHOUT_CORE.proxy!(['ssh://admin@host/srv/crucible', '--server', 'nginx'])).toBe(false);
  });

  it('runLazy runs check-env and generate without core, and sends unknown commands to the full CLI', async () => {
    const a = io();
    expect(await runLazy(['check-env', fixture('crucible-stock.env')], a.io)).toBe(1);
    expect(a.out()).toContain('crucible-stock.env as development');
    const b = io();
    expect(await runLazy(['generate', '--help'], b.io)).toBe(0);
    // A server's .env gets the core services (here the SSH connection is refused: a HOST_* error, not INTERNAL).
    const d = io();
    expect(await runLazy(['check-env', 'ssh://127.0.0.1:1/srv/crucible/.env'], d.io)).not.toBe(70);
    expect(d.err()).not.toContain('started without');
    const c = io();
    expect(await runLazy(['no-such-command'], c.io)).toBe(64);
    expect(c.err()).toContain("unknown command 'no-such-command'");
  });

  it('answers help and version without a command, and leaves real runs to the command', () => {
    const a = io();
    expect(answerWithoutRunning(['--version'], commands, a.io)).toBe(0);
    expect(a.out()).toMatch(/^\d+\.\d+\.\d+/);
    expect(answerWithoutRunning(['check-env', '--help'], commands, io().io)).toBe(0);
    expect(answerWithoutRunning(['check-env', 'x.env'], commands, io().io)).toBeNull();
    expect(answerWithoutRunning(['check-env', '--help', '--json'], commands, io().io)).toBeNull();
  });
});
