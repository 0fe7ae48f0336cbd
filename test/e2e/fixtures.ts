import { test as base, _electron as electron, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHarness, type Harness } from '../harness/server';

/**
 * One fixture, two targets. By default each spec drives the built renderer in Debian's Chromium through
 * test/harness (the real router and core behind it). With E2E_TARGET=electron
 * (`npm run test:electron`) the same specs drive the packaged app through Playwright's `_electron`,
 * which needs an Electron binary; `harness` is then undefined and specs that reach into it skip.
 */
export interface AppFixture {
  page: Page;
  home: string;
  harness: Harness | undefined;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const target = process.env.E2E_TARGET === 'electron' ? 'electron' : 'harness';

export const test = base.extend<{ app: AppFixture }>({
  app: async ({ browser }, use) => {
    const home = mkdtempSync(join(tmpdir(), 'cs-e2e-'));
    try {
      if (target === 'electron') {
        const app = await electron.launch({ args: [ROOT], env: { ...process.env, CRUCIBLE_SECRETS_HOME: home } });
        const page = await app.firstWindow();
        await use({ page, home, harness: undefined });
        await app.close();
      } else {
        const harness = await startHarness({ home });
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(harness.url);
        await use({ page, home, harness });
        await context.close();
        await harness.close();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  },
});

export { expect } from '@playwright/test';
