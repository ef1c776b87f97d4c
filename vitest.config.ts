import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@contract': fileURLToPath(new URL('./src-main/api', import.meta.url)) },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // The pure-JS tfjs CPU backend is slow; model and training tests need room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: running files in parallel beyond that only thrashes.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
