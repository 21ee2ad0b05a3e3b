import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        // Unit tests run first (group 0): fast feedback before any container starts.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Builds the toolkit and target images once, removes this run's containers after.
          globalSetup: ['test/support/global-setup.ts'],
          // Each file starts containers; two at a time is what a 2-core machine takes.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
