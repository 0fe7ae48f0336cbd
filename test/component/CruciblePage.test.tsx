// @vitest-environment happy-dom
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { CruciblePage } from '../../renderer/src/pages/CruciblePage';
import { Cited } from '../../renderer/src/components/Cited';
import { FindingCard } from '../../renderer/src/components/audit/FindingCard';
import { pages } from '../../renderer/src/pages/registry';

/** The window links the docs/crucible.md sections messages cite, and carries the document itself (issue 16). */
afterEach(() => {
  cleanup();
  window.location.hash = '';
});

// vitest runs from the repository root (happy-dom gives import.meta.url an http: scheme).
const ROOT = process.cwd();
function citedSections(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
    );
  const found = new Set<string>();
  for (const f of walk(join(ROOT, 'electron')))
    for (const m of readFileSync(f, 'utf8').matchAll(/docs\/crucible\.md#([a-z0-9-]+)/g)) found.add(m[1] ?? '');
  return [...found];
}

describe('Crucible reference (docs/crucible.md in the app)', () => {
  it('is a page of the navigation', () => {
    expect(pages.find((p) => p.route === '/crucible')?.nav).toBe(true);
  });

  it('renders the document with an anchor for every section a message cites', () => {
    render(<CruciblePage />);
    const cited = citedSections();
    expect(cited.length).toBeGreaterThan(3);
    for (const section of cited) expect(document.getElementById(section), section).not.toBeNull();
    expect(screen.getByTestId('crucible-doc').querySelector('table')).not.toBeNull();
  });

  it('moves to the section the route names', () => {
    window.location.hash = '#/crucible/the-login';
    render(<CruciblePage />);
    expect(document.activeElement?.id).toBe('the-login');
  });

  it('turns a citation in a message into a link to that section; other text stays as it was', () => {
    render(
      <Cited text="No rate limit (service/app/api/routers/auth.py; see docs/crucible.md#the-login). Bind the port." />,
    );
    const link = screen.getByRole('link');
    expect(link.getAttribute('href')).toBe('#/crucible/the-login');
    expect(link.textContent).toBe('Crucible reference: The login');
    expect(document.body.textContent).toContain(
      'service/app/api/routers/auth.py; see Crucible reference: The login). Bind the port.',
    );
  });

  it('audit findings link their citation', () => {
    render(
      <FindingCard
        finding={{
          code: 'KNOWN_LOGIN_NO_RATE_LIMIT',
          severity: 'info',
          title: 'Known issue',
          message: 'Brute force (see docs/crucible.md#the-login).',
          howToFix: 'Put a proxy in front (docs/crucible.md#cors-in-production).',
        }}
      />,
    );
    expect(screen.getAllByRole('link').map((a) => a.getAttribute('href'))).toEqual([
      '#/crucible/the-login',
      '#/crucible/cors-in-production',
    ]);
  });
});
