import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test, expect } from './fixtures';
import {
  cleanupKeychain,
  collectPageProblems,
  genuineCheckout,
  hasUpstream,
  onlyDeployment,
  setUpThroughWizard,
} from './genuine-home';

/**
 * Issue 17, item 1 (and 2) in the window: right after the wizard sets up the genuine Crucible checkout for
 * production and says the review is clean, the Dashboard, the Audit page and the Checklist agree: no error
 * or critical finding anywhere, the same counts on the Dashboard as on the Audit page, the CORS item passing
 * (the wizard made compose read it from .env), and docker-compose.prod.yml audited with the base file.
 */
test('after the wizard, the Dashboard, the Audit page and the Checklist agree and show 0 errors', async ({ app }) => {
  test.skip(!app.harness, 'harness only (scripted folder dialog)');
  test.skip(!hasUpstream, 'the genuine Crucible checkout is not on this machine');
  test.setTimeout(240_000);
  const harness = app.harness!;
  const { page } = app;
  const problems = collectPageProblems(page);
  const folder = genuineCheckout({ parent: app.home });
  try {
    await setUpThroughWizard(page, harness, folder);
    const d = await onlyDeployment(harness);
    expect(d.folder).toBe(folder);

    // The Audit page: counts by severity, the files it read.
    await page.goto(`${harness.url}#/audit/${d.id}`);
    await expect(page.getByRole('heading', { level: 1, name: /^Security audit/ })).toBeVisible({ timeout: 15_000 });
    const audit: Record<string, number> = {};
    for (const s of ['critical', 'error', 'warning', 'info'])
      audit[s] = Number(await page.getByTestId(`count-${s}`).textContent());
    expect(audit).toMatchObject({ critical: 0, error: 0 });
    await expect(page.getByRole('main')).toContainText('docker-compose.prod.yml');
    // The wizard made compose read CORS from .env: neither "fixed in the compose file" nor "has no effect".
    await expect(
      page.getByRole('article', { name: /ROUNDTABLE_CORS_ORIGINS (is fixed in|has no effect)/ }),
    ).toHaveCount(0);
    const titles = await page.getByTestId('finding').allTextContents();

    // The Dashboard: the same counts, no error.
    await page.goto(`${harness.url}#/dashboard`);
    const row = page.getByTestId(`dash-${d.id}`);
    await expect(row).toBeVisible({ timeout: 15_000 });
    const dash: Record<string, number> = {};
    for (const li of await row.locator('.severity-counts li').allTextContents()) {
      const [severity, n] = li.trim().split(/\s+/);
      dash[severity ?? ''] = Number(n);
    }
    expect(dash).toEqual(audit);
    const failingOnDashboard = row.getByTestId('dash-checklist-failing');
    const dashFailing = (await failingOnDashboard.count()) === 0 ? 0 : parseInt(await failingOnDashboard.innerText());

    // The Checklist: CORS passes; what fails is what the Dashboard counts.
    await page.goto(`${harness.url}#/checklist/${d.id}`);
    await expect(page.getByRole('heading', { level: 1, name: /^Security checklist/ })).toBeVisible({
      timeout: 15_000,
    });
    await expect(page.getByTestId('check-pre-cors')).toHaveAttribute('data-status', 'pass');
    const failing = page.locator('[data-testid^="check-"][data-state="failing"]');
    await expect(failing).toHaveCount(dashFailing);
    expect(titles.join('\n')).not.toMatch(/ROUNDTABLE_CORS_ORIGINS has no effect/);

    // What the app just wrote does not fail its own audit: nothing secret-bearing left for git.
    expect(readdirSync(folder).filter((n) => /^\.env\..+/.test(n) && n !== '.env.example')).toEqual([]);
    expect(execFileSync('git', ['-C', folder, 'status', '--porcelain'], { encoding: 'utf8' })).not.toMatch(/\.env\b/);
    expect(problems).toEqual([]);
  } finally {
    await cleanupKeychain(harness);
  }
});
