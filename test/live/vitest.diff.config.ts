import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Runs issue 23's differential test (check-env against Crucible's own start-up) on its own:
 *   npx vitest run --config test/live/vitest.diff.config.ts
 * The default vitest.config.ts does not include test/live (live tests need root and the bed's Debian 13 tree).
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    globals: true,
    environment: 'node',
    include: ['test/live/check-env-vs-settings.live.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
