import { defineConfig, type Plugin } from 'vitest/config';

/** A .sh file imported from TypeScript is its text, as esbuild's text loader makes it in the bundle. */
const shellScriptsAsText: Plugin = {
  name: 'remora-shell-scripts-as-text',
  transform(code, id) {
    if (id.endsWith('.sh')) return { code: `export default ${JSON.stringify(code)};`, map: null };
  },
};

export default defineConfig({
  plugins: [shellScriptsAsText],
  test: {
    reporters: ['default'],
    projects: [
      {
        extends: true,
        // Unit tests run first (group 0): fast feedback before any container starts.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
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
