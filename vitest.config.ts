import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  test: {
    globals: true,
    environment: 'node',
    include: [
      'test/unit/**/*.test.ts',
      'test/component/**/*.test.tsx',
      'test/integration/**/*.test.ts',
      'test/security/**/*.test.ts',
      // The live test bed (real Crucible API, PostgreSQL, Redis, sshd): skips locally without root or the
      // tree from scripts/testbed/build-tree.sh, and fails under CI=true instead of skipping.
      'test/live/**/*.live.test.ts',
    ],
    // findBy/waitFor wait up to 5 s in component tests (loaded machines; see the file).
    setupFiles: ['test/component/setup-testing-library.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // 2-core machines: keep worker count small so keychain/Postgres integration tests do not starve.
    maxWorkers: 2,
  },
});
