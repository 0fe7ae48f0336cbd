import { defineConfig } from '@playwright/test';

/**
 * End-to-end specs run in Debian's Chromium against test/harness, which serves the built renderer and the
 * real IPC router on 127.0.0.1. Each spec starts its own harness (see test/e2e/fixtures.ts), so nothing is
 * configured as a webServer here. Nothing downloads a browser.
 */
export default defineConfig({
  testDir: 'test/e2e',
  workers: 1,
  timeout: 60_000,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'reports/playwright.json' }]] : 'list',
  outputDir: 'test-results',
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    },
    screenshot: 'only-on-failure',
  },
});
