import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import {
  cleanupKeychain,
  collectPageProblems,
  expectNoSeriousAxe,
  genuineCheckout,
  hasUpstream,
  onlyDeployment,
  setUpThroughWizard,
} from './genuine-home';
import type { Harness } from '../harness/server';

/**
 * Issue 17, item 7: every route of renderer/src/router.ts visited as a person would, on an empty home and on
 * a realistic one (the genuine Crucible checkout, its `.env` written by Crucible's own scripts/setup.sh, set
 * up through the wizard). On each: no page error or console error, the page's main heading visible, and
 * axe-core with no serious or critical violation.
 */

/** Visits `path` (a hash route), waits for the main heading, runs axe; returns the heading's text. */
async function visit(page: Page, harness: Harness, path: string, heading: RegExp, problems: string[]) {
  await page.goto(`${harness.url}#${path}`);
  const h1 = page.getByRole('main').getByRole('heading', { level: 1 }).first();
  await expect(h1, `main heading of ${path}`).toBeVisible({ timeout: 15_000 });
  await expect(h1, `main heading of ${path}`).toHaveText(heading);
  // Pages load their data after the heading: let every status line settle before judging the page.
  await expect(page.getByRole('main').getByText(/^(Loading|Auditing|Checking)\b.*…$/)).toHaveCount(0, {
    timeout: 15_000,
  });
  await expectNoSeriousAxe(page, path);
  expect(problems, `page or console errors on ${path}`).toEqual([]);
}

/** The index pages, and what their main heading says (loosely: the words may change, the page may not). */
const INDEX_PAGES: Array<[string, RegExp]> = [
  ['/dashboard', /^Dashboard/],
  ['/setup', /^Set up/],
  ['/secrets', /^Secrets/],
  ['/network', /^HTTPS/],
  ['/backup', /^Backup/],
  ['/audit', /^Security audit/],
  ['/checklist', /^Security checklist/],
  ['/rotation', /^Rotat/],
  ['/incident', /^Incident/],
  ['/crucible', /Crucible/],
  ['/about', /^About/],
];

test.describe('every page', () => {
  test('an empty home: each index page shows its heading, no error, no serious axe violation', async ({ app }) => {
    test.skip(!app.harness, 'harness only');
    const harness = app.harness!;
    const problems = collectPageProblems(app.page);
    await app.page.setViewportSize({ width: 1280, height: 800 });
    for (const [path, heading] of INDEX_PAGES) await visit(app.page, harness, path, heading, problems);
    // Dark theme too: contrast is judged on both palettes.
    await app.page.emulateMedia({ colorScheme: 'dark' });
    for (const [path, heading] of INDEX_PAGES) await visit(app.page, harness, path, heading, problems);
  });

  test('a realistic home (genuine checkout set up by the wizard): every route, light and dark', async ({ app }) => {
    test.skip(!app.harness, 'harness only (scripted folder dialog)');
    test.skip(!hasUpstream, 'the genuine Crucible checkout is not on this machine');
    test.setTimeout(360_000);
    const harness = app.harness!;
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 800 });
    const problems = collectPageProblems(page);
    const folder = genuineCheckout({ setupSh: true, parent: app.home });
    try {
      await setUpThroughWizard(page, harness, folder, (moment) => expectNoSeriousAxe(page, `setup ${moment}`));
      const d = await onlyDeployment(harness);
      await page.reload(); // the shell was loaded before the deployment existed

      const routes: Array<[string, RegExp]> = [
        ...INDEX_PAGES,
        [`/secrets/${d.id}`, /^Secrets/],
        [`/audit/${d.id}`, /^Security audit/],
        [`/checklist/${d.id}`, /^Security checklist/],
        [`/rotation/${d.id}`, /^Rotat/],
        [`/rotation/${d.id}/REDIS_PASSWORD`, /REDIS_PASSWORD/],
      ];
      for (const [path, heading] of routes) await visit(page, harness, path, heading, problems);

      // Opened states a person reaches with one click: a fix preview, a generated backup passphrase.
      await visit(page, harness, `/audit/${d.id}`, /^Security audit/, problems);
      await page
        .getByRole('button', { name: /^Preview the fix for: / })
        .first()
        .click();
      await expect(page.getByTestId('fix-preview')).toBeVisible();
      await expectNoSeriousAxe(page, 'audit fix preview');
      await visit(page, harness, '/backup', /^Backup/, problems);
      await page.getByRole('button', { name: 'Generate a passphrase' }).click();
      await expect(page.getByTestId('generated-passphrase')).toBeVisible();
      await expectNoSeriousAxe(page, 'backup with a generated passphrase');
      expect(problems).toEqual([]);

      // A docs section, as the links in findings open it.
      await visit(page, harness, '/crucible', /Crucible/, problems);
      const section = await page.evaluate(() => document.querySelector('[data-testid="crucible-doc"] h2[id]')?.id);
      expect(section).toBeTruthy();
      await visit(page, harness, `/crucible/${section ?? ''}`, /Crucible/, problems);

      // A started incident: its runbook page, and the index with the incident open.
      const started = await harness.core.incident.start(d.id, 'Suspected .env leak');
      await visit(page, harness, `/incident/${started.incident.id}`, /^Incident/, problems);
      await visit(page, harness, '/incident', /^Incident/, problems);

      // The same routes in the dark theme.
      await page.emulateMedia({ colorScheme: 'dark' });
      for (const [path, heading] of [...routes, [`/incident/${started.incident.id}`, /^Incident/] as const])
        await visit(page, harness, path, heading, problems);
    } finally {
      await cleanupKeychain(harness);
    }
  });
});
