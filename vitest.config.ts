import { availableParallelism } from 'node:os';
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
    // Most test files wait on HTTP, Azurite and child processes, not the CPU: vitest's default of one worker fewer
    // than the cores is one worker on a 2-core machine, where two finish the suite in two thirds of the time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default', './test/support/summaryReporter.ts'],
    projects: TEST_KINDS.map((kind) => ({ test: { ...shared, name: kind, include: [`test/**/*.${kind}.test.ts`] } })),
  },
});
