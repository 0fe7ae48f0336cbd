import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Text shown to users cites what they have: a section of docs/crucible.md (shipped with the app) or a path
 * in Crucible's own source. Never the team's reference notes (`crucible-facts.md`, their `§N.N` section
 * numbers) or the `shared/` folder, which users do not have (issue 16). Comments may keep such references
 * for maintainers; every string literal, template and JSX text under electron/ and renderer/ is checked.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CITATION = /crucible-facts|§|(?<![\w/.{}-])shared\/|ARCHITECTURE\.md/;

/**
 * Strings that are not text for people: module specifiers, and the stack profile's `facts` lists of bare
 * section labels ("§2.1", "§11 #7"), which record which notes an entry was written from (provenance for
 * maintainers; the rotation plan view sent to the window and printed by the CLI does not carry them: see
 * the test below).
 */
const PROVENANCE_LABEL = /^§\d+(?:\.\d+)?(?: #\d+)*$/;
function exempt(node: ts.Node): boolean {
  if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && PROVENANCE_LABEL.test(node.text))
    return true;
  const p = node.parent as ts.Node | undefined;
  if (!p) return false;
  if ((ts.isImportDeclaration(p) || ts.isExportDeclaration(p)) && p.moduleSpecifier === node) return true;
  if (ts.isCallExpression(p) && p.expression.kind === ts.SyntaxKind.ImportKeyword) return true;
  if (ts.isArrayLiteralExpression(p) && ts.isPropertyAssignment(p.parent) && p.parent.name.getText() === 'facts')
    return true;
  return false;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : files(full);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every user-visible text piece of one file that cites something outside the repository. */
export function citationsIn(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const isText =
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node) ||
      ts.isJsxText(node);
    if (isText && !exempt(node)) {
      const value = ts.isJsxText(node) ? node.text : (node as ts.LiteralLikeNode).text;
      if (CITATION.test(value)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        found.push(`${relative(ROOT, file)}:${String(line + 1)}: ${value.trim().slice(0, 120)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('user-facing text cites only what users have', () => {
  it('the scanner finds citations in strings, templates and JSX, and ignores comments and API paths', () => {
    const sample = `
      // crucible-facts.md §3 (a comment: fine)
      const a = 'see crucible-facts.md';
      const b = \`restart keeps the old value (§8.5): \${x}\`;
      const c = <p>Read shared/ARCHITECTURE.md</p>;
      const d = 'GET /api/sessions/{id}/shared/{token} fails';
      const e = { facts: ['§2.1', '§11 #7'] };
      const g = 'see §2.1';
      import f from '../shared/thing';
    `;
    const hits = citationsIn(join(ROOT, 'sample.tsx'), sample);
    expect(hits).toHaveLength(4);
    expect(hits.join('\n')).toContain('crucible-facts.md');
    expect(hits.join('\n')).toContain('(§8.5)');
    expect(hits.join('\n')).toContain('shared/ARCHITECTURE.md');
  });

  it('no string under electron/ or renderer/ cites crucible-facts.md, a § section or the shared folder', () => {
    const hits = [...files(join(ROOT, 'electron')), ...files(join(ROOT, 'renderer'))].flatMap((f) => citationsIn(f));
    expect(hits, `cite a docs/crucible.md section or Crucible's source path instead:\n${hits.join('\n')}`).toEqual([]);
  });

  it('the profile’s `facts` provenance never reaches the rotation plan the window shows and the CLI prints', async () => {
    const { buildPlan, toPlanView } = await import('../../../electron/core/rotation/playbooks');
    const { crucibleCeProfile } = await import('../../../electron/core/stack/crucible-ce');
    for (const v of crucibleCeProfile.variables) {
      const plan = buildPlan(crucibleCeProfile, v.name, {
        deployment: { folder: '/srv/crucible', composeFiles: [] },
        postgresUser: 'pguser',
        dumpFile: '/home/a/dump.sql',
        alterRoleFile: '/home/a/alter-role.sql',
      });
      if (!plan) continue;
      expect(JSON.stringify(toPlanView(plan)), v.name).not.toMatch(CITATION);
    }
  });
});
