import { defineConfig } from '@playwright/test';

/**
 * The same specs as playwright.config.ts, driven against the real Electron app through Playwright's
 * `_electron` launcher. Needs an Electron binary (`npm install` fetches it on a normal machine).
 * Selected with E2E_TARGET=electron, read by test/e2e/fixtures.ts.
 */
process.env.E2E_TARGET = 'electron';
export default defineConfig({
  testDir: 'test/e2e',
  workers: 1,
  timeout: 60_000,
  reporter: 'list',
});
