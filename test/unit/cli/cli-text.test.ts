import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { cliText } from '../../../electron/cli/cli-text';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** A page or a button of the window, as a message names it. */
const WINDOW_REF = /\b(?:[A-Z][\w&" ]*? page|pages? of the app|“Check again”)/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every string literal and template piece of the core that names a page or a button of the window. */
function windowReferences(): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  for (const f of [...files(join(ROOT, 'electron/core')), ...files(join(ROOT, 'electron/common'))]) {
    const src = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (
        ts.isStringLiteral(n) ||
        ts.isNoSubstitutionTemplateLiteral(n) ||
        ts.isTemplateHead(n) ||
        ts.isTemplateMiddle(n) ||
        ts.isTemplateTail(n)
      ) {
        if (WINDOW_REF.test(n.text))
          out.push({
            where: `${relative(ROOT, f)}:${String(src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1)}`,
            text: n.text,
          });
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return out;
}

describe('CLI text names commands, not the window’s pages', () => {
  it('translates the pages and buttons core messages name', () => {
    expect(cliText('Put a TLS reverse proxy in front (the HTTPS page generates one).')).toBe(
      'Put a TLS reverse proxy in front (`crucible-secrets proxy DIR` generates one).',
    );
    expect(cliText('Bind them to 127.0.0.1 (the Audit page offers the fix).')).toBe(
      'Bind them to 127.0.0.1 (`crucible-secrets audit DIR` offers the fix).',
    );
    expect(cliText('The firewall page (or `crucible-secrets firewall DIR`) writes them.')).toBe(
      '`crucible-secrets firewall DIR` writes them.',
    );
    expect(cliText('Regenerate the configuration on the "HTTPS & network" page.')).toBe(
      'Regenerate the configuration on `crucible-secrets proxy DIR`.',
    );
    expect(cliText('Roll it back (Rotation page, or crucible-secrets rotate).')).toBe(
      'Roll it back (crucible-secrets rotate).',
    );
    expect(cliText('Unlock it, then use “Check again”.')).toBe('Unlock it, then run `crucible-secrets doctor` again.');
    expect(
      cliText(
        'Generate the configuration with the "HTTPS & network" page (or `crucible-secrets proxy DIR --server nginx --domain NAME`), install it. If TLS ends on another machine, record where on the Checklist page.',
      ),
    ).toBe(
      "Generate the configuration with `crucible-secrets proxy DIR --server nginx --domain NAME`, install it. If TLS ends on another machine, record where on the desktop app's Checklist.",
    );
    expect(cliText('Nothing about pages here.')).toBe('Nothing about pages here.');
  });

  it('names a cited docs/ file where it is on this machine, and leaves one it does not have', () => {
    const docs = join(mkdtempSync(join(tmpdir(), 'cs-docs-')), 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'crucible.md'), '# Crucible\n');
    expect(cliText('See docs/crucible.md#the-login and docs/other.md.', docs)).toBe(
      `See ${join(docs, 'crucible.md')}#the-login and docs/other.md.`,
    );
    expect(cliText('See docs/crucible.md.', null)).toBe('See docs/crucible.md.');
  });

  it('every page or button a core string names is translated for the CLI', () => {
    const refs = windowReferences();
    expect(refs.length).toBeGreaterThan(3); // the scan finds today's references, so it can catch new ones
    const left = refs.filter((r) => WINDOW_REF.test(cliText(r.text)));
    expect(
      left.map((r) => `${r.where}: ${r.text.slice(0, 100)}`),
      'add the page to PAGE_COMMANDS in electron/cli/cli-text.ts',
    ).toEqual([]);
  });
});
