import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: Debian's Chromium (driven by playwright-core) against a real `fer-lab serve`
 * (real engine, real SQLite) per test. Run after `electron-vite build` (the global setup builds the
 * renderer if out/renderer is missing). One file at a time: each test trains real (tiny) models.
 */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.spec.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/helpers/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    maxWorkers: 1,
    reporters: ['default'],
  },
});
