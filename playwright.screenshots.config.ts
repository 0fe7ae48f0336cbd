import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * The README screenshots (`npm run screenshots`): a separate config so `playwright test` (CI) never rewrites
 * docs/images. Same browser and harness as the end-to-end specs; one worker, one spec.
 */
export default defineConfig({
  ...base,
  testDir: 'test/screenshots',
  reporter: 'list',
  timeout: 300_000,
});
