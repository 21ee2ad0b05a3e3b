import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Builds the toolkit and target images once, removes this run's containers after.
          globalSetup: ['test/support/global-setup.ts'],
          // Each file starts containers; two at a time is what a 2-core machine takes.
          maxWorkers: 2,
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
