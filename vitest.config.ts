import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'app/**/*.test.{ts,tsx}', 'service-worker/**/*.test.ts', 'bench/**/*.test.ts', 'sim/**/*.test.ts', 'fuzz/**/*.test.ts'],
    exclude: ['node_modules', 'dist', 'e2e'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
