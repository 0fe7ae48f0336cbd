import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
/**
 * Core messages are shared by the window and the CLI, and some point to a page of the window ("the HTTPS
 * page generates one"). The CLI has no pages: before printing a core message it names the command that
 * does the same thing instead. test/unit/cli/cli-text.test.ts checks that every page a core string names
 * is translated here.
 */

/** Page (as core strings name it, lower case) → the CLI command that does what the page does. */
const PAGE_COMMANDS: Readonly<Record<string, string>> = {
  https: '`crucible-secrets proxy DIR`',
  'https & network': '`crucible-secrets proxy DIR`',
  network: '`crucible-secrets proxy DIR`',
  firewall: '`crucible-secrets firewall DIR`',
  audit: '`crucible-secrets audit DIR`',
  rotation: '`crucible-secrets rotate DIR VAR`',
  backup: '`crucible-secrets backup export DIR`',
  incident: '`crucible-secrets incident status`',
  // The CLI prints the checklist at the end of `init` but keeps no ticks: noting an item is the window's.
  checklist: "the desktop app's Checklist",
  // Revealing a value on screen is the window's alone; the CLI copies (`secrets copy`) but needs a clipboard.
  secrets: 'the desktop app',
};

/** "(Rotation page, or crucible-secrets rotate)": the message already names the command. */
const PAGE_OR_COMMAND = /\((?:the )?[A-Z][\w&" ]*? page, or (`?crucible-secrets [^)]+?`?)\)/g;
const PAGE =
  /\b(?:[Tt]he (?:app['’]s )?)"?(HTTPS & network|HTTPS|Network|[Ff]irewall|Audit|Rotation|Backup|Incident|Checklist|Secrets)"? page(?: \(or (`crucible-secrets [^`]+`)\))?/g;

/** The window's buttons that core advice names. */
const BUTTONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/use “Check again”/g, 'run `crucible-secrets doctor` again'],
];

/** A document the messages cite (`docs/crucible.md#the-login`): the app's docs/ folder, shipped with the CLI. */
const DOC = /\bdocs\/([a-z-]+\.md)/g;

let shippedDocs: string | null | undefined;
/**
 * The docs/ folder beside this CLI: the checkout's, or the installed package's (scripts/pack-cli.mjs ships
 * the cited ones). Found from the command's own file (bin/crucible-secrets.cjs → ../docs); null when absent.
 */
function docsBesideCli(): string | null {
  if (shippedDocs !== undefined) return shippedDocs;
  try {
    const dir = join(dirname(dirname(realpathSync(process.argv[1] ?? ''))), 'docs');
    shippedDocs = existsSync(join(dir, 'crucible.md')) ? dir : null;
  } catch {
    shippedDocs = null;
  }
  return shippedDocs;
}

/**
 * `text` with every "the X page" replaced by the CLI command that does the same, buttons likewise, and every
 * cited `docs/…` file named where it is on this machine (a relative `docs/` means nothing on a server).
 */
export function cliText(text: string, docs: string | null = docsBesideCli()): string {
  const cited =
    docs === null
      ? text
      : text.replace(DOC, (whole, name: string) => (existsSync(join(docs, name)) ? join(docs, name) : whole));
  const paged = cited
    .replace(PAGE_OR_COMMAND, '($1)')
    .replace(
      PAGE,
      (whole, page: string, named: string | undefined) => named ?? PAGE_COMMANDS[page.toLowerCase()] ?? whole,
    );
  return BUTTONS.reduce((t, [re, to]) => t.replace(re, to), paged);
}
