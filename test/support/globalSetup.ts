/**
 * One Azurite for the whole run; each test file isolates itself with its own table prefix. The command line
 * and the web app are built first, so tests that spawn bin/mie-watchdog.js run the built CLI of the sources
 * under test and the browser tests load the built pages.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startAzurite, type RunningAzurite } from '../../cli/local/azurite.js';

declare module 'vitest' {
  export interface ProvidedContext {
    azuriteConnectionString: string;
  }
}

let azurite: RunningAzurite | undefined;

export async function setup(project: TestProject): Promise<void> {
  for (const target of ['cli', 'web'])
    execFileSync(process.execPath, ['scripts/build.mjs', target], {
      cwd: resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  azurite = await startAzurite();
  project.provide('azuriteConnectionString', azurite.connectionString);
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}
