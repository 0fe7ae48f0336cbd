import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { addDeployment } from '../../electron/core/store/deployments';
import { KeytarKeychain } from '../../electron/core/keychain/keytar-keychain';
import { serviceFor } from '../../electron/core/keychain/keychain';
import type { Harness } from '../harness/server';

/**
 * Issue 17, item 6 in Chromium: one deployment opens directly (Back does not bounce), the HTTPS page fills in
 * the domain from the deployment's `.env`, commands copy through main, long lines stay inside their boxes,
 * revealing a value does not move the columns, and an empty home offers the setup.
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/proxy/stock-docker-compose.yml', import.meta.url));
// A long value without spaces: the worst case for a table cell.
const LONG = `E2E-long-${'x7Q9'.repeat(30)}`;

async function seedOne(h: Harness, home: string): Promise<{ id: string; folder: string }> {
  const folder = join(home, 'crucible');
  mkdirSync(folder);
  copyFileSync(FIXTURE, join(folder, 'docker-compose.yml'));
  writeFileSync(
    join(folder, '.env'),
    'ROUNDTABLE_FRONTEND_URL=https://crucible.example.com\nROUNDTABLE_CORS_ORIGINS=https://crucible.example.com\n',
    { mode: 0o600 },
  );
  const id = `e2e-words-${Date.now().toString(36)}`;
  await h.core.store.update((s) =>
    addDeployment(s, {
      id,
      name: 'Words deployment',
      folder,
      composeFiles: ['docker-compose.yml'],
      environment: 'production',
      createdAt: new Date().toISOString(),
    }),
  );
  return { id, folder };
}

/** Every code box on the page keeps its text inside (it wraps; nothing runs past its right edge). */
async function expectBoxesContain(page: Page) {
  const overflowing = await page
    .locator('pre')
    .evaluateAll((els) =>
      els
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => e.getAttribute('aria-label') ?? e.getAttribute('class') ?? 'pre'),
    );
  expect(overflowing).toEqual([]);
}

test.describe('words and layout', () => {
  test('an empty home offers the setup from the Dashboard', async ({ app }) => {
    const { page } = app;
    const setUp = page.getByTestId('no-deployments').getByRole('link', { name: 'Set up a deployment' });
    await setUp.click();
    await expect(page).toHaveURL(/#\/setup$/);
  });

  test('one deployment: index pages open it, Back skips them; the HTTPS page prefills its domain', async ({ app }) => {
    test.skip(!app.harness, 'seeds through the harness core');
    const h = app.harness!;
    const { page } = app;
    const { id } = await seedOne(h, app.home);
    await page.reload();

    for (const [link, path, heading] of [
      ['Secrets', 'secrets', 'Secrets — Words deployment'],
      ['Security audit', 'audit', 'Security audit: Words deployment'],
      ['Security checklist', 'checklist', 'Security checklist: Words deployment'],
      ['Rotation', 'rotation', 'Rotation: Words deployment'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`#/${path}/${id}$`));
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    }
    // Back goes to the previous deployment page, never to an index page that would forward again.
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`#/checklist/${id}$`));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'HTTPS & network' }).click();
    await expect(page.getByLabel('Deployment')).toHaveValue(id);
    await expect(page.getByLabel('Domain name')).toHaveValue('crucible.example.com');
    await expect(page.getByTestId('domain-prefilled')).toContainText('ROUNDTABLE_FRONTEND_URL');

    await page.getByRole('button', { name: 'Generate configuration' }).click();
    const steps = page.getByTestId('manual-steps');
    await expect(steps).toContainText('certbot certonly');
    const copy = steps.getByRole('button', { name: /^Copy: Commands: / }).first();
    const label = ((await copy.getAttribute('aria-label')) ?? '').replace(/^Copy: /, '');
    await copy.click();
    await expect(steps.getByText('Copied.').first()).toBeVisible();
    expect(h.platform.clipboardText()).toBe(await page.getByLabel(label, { exact: true }).textContent());
    await page.setViewportSize({ width: 900, height: 800 });
    await expectBoxesContain(page);
  });

  test('revealing a long value keeps the columns where they were, inside the card', async ({ app }) => {
    test.skip(!app.harness, 'seeds through the harness core');
    const h = app.harness!;
    const { page } = app;
    const { id } = await seedOne(h, app.home);
    try {
      await h.core.inventory.store({ deploymentId: id, values: { ROUNDTABLE_JWT_SECRET: LONG }, origin: 'generated' });
      await page.setViewportSize({ width: 1100, height: 800 });
      await page.goto(`${h.url}#/secrets/${id}`);
      const table = page.getByRole('table', { name: 'Secrets of this deployment' });
      await expect(table).toBeVisible();
      const columns = () =>
        table.locator('thead th').evaluateAll((ths) => ths.map((t) => Math.round(t.getBoundingClientRect().width)));
      const before = await columns();
      const row = page.getByTestId('secret-ROUNDTABLE_JWT_SECRET');
      await row.getByRole('button', { name: 'Reveal ROUNDTABLE_JWT_SECRET' }).click();
      await expect(row.getByTestId('revealed-value')).toHaveText(LONG);
      expect(await columns()).toEqual(before);
      const fits = await table.evaluate((t) => {
        const main = t.closest('main');
        return main !== null && t.getBoundingClientRect().right <= main.getBoundingClientRect().right;
      });
      expect(fits).toBe(true);
      const value = await row.getByTestId('revealed-value').evaluate((e) => e.scrollWidth <= e.clientWidth + 1);
      expect(value).toBe(true);
    } finally {
      const kc = await KeytarKeychain.open();
      for (const e of await kc.list(serviceFor(id))) await kc.delete(serviceFor(id), e.account);
    }
  });
});
