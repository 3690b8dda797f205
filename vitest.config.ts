import { defineConfig } from 'vitest/config';

/**
 * The kind of a test is its suffix (test/README.md): one project per kind, so `vitest run --project unit`
 * runs exactly the unit tests. A test file with no recognised suffix would be in no project and never run;
 * test/testKinds.unit.test.ts fails when there is one.
 */
export const TEST_KINDS = ['unit', 'int', 'e2e'] as const;

const shared = { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks' } as const;

export default defineConfig({
  test: {
    // Once for every project: the global Azurite and the built CLI.
    globalSetup: ['test/support/globalSetup.ts'],
    reporters: ['default', './test/support/summaryReporter.ts'],
    projects: TEST_KINDS.map((kind) => ({ test: { ...shared, name: kind, include: [`test/**/*.${kind}.test.ts`] } })),
  },
});
