import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { commands } from '../../../electron/cli/commands';
import { COMMON_EXIT_CODES, exitCodesOf } from '../../../electron/cli/command';
import { cliIo } from '../../helpers/cli-io';

const run = async (...argv: string[]) => {
  const t = cliIo();
  const code = await runCli(argv, t.io);
  return { code, out: t.out(), err: t.err() };
};

const groups = [...new Set(commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] ?? ''))];

describe('CLI help', () => {
  it('has the five command groups', () => {
    expect(groups.sort()).toEqual(['backup', 'dumps', 'incident', 'keychain', 'secrets']);
  });

  it.each(groups)(
    '`%s --help` and `help %s` list every subcommand; `%s` alone lists them and exits 64',
    async (group) => {
      const members = commands.filter((c) => c.name.startsWith(`${group} `));
      for (const argv of [
        [group, '--help'],
        ['help', group],
      ]) {
        const r = await run(...argv);
        expect(r.code, argv.join(' ')).toBe(0);
        for (const m of members) expect(r.out).toContain(m.name);
        expect(r.err).toBe('');
      }
      const bare = await run(group);
      expect(bare.code).toBe(64);
      for (const m of members) expect(bare.out).toContain(m.name);
    },
  );

  it('an unknown subcommand of a group names it and lists the real ones', async () => {
    const r = await run('incident', 'frobnicate');
    expect(r.code).toBe(64);
    expect(r.err).toContain("no subcommand 'frobnicate'");
    expect(r.out).toContain('incident start');
  });

  it('`help CMD` prints that command’s help, not the general one', async () => {
    const r = await run('help', 'init');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: crucible-secrets init DIR');
    expect(r.out).not.toContain('Commands:');
    const sub = await run('help', 'backup', 'export');
    expect(sub.out).toContain('Usage: crucible-secrets backup export');
    const none = await run('help', 'nothing-like-this');
    expect(none.code).toBe(64);
  });

  it.each(commands.map((c) => [c.name, c] as const))(
    '`%s --help` lists exactly its own exit codes',
    async (name, cmd) => {
      const r = await run(...name.split(' '), '--help');
      expect(r.code).toBe(0);
      const listed = [...r.out.slice(r.out.indexOf('Exit codes:')).matchAll(/^ +(\d+) {2}/gm)].map((m) => Number(m[1]));
      expect(listed).toEqual(exitCodesOf(cmd).map(([c]) => c));
      // Exit codes live in the data, never in the prose above it (where they went stale before).
      expect(r.out.indexOf('Exit codes')).toBe(r.out.lastIndexOf('Exit codes'));
    },
  );

  it('backup export does not claim restore’s exit codes', async () => {
    const r = await run('backup', 'export', '--help');
    expect(r.out).not.toMatch(/restore stopped on conflicts|wrong passphrase/);
    const restore = await run('backup', 'restore', '--help');
    expect(restore.out).toMatch(/ {3}1 {2}stopped on conflicts/);
  });

  it('old option spellings still work and are listed as renamed', async () => {
    const r = await run('generate', '--help');
    expect(r.out).toContain('--frontend-url → --public-url');
    expect(r.out).toContain('--cors-origins → --cors-origin');
  });
});

describe('docs/cli.md', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/cli.md', import.meta.url)), 'utf8');

  /** The section of the doc about one command: from its `### \`NAME` heading to the next heading. */
  const section = (name: string) => {
    const start = doc.search(new RegExp(`^### \`${name.replace(/ /g, ' ')}[ \`]`, 'm'));
    if (start < 0) return null;
    const rest = doc.slice(start + 4);
    const end = rest.search(/^#{2,3} /m);
    return end < 0 ? rest : rest.slice(0, end);
  };

  /** The text before the first command of the `## Incidents` part: the options every incident command shares. */
  const incidentsIntro = (() => {
    const start = doc.indexOf('## Incidents');
    return start < 0 ? '' : doc.slice(start, doc.indexOf('### ', start));
  })();

  it.each(commands.map((c) => [c.name, c] as const))(
    'documents `%s`, its options, old spellings and exactly its exit codes',
    (name, cmd) => {
      const s = section(name);
      expect(s, `docs/cli.md has no "### \`${name}" section`).not.toBeNull();
      const text = `${s ?? ''}${name.startsWith('incident ') ? incidentsIntro : ''}`;
      for (const opt of [...Object.keys(cmd.options), ...Object.keys(cmd.aliases ?? {})])
        expect(text, `${name}: --${opt} is not documented`).toContain(`--${opt}`);
      const from = (s ?? '').search(/^Exit codes:/m);
      const line = from < 0 ? '' : ((s ?? '').slice(from).split('\n\n')[0] ?? '');
      const documented = [...line.matchAll(/`(\d+)`/g)].map((m) => Number(m[1]));
      expect(documented, `${name}: the "Exit codes:" paragraph`).toEqual(Object.keys(cmd.exitCodes).map(Number));
    },
  );

  it('documents the exit codes every command shares', () => {
    for (const code of Object.keys(COMMON_EXIT_CODES)) expect(doc).toMatch(new RegExp(`\\| ${code} \\|`));
  });
});
